import { ImportFetcher } from '@app/imports/site/import-fetcher';
import { readSourceList } from '@app/imports/site/source-list';
import { serveOldSite } from './fixtures/old-site';

describe('site import fetcher', () => {
  it('reads the sitemap of an allowed loopback host and refuses one not allowed', async () => {
    const s = await serveOldSite();
    try {
      const f = new ImportFetcher({ allowedHosts: new Set(['127.0.0.1']), intervalMs: 0, timeoutMs: 5000 });
      const l = readSourceList(await f.get(`${s.base}/sitemap.xml`));
      expect(l.pages).toHaveLength(11);
      expect(await new ImportFetcher({ allowedHosts: new Set(), intervalMs: 0 }).refusal(`${s.base}/sitemap.xml`)).toContain('内部网络');
    } finally {
      await s.close();
    }
  });
});
