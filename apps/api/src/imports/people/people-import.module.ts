import { Module } from '@nestjs/common';
import { UsersAdminService } from '../../admin/users-admin.service';
import { LoginThrottle } from '../../auth/login-throttle.service';
import { PeopleImportController } from './people-import.controller';
import { PeopleImportService } from './people-import.service';
import { SetPasswordController } from './set-password.controller';
import { SetPasswordService } from './set-password.service';
import { SetPasswordLinkService } from './set-password-link.service';

/**
 * The people and structure import (issue 18.2) and the set-password links it hands out (registered in
 * apps/api/src/feature-modules.ts). LoginThrottle and UsersAdminService are stateless (their state is the
 * database): this module keeps instances of its own, as the auth security module does.
 */
@Module({
  controllers: [PeopleImportController, SetPasswordController],
  providers: [PeopleImportService, SetPasswordService, SetPasswordLinkService, LoginThrottle, UsersAdminService],
})
export class PeopleImportModule {}
