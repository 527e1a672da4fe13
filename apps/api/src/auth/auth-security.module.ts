import { Module } from '@nestjs/common';
import { UsersAdminService } from '../admin/users-admin.service';
import { LoginThrottle } from './login-throttle.service';
import { LoginUnlockController } from './login-unlock.controller';
import { LoginUnlockService } from './login-unlock.service';
import { LoginService } from './login.service';
import { PasswordHasher } from './password-hasher.service';
import { AuthService } from './auth.service';

/**
 * Sign-in, sign-out, lockouts and the admin's unlock (registered in apps/api/src/feature-modules.ts;
 * the api module's AuthController uses the exported LoginService). AuthService and UsersAdminService
 * are stateless: this module keeps instances of its own, as the operator module does.
 */
@Module({
  controllers: [LoginUnlockController],
  providers: [LoginService, LoginThrottle, LoginUnlockService, PasswordHasher, AuthService, UsersAdminService],
  exports: [LoginService, PasswordHasher],
})
export class AuthSecurityModule {}
