import { SetMetadata } from '@nestjs/common';
import type { Permission } from './permissions';

export const PERMISSION_KEY = 'gd:permission';
/**
 * The route needs `permission` in some organisation (a role that grants it, PERMISSIONS); the service
 * then checks the organisation the request is about. Replaces @Roles(...).
 */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);
