import {
  attachmentsHtml,
  bodyText,
  finalizeWechatBody,
  fitWechatContent,
  imageKey,
  placeholder,
  placeholderKeys,
  prepareWechatBody,
  SHORTENED_NOTE,
  topLevelBlocks,
} from './wechat-body';
import { WORD_NOTICE_BODY } from '@app/domain/body/word-notice.fixture';

const PORTAL = 'http://127.0.0.1:4000/site/articles/abc.html';

describe('prepareWechatBody', () => {
  it('keeps what the article editor keeps and drops the rest', () => {
    const p = prepareWechatBody(
      '<div class="x" id="y"><p style="text-align:center;color:red">居中</p><script>alert(1)</script><iframe src="http://e.com"></iframe><h2 onclick="x()">小标题</h2><table><tr><td colspan="2">表</td></tr></table></div>',
      PORTAL,
    );
    expect(p.html).toBe(
      '<section><p style="text-align:center">居中</p><h2>小标题</h2><table style="border-collapse:collapse;width:100%;margin:8px 0"><tr><td colspan="2" style="border:1px solid #999999;padding:4px 8px;vertical-align:top">表</td></tr></table></section>',
    );
  });

  it('replaces every image by a placeholder keyed by its source (same source, same key)', () => {
    const p = prepareWechatBody(
      '<p><img src="/site/uploads/a.jpg" alt="图一" width="800"></p><p><img src="data:image/png;base64,AAAA"></p><p><img src="/site/uploads/a.jpg"></p>',
      PORTAL,
    );
    expect(p.images.map((i) => i.src)).toEqual(['/site/uploads/a.jpg', 'data:image/png;base64,AAAA']);
    expect(p.images[0].alt).toBe('图一');
    expect(placeholderKeys(p.html)).toEqual([imageKey('/site/uploads/a.jpg'), imageKey('data:image/png;base64,AAAA'), imageKey('/site/uploads/a.jpg')]);
    expect(p.html).not.toContain('/site/uploads');
    expect(p.html).not.toContain('width=');
  });

  it('keeps links to other sites as visible text (WeChat drops them) and links to WeChat articles as links', () => {
    const p = prepareWechatBody(
      '<p>详见<a href="/site/articles/zc.html">政策原文</a>，另见<a href="https://mp.weixin.qq.com/s/abc">往期</a>和<a href="https://www.gov.cn/">https://www.gov.cn/</a>。</p>',
      PORTAL,
    );
    expect(p.html).toBe(
      '<p>详见政策原文（http://127.0.0.1:4000/site/articles/zc.html），另见<a href="https://mp.weixin.qq.com/s/abc">往期</a>和https://www.gov.cn/。</p>',
    );
    expect(p.linksAsText).toBe(2);
  });

  it('lists attachments as text with their portal URLs', () => {
    const html = attachmentsHtml([{ name: '实施细则.pdf', url: '/site/uploads/x.pdf', mime: 'application/pdf', size: 1 }], PORTAL);
    expect(html).toBe('<p><strong>附件：</strong></p><p>1. 实施细则.pdf（http://127.0.0.1:4000/site/uploads/x.pdf）</p>');
    expect(attachmentsHtml([], PORTAL)).toBe('');
  });
});

describe('topLevelBlocks', () => {
  it('splits sanitised HTML into its top-level nodes', () => {
    expect(topLevelBlocks('<p>a<br />b</p>text<section><p>c</p><img src="x" /></section><hr /><p>d</p>')).toEqual([
      '<p>a<br />b</p>',
      'text',
      '<section><p>c</p><img src="x" /></section>',
      '<hr />',
      '<p>d</p>',
    ]);
  });
});

describe('fitWechatContent', () => {
  it('leaves content under the limits alone', () => {
    const f = fitWechatContent('<p>短</p>', '<p>附件</p>');
    expect(f).toMatchObject({ html: '<p>短</p><p>附件</p>', shortened: false });
  });

  it('cuts at a block boundary under 20,000 characters, keeps the attachments and says where the full text is', () => {
    const para = `<p>${'政'.repeat(990)}</p>`; // 997 characters per block
    const body = para.repeat(30);
    const trailer = '<p><strong>附件：</strong></p><p>1. 附件.pdf（http://x/a.pdf）</p>';
    const f = fitWechatContent(body, trailer);
    expect(f.shortened).toBe(true);
    expect(f.chars).toBeLessThan(20_000);
    expect(f.html.endsWith(SHORTENED_NOTE + trailer)).toBe(true);
    const kept = topLevelBlocks(f.html.slice(0, f.html.length - SHORTENED_NOTE.length - trailer.length));
    expect(kept.every((b) => b === para)).toBe(true);
    expect(kept.length).toBe(19);
  });

  it('respects the byte limit too and counts image URLs at their final length', () => {
    const limits = { maxChars: 10_000, maxBytes: 2_000 };
    const body = `<p>${'字'.repeat(400)}</p><p><img src="__WXIMG_${'a'.repeat(20)}__" /></p><p>${'字'.repeat(400)}</p>`;
    const f = fitWechatContent(body, '', () => 200, limits);
    expect(f.shortened).toBe(true);
    expect(f.bytes).toBeLessThanOrEqual(2_000);
    expect(f.imageKeys).toEqual(['a'.repeat(20)]);
    // the second paragraph did not fit
    expect(bodyText(f.html).match(/字/g)!.length).toBe(400);
  });

  it('keeps the start of a single giant block as text', () => {
    const f = fitWechatContent(`<section><p>${'长'.repeat(30_000)}</p></section>`, '');
    expect(f.shortened).toBe(true);
    expect(f.chars).toBeLessThan(20_000);
    expect(f.html.startsWith('<p>长长')).toBe(true);
  });
});

