import * as http from 'http';
import { AddressInfo } from 'net';
import { checkLinks } from '../links/link-checker';
import { blockedReason, expandIpv6 } from '@app/common/net/ssrf-guard';
import { extractLinks, extractLinksFromField, linkFindings } from './link.detector';

describe('extractLinks', () => {
  it('finds absolute hrefs and written-out URLs with original positions', () => {
    const html = '<p>详见<a href="https://www.gov.cn/a?x=1&amp;y=2">通知</a>，或访问 http://www.example.gov.cn/b.html。</p><a href="/local">本站</a>';
    const links = extractLinksFromField({ field: 'body', text: html, html: true });
    expect(links.map((l) => l.url)).toEqual(['https://www.gov.cn/a?x=1&y=2', 'http://www.example.gov.cn/b.html']);
    expect(html.slice(links[0].start, links[0].end)).toBe('https://www.gov.cn/a?x=1&amp;y=2');
    expect(html.slice(links[1].start, links[1].end)).toBe('http://www.example.gov.cn/b.html');
  });

  it('does not double-count a URL printed as its own anchor text', () => {
    const html = '<a href="https://www.gov.cn/">https://www.gov.cn/</a>';
    expect(extractLinks({ fields: [{ field: 'body', text: html }], html: true })).toHaveLength(1);
  });

  it('handles plain text, www. links and trailing punctuation', () => {
    const links = extractLinksFromField({ field: 'summary', text: '见www.gov.cn/zhengce，以及https://a.example.cn/x.html.' });
    expect(links.map((l) => l.url)).toEqual(['http://www.gov.cn/zhengce', 'https://a.example.cn/x.html']);
  });

  it('finds nothing in text without links', () => {
    expect(extractLinksFromField({ field: 'body', text: '<p>没有链接</p><a href="mailto:a@b.cn">信箱</a>', html: true })).toEqual([]);
  });
});

describe('SSRF guard', () => {
  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['127.0.0.1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['::1', 'loopback'],
    ['fc00::1', 'unique local (fc00::/7)'],
    ['fd12:3456::1', 'unique local (fc00::/7)'],
    ['fe80::1', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::', 'unspecified'],
  ])('refuses %s', (ip, reason) => {
    expect(blockedReason(ip)).toBe(reason);
  });

  it.each(['8.8.8.8', '172.32.0.1', '172.15.255.255', '203.119.25.1', '2400:3200::1', '::ffff:8.8.8.8'])('allows public %s', (ip) => {
    expect(blockedReason(ip)).toBeNull();
  });

  it('allows loopback only when asked, never private ranges', () => {
    expect(blockedReason('127.0.0.1', true)).toBeNull();
    expect(blockedReason('::1', true)).toBeNull();
    expect(blockedReason('10.0.0.1', true)).toBe('private');
  });

  it('expands IPv6 forms', () => {
    expect(expandIpv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(expandIpv6('fe80::1:2')).toEqual([0xfe80, 0, 0, 0, 0, 0, 1, 2]);
    expect(expandIpv6('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]);
  });
});

describe('checkLinks against a local server', () => {
  let server: http.Server;
  let base: string;
  const seen: string[] = [];
  const timers: NodeJS.Timeout[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url === '/ok') return res.writeHead(200).end('ok');
      if (req.url === '/head-not-allowed') return req.method === 'HEAD' ? res.writeHead(405).end() : res.writeHead(200).end('ok');
      if (req.url === '/redirect') return res.writeHead(302, { Location: '/ok' }).end();
      if (req.url === '/redirect-private') return res.writeHead(302, { Location: 'http://10.0.0.1/secret' }).end();
      if (req.url === '/loop') return res.writeHead(302, { Location: '/loop' }).end();
      if (req.url === '/slow') return void timers.push(setTimeout(() => res.writeHead(200).end(), 2000));
      res.writeHead(404).end('missing');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    timers.forEach(clearTimeout);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('reports status per link, follows redirects, falls back from HEAD to GET', async () => {
    const urls = [`${base}/ok`, `${base}/missing`, `${base}/redirect`, `${base}/head-not-allowed`, `${base}/redirect-private`, `${base}/loop`];
    const r = await checkLinks(urls, { allowLoopback: true, timeoutMs: 3000, maxRedirects: 3 });
    expect(r.map((x) => [x.ok, x.problem ?? null, x.status ?? null])).toEqual([
      [true, null, 200],
      [false, 'http-error', 404],
      [true, null, 200],
      [true, null, 200],
      [false, 'refused', 302],
      [false, 'too-many-redirects', 302],
    ]);
    expect(r[2].finalUrl).toBe(`${base}/ok`);
    expect(seen).toContain('GET /head-not-allowed');
    // The private redirect target was never contacted: only our own server saw requests.
    expect(r[4].detail).toContain('10.0.0.1');
  });

  it('refuses loopback unless allowed, and private addresses always, without connecting', async () => {
    const before = seen.length;
    const r = await checkLinks([`${base}/ok`, 'http://10.255.255.1/', 'http://localhost:1/', 'http://[::1]:1/'], { timeoutMs: 1000 });
    expect(r.map((x) => x.problem)).toEqual(['refused', 'refused', 'refused', 'refused']);
    expect(seen.length).toBe(before);
  });

  it('times out slow links and reports unreachable ones', async () => {
    const r = await checkLinks([`${base}/slow`, 'http://127.0.0.1:1/'], { allowLoopback: true, timeoutMs: 300 });
    expect(r[0]).toMatchObject({ ok: false, problem: 'timeout' });
    expect(r[1]).toMatchObject({ ok: false, problem: 'network' });
  });

  it('turns broken and refused links into warn findings at the link position', async () => {
    const html = `<p><a href="${base}/ok">好</a> <a href="${base}/missing">坏</a> <a href="http://192.168.0.10/oa">内网</a></p>`;
    const links = extractLinks({ fields: [{ field: 'body', text: html, html: true }] });
    const results = await checkLinks(
      links.map((l) => l.url),
      { allowLoopback: true, timeoutMs: 2000 },
    );
    const findings = linkFindings(links, results);
    expect(findings.map((f) => [f.rule, f.severity, html.slice(f.start, f.end)])).toEqual([
      ['link-broken', 'warn', `${base}/missing`],
      ['link-refused', 'warn', 'http://192.168.0.10/oa'],
    ]);
    expect(findings[0].message).toContain('HTTP 404');
    expect(findings[1].message).toContain('内网');
  });
});
