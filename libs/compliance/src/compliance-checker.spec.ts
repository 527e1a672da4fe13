import * as http from 'http';
import { AddressInfo } from 'net';
import { ComplianceChecker, hasBlockingFindings } from './compliance-checker';
import { LEXICON_DIR, validResidentId } from './testing/fixtures';

const ID = validResidentId('52010219850615123');

describe('ComplianceChecker (shipped lexicons)', () => {
  const checker = ComplianceChecker.fromDirectory(LEXICON_DIR, { today: () => new Date('2025-06-01T00:00:00Z') });

  it('checks several fields, HTML positions pointing into the original markup', () => {
    const title = '关于做好國土資源局设备按装工作的通知';
    const body = `<p style="text-align:right">机密<strong>★</strong>启用前</p><p>联系人：王小明，住址：贵州省贵阳市观山湖区金阳南路6号，电话<em>139</em>12345678，身份证号${ID}。</p>`;
    const findings = checker.check({
      fields: [
        { field: 'title', text: title },
        { field: 'body', text: body, html: true },
      ],
    });
    const view = findings.map((f) => [f.field, f.rule, f.severity, (f.field === 'title' ? title : body).slice(f.start, f.end)]);
    expect(view).toEqual([
      ['title', 'sensitive-word', 'warn', '國土資源局'],
      ['title', 'typo', 'warn', '按装'],
      ['body', 'secrecy-mark', 'block', '机密<strong>★</strong>启用前'],
      ['body', 'personal-name', 'review', '王小明'],
      ['body', 'personal-address', 'review', '贵州省贵阳市观山湖区金阳南路6号'],
      ['body', 'personal-mobile', 'review', '139</em>12345678'],
      ['body', 'personal-id-card', 'review', ID],
    ]);
    const mark = findings.find((f) => f.rule === 'secrecy-mark')!;
    expect(mark.excerpt).toBe('机密★启用前');
    expect(hasBlockingFindings(findings)).toBe(true);
    expect(findings.every((f) => /[\u4e00-\u9fa5]/.test(f.message))).toBe(true);
  });

  it('uses the input-wide html flag and reports nothing for clean real-world text', () => {
    // Sentences from published 政务公开 reports: mention secrecy review, never carry a mark.
    const body =
      '<p>建立了虚假或不完整信息澄清机制、政府信息发布协调机制和政府信息保密审查制度，全年无泄密行为发生。</p>' +
      '<p>遵循“上网不涉密，涉密的不上网”的要求，严格执行保密审查制度。除依法需要保密的外，及时公开了区人民政府全体会议和常务会议讨论决定的事项。</p>' +
      '<p>截至目前，累计公开相关信息34条，联系电话：0851-88123456。详见<a href="http://www.gov.cn/zhengce/13800138000.htm">链接</a>。</p>';
    expect(checker.check({ fields: [{ field: 'body', text: body }], html: true })).toEqual([]);
  });

  it('checks attachment-like fields (file names, metadata) the same way', () => {
    const findings = checker.check({ fields: [{ field: 'attachment:1#name', text: '2024年考核结果（秘密★1年）.pdf' }] });
    expect(findings.map((f) => [f.rule, f.excerpt])).toEqual([['secrecy-mark', '秘密★1年']]);
  });

  it('redacts through the checker', () => {
    const body = `<p>身份证号${ID}</p>`;
    const findings = checker.check({ fields: [{ field: 'body', text: body, html: true }] });
    expect(checker.redact(body, findings, { html: true })).toBe(`<p>身份证号${ID.slice(0, 3)}***********${ID.slice(14)}</p>`);
  });

  it('checks links of the fields', async () => {
    const server = http.createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 404).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const body = `<p><a href="${base}/ok">有效</a><a href="${base}/gone">失效</a> 另见 ${base}/gone2 。</p>`;
      const findings = await checker.checkLinks({ fields: [{ field: 'body', text: body, html: true }] }, { allowLoopback: true, timeoutMs: 2000 });
      expect(findings.map((f) => [f.rule, body.slice(f.start, f.end)])).toEqual([
        ['link-broken', `${base}/gone`],
        ['link-broken', `${base}/gone2`],
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
