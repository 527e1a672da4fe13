import { getSchema } from '@tiptap/core';
import Link from '@tiptap/extension-link';
import TextAlign from '@tiptap/extension-text-align';
import { DOMParser as PmDOMParser, DOMSerializer } from '@tiptap/pm/model';
import StarterKit from '@tiptap/starter-kit';
import { JSDOM } from 'jsdom';
import { WORD_NOTICE_BODY, WORD_NOTICE_CLIPBOARD, WORD_NOTICE_PASTED, WORD_NOTICE_TABLE } from '@app/domain/body/word-notice.fixture';
import { sanitizeBody } from '../../apps/api/src/items/body-sanitizer';
import { BodyImage, TextIndent } from '../../apps/console/src/pages/editor/layout-extensions';
import { TableExtensions } from '../../apps/console/src/pages/editor/table-extension';
import { cleanPastedHtml } from '../../apps/console/src/pages/editor/word-paste';

/**
 * The console editor's paste path without a browser (a unit suite; it lives under test/ because the
 * console's own folder has no jest project): Word's clipboard HTML through the paste transform
 * (word-paste.ts, on jsdom's DOMParser), then through the editor's own schema (the same TipTap
 * extensions rich-text.tsx uses, parsed and serialised by ProseMirror as the editor does), then
 * through the server's sanitiser. The browser suite (editor-body.int-spec.ts) does the same in chromium.
 */
const { window } = new JSDOM('<!doctype html><html><body></body></html>');
const schema = getSchema([
  StarterKit.configure({ link: false, heading: { levels: [2, 3, 4] } }),
  Link,
  BodyImage,
  TextAlign.configure({ types: ['heading', 'paragraph'] }),
  TextIndent,
  ...TableExtensions,
]);

/** What the editor makes of HTML (ProseMirror's parse, then getHTML's serialisation). */
function throughEditor(html: string): string {
  const host = window.document.createElement('div');
  host.innerHTML = html;
  const doc = PmDOMParser.fromSchema(schema).parse(host);
  const out = window.document.createElement('div');
  out.appendChild(DOMSerializer.fromSchema(schema).serializeFragment(doc.content, { document: window.document }));
  return out.innerHTML;
}

const clean = (html: string) => cleanPastedHtml(html, new window.DOMParser());
const tableOf = (html: string) => {
  const t = new JSDOM(html).window.document.querySelector('table')!;
  return [...t.rows].map((r) => [...r.cells].map((c) => `${c.tagName.toLowerCase()}:${c.textContent!.trim()}`));
};

