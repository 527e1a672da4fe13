import * as path from 'path';
import { loadConfig } from '@app/common/config/app-config';
import type { Organisation } from '@app/domain/entities/organisation.entity';
import { GazetteIssueService } from '@app/channels/gazette/gazette-issue.service';

/**
 * Issue 12, point 8: no setting can make the product write outside PORTAL_DIR. A gazette account
 * once took `settings.directory` as a directory of its own (resolved against the working directory);
 * an account stored with one, from before the admin API refused it, still writes under PORTAL_DIR.
 */
describe('gazette pages stay inside PORTAL_DIR', () => {
  const portal = path.join('/tmp', 'gd-gazette-dir-spec', 'portal');
  const config = loadConfig({}, {
    DATABASE_URL: 'postgres://x@127.0.0.1/x',
    REDIS_URL: 'redis://127.0.0.1:6379',
    ENCRYPTION_KEY: 'a'.repeat(64),
    JWT_SECRET: 'test-jwt-secret-0123456789',
    PORTAL_DIR: portal,
    NODE_ENV: 'test',
  } as never);
  const svc = new GazetteIssueService(null as never, config);
  const org = { id: 'o', name: '示范县人民政府', settings: {} } as unknown as Organisation;

  it.each([['/etc'], ['../outside'], ['/tmp/evil']])('ignores a stored directory %s', (directory) => {
    const ctx = svc.contextFor({ id: 'a', name: '示范县人民政府公报', baseUrl: '', settings: { directory, path: 'gazette' } }, org);
    expect(ctx.dir).toBe(path.join(portal, 'gazette'));
  });

  it.each([['../../etc'], ['/abs'], ['a/b']])('a path that is not a plain name falls back to the default folder (%s)', (p) => {
    const ctx = svc.contextFor({ id: 'a', name: '示范县人民政府公报', baseUrl: '', settings: { path: p } }, org);
    expect(ctx.dir).toBe(path.join(portal, 'gazette'));
  });
});
