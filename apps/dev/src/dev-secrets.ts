import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * For the embedded default only: secrets a newcomer has not set are generated once and kept in
 * DATA_DIR/secrets.json, so restarts can still decrypt stored credentials and keep sessions valid.
 * Production sets ENCRYPTION_KEY and JWT_SECRET explicitly (start-up fails without them).
 */
export function devSecrets(dataDir: string): { ENCRYPTION_KEY: string; JWT_SECRET: string } {
  const file = path.join(dataDir, 'secrets.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const s = { ENCRYPTION_KEY: randomBytes(32).toString('hex'), JWT_SECRET: randomBytes(32).toString('base64url') };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(s, null, 2), { mode: 0o600 });
  return s;
}
