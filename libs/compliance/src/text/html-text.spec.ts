import { WORD_NOTICE_BODY, WORD_NOTICE_TABLE } from '@app/domain/body/word-notice.fixture';
import { htmlToTextWithMap, toOriginalSpan } from './html-text';

describe('htmlToTextWithMap', () => {
  it('returns the text a reader sees, with block boundaries as line breaks', () => {
    const m = htmlToTextWithMap('<h1>标题</h1><p>第一段<b>加粗</b>文字</p><p>第二段<br/>换行</p>');
    expect(m.text).toBe('\n标题\n\n第一段加粗文字\n\n第二段\n换行\n');
  });

  it('maps every text unit back to the original string, entities included', () => {
    const html = '<p>秘<span style="color:red">密</span>&#9733;1年&nbsp;&amp;x</p>';
    const m = htmlToTextWithMap(html);
    expect(m.text).toBe('\n秘密★1年\u00a0&x\n');
    const i = m.text.indexOf('秘');
    const span = toOriginalSpan(m, i, i + 5);
    expect(html.slice(span.start, span.end)).toBe('秘<span style="color:red">密</span>&#9733;1年');
    const amp = m.text.indexOf('&');
    expect(html.slice(m.starts[amp], m.ends[amp])).toBe('&amp;');
  });

  it('skips comments, scripts and styles; keeps stray < and unknown entities as text', () => {
    const m = htmlToTextWithMap('a<!-- 秘密★ -->b<script>var s="机密★"</script>c<style>p{}</style>d 1 < 2 &bogus; &#x4E2D;');
    expect(m.text).toBe('abcd 1 < 2 &bogus; 中');
  });

  it('turns source line breaks into spaces and table cells into tabs', () => {
    expect(htmlToTextWithMap('<td>姓名</td><td>张三</td>\n<p>a\nb</p>').text).toBe('\t姓名\t张三 \na b\n');
  });

  it('collects anchors with the span of the href value', () => {
    const html = '<a class="x" href=\'https://a.cn/?q=1&amp;r=2\'>链接</a><a href=https://b.cn>b</a>';
    const m = htmlToTextWithMap(html);
    expect(m.links.map((l) => [l.url, html.slice(l.start, l.end), m.text.slice(l.textStart, l.textEnd)])).toEqual([
      ['https://a.cn/?q=1&r=2', 'https://a.cn/?q=1&amp;r=2', '链接'],
      ['https://b.cn', 'https://b.cn', 'b'],
    ]);
  });

  it('handles astral characters from entities as two units mapped to one entity', () => {
    const html = 'x&#x20000;y';
    const m = htmlToTextWithMap(html);
    expect(m.text).toBe('x\u{20000}y');
    expect([m.starts[1], m.ends[2]]).toEqual([1, 10]);
  });
});

describe('htmlToTextWithMap on a pasted Word table (issue 15.1)', () => {
  it('keeps every cell apart (a tab before each cell, a line per row and per line inside a cell), so no words run together', () => {
    const html = WORD_NOTICE_BODY;
    const m = htmlToTextWithMap(html);
    const lines = m.text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    for (const row of WORD_NOTICE_TABLE) for (const cell of row) expect(lines).toContain(cell);
    // no cell's text touches the next one's
    for (const row of WORD_NOTICE_TABLE) for (let i = 1; i < row.length; i++) expect(m.text).not.toContain(row[i - 1] + row[i]);
    expect(m.text).toMatch(/\t\n检查组\n\t\n检查范围\n\t\n检查时间\n/);
    // findings still point into the stored HTML
    const at = m.text.indexOf('城关镇');
    const span = toOriginalSpan(m, at, at + 3);
    expect(html.slice(span.start, span.end)).toBe('城关镇');
  });
});