describe('finalizeWechatBody', () => {
  it('puts the uploaded URLs in place of the placeholders', () => {
    const p = prepareWechatBody('<p><img src="data:image/png;base64,AAAA"></p>', PORTAL);
    const out = finalizeWechatBody(p.html, () => 'http://mmbiz.qpic.cn/sim/x?a=1&b=2');
    expect(out).toBe('<p><img src="http://mmbiz.qpic.cn/sim/x?a=1&amp;b=2" style="max-width:100%;"></p>');
  });
});

describe('a pasted Word notice in a WeChat article (issue 15.1)', () => {
  const CELL = 'border:1px solid #999999;padding:4px 8px;vertical-align:top';

  it('keeps the table with borders, the heading row, alignment and indents as inline styles, the caption under the picture', () => {
    const p = prepareWechatBody(WORD_NOTICE_BODY, PORTAL);
    expect(p.html).toContain('<p style="text-align:center"><strong>关于开展冬季供暖安全检查的通知</strong></p>');
    expect(p.html).toContain('<p style="text-indent:2em">为确保全县群众温暖安全过冬');
    expect(p.html).toContain('<table style="border-collapse:collapse;width:100%;margin:8px 0"><tbody><tr>');
    expect(p.html).toContain(`<th style="${CELL};background-color:#f3f3f3"><p style="text-align:center">检查组</p></th>`);
    expect(p.html).toContain(`<td style="${CELL}"><p style="text-align:center">城关镇、东关街道</p></td>`);
    expect(p.html).toContain('<p style="text-align:right">示范县人民政府办公室</p><p style="text-align:right">2026年11月20日</p>');
    const key = imageKey('/api/v1/uploads/2026/11/0123456789abcdef01234567.jpg');
    expect(p.html).toContain(
      `<section style="text-align:center;margin:12px 0"><img src="${placeholder(key)}" alt="县供热公司锅炉房检查现场" style="max-width:100%;"><p style="text-align:center;color:#666666;font-size:14px">图1 县供热公司锅炉房检查现场</p></section>`,
    );
    expect(p.images).toEqual([{ key, src: '/api/v1/uploads/2026/11/0123456789abcdef01234567.jpg', alt: '县供热公司锅炉房检查现场' }]);
    expect(p.html).not.toMatch(/<figure|<figcaption|class=/);
  });

  it('lets no other style through, whatever the body says', () => {
    const p = prepareWechatBody(
      '<table style="position:absolute"><tr><td style="border:5px solid red;text-align:right;background:url(x)">1</td></tr></table><p style="text-indent:99em;color:red">2</p>',
      PORTAL,
    );
    expect(p.html).toBe(`<table style="border-collapse:collapse;width:100%;margin:8px 0"><tr><td style="text-align:right;${CELL}">1</td></tr></table><p>2</p>`);
  });

  it('as plain text: a line per paragraph, a table row per line with its cells separated by ｜', () => {
    const text = bodyText(WORD_NOTICE_BODY).split('\n');
    expect(text).toEqual([
      '关于开展冬季供暖安全检查的通知',
      '各乡镇人民政府、县直各有关部门：',
      '为确保全县群众温暖安全过冬，经县人民政府同意，决定开展冬季供暖安全检查。现将有关事项通知如下：',
      '一、检查安排。各检查组按下表时间到各单位检查，请提前准备相关资料。',
      '检查组｜检查范围｜检查时间',
      '第一组｜城关镇、东关街道｜12月1日至5日',
      '第二组｜北山乡、南河乡｜12月8日至12日',
      '第三组｜县直供热企业｜12月15日至19日',
      '二、工作要求。各单位要对照检查内容开展自查，发现问题立即整改。',
      '图1 县供热公司锅炉房检查现场',
      '示范县人民政府办公室',
      '2026年11月20日',
    ]);
    expect(bodyText('<table><tr><td><p>甲</p><p>乙</p></td><td>丙&amp;丁</td></tr></table>')).toBe('甲 乙｜丙&丁');
  });
});
