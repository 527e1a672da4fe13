import { SetMetadata } from '@nestjs/common';
import type { Role } from '@app/domain/enums/domain-enums';

export const ROLES_KEY = 'gd:roles';
/** The route needs one of these roles in some organisation (the service then checks which organisation). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const PUBLIC_KEY = 'gd:public';
/** The route needs no sign-in. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
