import { SetMetadata } from '@nestjs/common';

// Routes say which permission they need with @RequirePermission (require-permission.decorator.ts);
// the roles behind each permission live in permissions.ts only.

export const PUBLIC_KEY = 'gd:public';
/** The route needs no sign-in. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
