import { sanitizeBody } from './body-sanitizer';

describe('sanitizeBody', () => {
  it('removes scripts, event handlers and javascript: URLs', () => {
    const out = sanitizeBody('<p onclick="x()">正文<script>alert(1)</script></p><a href="javascript:alert(1)">链接</a><img src="x" onerror="y()">');
    expect(out).not.toMatch(/script|onclick|onerror|javascript:/i);
    expect(out).toContain('<p>正文</p>');
    expect(out).toContain('链接');
  });

  it('keeps article markup: headings, tables, images, links with safe rel', () => {
    const out = sanitizeBody('<h2>一、总则</h2><table><tr><td colspan="2">单元格</td></tr></table><img src="https://example.gov.cn/a.png" alt="图"><a href="https://www.gov.cn/">中国政府网</a>');
    expect(out).toContain('<h2>一、总则</h2>');
    expect(out).toContain('<td colspan="2">单元格</td>');
    expect(out).toContain('<img src="https://example.gov.cn/a.png" alt="图" />');
    expect(out).toContain('rel="noopener noreferrer"');
  });
});
