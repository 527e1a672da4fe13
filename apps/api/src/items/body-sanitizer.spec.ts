import { WORD_NOTICE_BODY, WORD_NOTICE_CLIPBOARD } from '@app/domain/body/word-notice.fixture';
import { sanitizeBody } from './body-sanitizer';

describe('sanitizeBody', () => {
  it('removes scripts, event handlers and javascript: URLs', () => {
    const out = sanitizeBody('<p onclick="x()">正文<script>alert(1)</script></p><a href="javascript:alert(1)">链接</a><img src="x" onerror="y()">');
    expect(out).not.toMatch(/script|onclick|onerror|javascript:/i);
    expect(out).toContain('<p>正文</p>');
    expect(out).toContain('链接');
  });

  it('keeps article markup: headings, tables, images, links with safe rel', () => {
    const out = sanitizeBody(
      '<h2>一、总则</h2><table><tr><td colspan="2">单元格</td></tr></table><img src="https://example.gov.cn/a.png" alt="图"><a href="https://www.gov.cn/">中国政府网</a>',
    );
    expect(out).toContain('<h2>一、总则</h2>');
    expect(out).toContain('<td colspan="2">单元格</td>');
    expect(out).toContain('<img src="https://example.gov.cn/a.png" alt="图" />');
    expect(out).toContain('rel="noopener noreferrer"');
  });
});

describe('sanitizeBody: tables and layout (issue 15.1)', () => {
  it('keeps a Word notice as the editor stores it: table with heading row, alignment, indents, captioned figure', () => {
    expect(sanitizeBody(WORD_NOTICE_BODY)).toBe(WORD_NOTICE_BODY);
    expect(WORD_NOTICE_BODY).toContain('<th><p style="text-align:center">检查组</p></th>');
    expect(WORD_NOTICE_BODY).toContain('<figcaption>图1 县供热公司锅炉房检查现场</figcaption>');
  });

  it('reduces raw Word clipboard HTML (posted through the API) to safe markup with no Word styles', () => {
    const out = sanitizeBody(WORD_NOTICE_CLIPBOARD);
    expect(out).not.toMatch(/mso-|font-family|line-height|border|class=|<style|<xml|@font-face|OfficeDocumentSettings|WordDocument/i);
    expect(out).toContain('<p style="text-align:right">');
    // Word's point indents are not whole em: dropped here (the editor's paste converts them)
    expect(out).not.toContain('text-indent:32.0pt');
    expect(out).toContain('<p style="text-indent:2em">');
    expect(out).toMatch(/<table>\s*<tr>\s*<td>/);
    // a local file: picture keeps no address (file: is no allowed scheme)
    expect(out).not.toContain('file:');
  });

  it('keeps only text-align (four values) and text-indent (1-4 em) of a style attribute', () => {
    expect(sanitizeBody('<p style="text-align:right;background:url(https://evil.example/x.png)">落款</p>')).toBe('<p style="text-align:right">落款</p>');
    expect(sanitizeBody('<p style="text-align: right; text-indent: 2em">a</p>')).toBe('<p style="text-align:right;text-indent:2em">a</p>');
    expect(sanitizeBody('<h2 style="text-align:center">一、总则</h2>')).toBe('<h2 style="text-align:center">一、总则</h2>');
    // parsed as CSS, not matched as text: a comment inside a value is no way around the rules
    expect(sanitizeBody('<p style="text-align:/**/right;/**/background:red">a</p>')).toBe('<p style="text-align:right">a</p>');
    for (const bad of [
      'text-indent:expression(alert(1))',
      'text-align:expression(alert(1))',
      'text-align:right\\;background:red',
      'text-indent:9em',
      'text-indent:2.5em',
      'text-indent:-2em',
      'text-indent:20px',
      'text-align:start',
      'position:fixed;top:0',
      'behavior:url(x.htc)',
      'background-image:url("javascript:alert(1)")',
    ]) {
      const out = sanitizeBody(`<p style="${bad}">a</p>`);
      expect([bad, out]).toEqual([bad, '<p>a</p>']);
    }
    expect(sanitizeBody('<table style="width:100%"><tr><td style="text-align:right;color:red" onmouseover="x()">1</td></tr></table>')).toBe(
      '<table><tr><td style="text-align:right">1</td></tr></table>',
    );
  });

  it('bounds colspan/rowspan and th scope, and keeps figure, figcaption and img alt without handlers', () => {
    expect(
      sanitizeBody(
        '<table><tr><th scope="col" colspan="3">表头</th><th scope="javascript:x" rowspan="1">b</th></tr><tr><td colspan="999" rowspan="x">c</td><td colspan="2.5">d</td></tr></table>',
      ),
    ).toBe('<table><tr><th scope="col" colspan="3">表头</th><th>b</th></tr><tr><td colspan="20">c</td><td>d</td></tr></table>');
    const fig = sanitizeBody(
      '<figure onclick="x()" style="float:left"><img src="https://www.sfx.gov.cn/a.png" alt="检查现场" onerror="y()" style="width:1px"><figcaption onmouseover="z()">图1 检查现场</figcaption></figure>',
    );
    expect(fig).toBe('<figure><img src="https://www.sfx.gov.cn/a.png" alt="检查现场" /><figcaption>图1 检查现场</figcaption></figure>');
  });
});
