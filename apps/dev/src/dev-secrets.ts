import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * For the embedded default only: secrets a newcomer has not set are generated once and kept in
 * DATA_DIR/secrets.json, so restarts can still decrypt stored credentials and keep sessions valid.
 * Production sets ENCRYPTION_KEY and JWT_SECRET explicitly (start-up fails without them).
 */
export function devSecrets(dataDir: string): { ENCRYPTION_KEY: string; JWT_SECRET: string; QUEUE_PREFIX: string } {
  const file = path.join(dataDir, 'secrets.json');
  if (fs.existsSync(file)) {
    const kept = JSON.parse(fs.readFileSync(file, 'utf8'));
    return { QUEUE_PREFIX: 'gd', ...kept };
  }
  // Its own BullMQ prefix per data directory: a fresh .data next to a Redis that still holds an older
  // installation's jobs (the shared 127.0.0.1:6379) must not see them.
  const s = {
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    JWT_SECRET: randomBytes(32).toString('base64url'),
    QUEUE_PREFIX: `gd-${randomBytes(3).toString('hex')}`,
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(s, null, 2), { mode: 0o600 });
  return s;
}