describe('pasting from Word', () => {
  it("keeps the table with its heading row, the alignment and the first-line indents, and drops Word's own markup", () => {
    const { html, droppedImages } = clean(WORD_NOTICE_CLIPBOARD);
    expect(html).not.toMatch(/Mso|mso-|o:p|st1:|<!--|class=|lang=|font-family|<style|<meta|width=/i);
    expect(tableOf(html)).toEqual(WORD_NOTICE_TABLE.map((r, i) => r.map((c) => `${i ? 'td' : 'th'}:${c}`)));
    // bold headings are <th> now (bold by themselves), the body cells stay plain
    expect(html).not.toMatch(/<th[^>]*>(?:(?!<\/th>).)*<b>/s);
    const doc = new JSDOM(html).window.document;
    const paragraphs = [...doc.querySelectorAll('body > p')].map((p) => ({ text: p.textContent!.trim(), style: p.getAttribute('style') }));
    expect(paragraphs).toEqual(
      expect.arrayContaining([
        { text: '关于开展冬季供暖安全检查的通知', style: 'text-align: center' },
        { text: '各乡镇人民政府、县直各有关部门：', style: null },
        // text-indent:32.0pt with mso-char-indent-count:2.0, text-indent:2em, text-indent:24.0pt
        { text: expect.stringMatching(/^为确保全县群众/), style: 'text-indent: 2em' },
        { text: '一、检查安排。各检查组按下表时间到各单位检查，请提前准备相关资料。', style: 'text-indent: 2em' },
        { text: expect.stringMatching(/^二、工作要求/), style: 'text-indent: 2em' },
        { text: '示范县人民政府办公室', style: 'text-align: right' },
        // the date was inside an <st1:chsdate> smart tag
        { text: '2026年11月20日', style: 'text-align: right' },
      ]),
    );
    // Word's local picture cannot be loaded by a web page: left out and reported by its alt text
    expect(html).not.toContain('<img');
    expect(droppedImages).toEqual(['县供热公司锅炉房检查现场']);
  });

  it('is stored as a real table, right-aligned sign-off and indents: editor then sanitiser', () => {
    const stored = sanitizeBody(throughEditor(clean(WORD_NOTICE_CLIPBOARD).html));
    expect(stored).toBe(WORD_NOTICE_PASTED);
    // and the stored body (with the uploaded picture and its caption) goes back into the editor unchanged
    expect(sanitizeBody(throughEditor(WORD_NOTICE_BODY))).toBe(WORD_NOTICE_BODY);
  });

  it('makes a figure of a loadable picture and the caption line Word writes under it', () => {
    const { html, droppedImages } = clean(
      `<p class=MsoNormal align=center style='text-align:center'><span><img width=200 src="https://www.sfx.gov.cn/images/boiler.jpg" alt="锅炉房"></span></p>
<p class=MsoCaption align=center style='text-align:center'>图<span lang=EN-US>2 </span>锅炉房</p><p class=MsoNormal>正文</p>`,
    );
    expect(droppedImages).toEqual([]);
    expect(html).toBe('<figure><img src="https://www.sfx.gov.cn/images/boiler.jpg" alt="锅炉房"><figcaption>图2 锅炉房</figcaption></figure>\n<p>正文</p>');
    expect(sanitizeBody(throughEditor(html))).toBe(
      '<figure><img src="https://www.sfx.gov.cn/images/boiler.jpg" alt="锅炉房" /><figcaption>图2 锅炉房</figcaption></figure><p>正文</p>',
    );
  });

  it('leaves a table whose first row is not bold without a heading row, and bounds cell spans', () => {
    const { html } = clean('<table><tr><td colspan=2><p>甲</p></td></tr><tr><td rowspan=99>乙</td><td><b>丙</b></td></tr></table>');
    expect(html).not.toContain('<th');
    const stored = sanitizeBody(throughEditor(html));
    expect(stored).toBe(
      '<table><tbody><tr><td colspan="2"><p>甲</p></td></tr><tr><td rowspan="20"><p>乙</p></td><td><p><strong>丙</strong></p></td></tr></tbody></table>',
    );
  });

  it('reads layout from other sources too: align attributes, px indents, a <thead> heading row', () => {
    const { html } = clean(
      '<div align="right">落款单位</div><p style="text-indent: 32px; font-size: 16px">段落</p><p style="text-indent:-2em">悬挂缩进不保留</p><table><thead><tr><td>项目</td><td>金额</td></tr></thead><tbody><tr><td>供暖</td><td>100</td></tr></tbody></table>',
    );
    expect(html).toContain('<div style="text-align: right">落款单位</div>');
    expect(html).toContain('<p style="text-indent: 2em">段落</p>');
    expect(html).toContain('<p>悬挂缩进不保留</p>');
    expect(tableOf(html)[0]).toEqual(['th:项目', 'th:金额']);
  });

  it('leaves what the editor itself put on the clipboard as it is (copy and paste inside the console)', () => {
    const own = '<meta charset="utf-8"><p data-pm-slice="1 1 []" style="text-indent: 2em;">段落</p><table><tbody><tr><th><p>甲</p></th></tr></tbody></table>';
    expect(clean(own)).toEqual({ html: own, droppedImages: [] });
    // a data-pm-slice further in is no such marker
    expect(clean('<p class=MsoNormal>a</p><p data-pm-slice="1 1 []">b</p>').html).toBe('<p>a</p><p>b</p>');
  });
});
