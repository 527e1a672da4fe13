import * as fs from 'fs';
import * as path from 'path';

/**
 * A directory under config/ (lexicons, calendar). Processes run from the repository root (npm scripts,
 * jest); the fallbacks find it from the source tree or from dist/ when started elsewhere.
 */
export function configDir(name: string): string {
  const candidates = [
    path.resolve('config', name),
    path.resolve(__dirname, '..', '..', '..', '..', 'config', name),
    path.resolve(__dirname, '..', '..', '..', '..', '..', 'config', name),
  ];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}
