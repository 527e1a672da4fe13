import { Injectable } from '@nestjs/common';
import * as bcrypt from 'bcryptjs';
import { randomBytes } from 'crypto';

/** bcrypt cost of every stored password hash (AuthService.hash, the demo seed). */
export const BCRYPT_COST = 10;

/**
 * Password hashing for sign-in. An attempt for a username nobody has (or an account switched off) is
 * checked against `dummyHash`, made once with the same cost as real hashes, so it costs the same time
 * as a wrong password for a real account: the answer's timing says nothing about who exists.
 */
@Injectable()
export class PasswordHasher {
  readonly dummyHash = bcrypt.hashSync(randomBytes(18).toString('base64'), BCRYPT_COST);

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, BCRYPT_COST);
  }
}
