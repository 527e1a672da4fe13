import {
  attachmentsHtml,
  bodyText,
  finalizeWechatBody,
  fitWechatContent,
  imageKey,
  placeholderKeys,
  prepareWechatBody,
  SHORTENED_NOTE,
  topLevelBlocks,
} from './wechat-body';

const PORTAL = 'http://127.0.0.1:4000/site/articles/abc.html';

describe('prepareWechatBody', () => {
  it('keeps what the article editor keeps and drops the rest', () => {
    const p = prepareWechatBody(
      '<div class="x" id="y"><p style="text-align:center;color:red">居中</p><script>alert(1)</script><iframe src="http://e.com"></iframe><h2 onclick="x()">小标题</h2><table><tr><td colspan="2">表</td></tr></table></div>',
      PORTAL,
    );
    expect(p.html).toBe('<section><p style="text-align:center">居中</p><h2>小标题</h2><table><tr><td colspan="2">表</td></tr></table></section>');
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
