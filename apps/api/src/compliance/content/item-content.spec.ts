import * as path from 'path';
import { getFieldText, hostedUploadPath, imageSources, isRedactableField, itemTextFields, overrideStrings, setFieldText } from './item-content';

describe('item content', () => {
  const item = {
    title: '标题',
    summary: '',
    bodyHtml: '<p>正文</p>',
    docNo: '示政发〔2026〕1号',
    issuingBody: '示范县人民政府',
    channelOverrides: {
      weibo: { text: '微博正文' },
      led: { pages: ['第一屏', '第二屏'], window: { from: '2026-01-01' }, colour: 2 },
      wechat: { contentHtml: '<p>x</p>' },
    },
  };

  it('names every checked field, overrides by their path, HTML where it is HTML', () => {
    expect(itemTextFields(item)).toEqual([
      { field: 'title', text: '标题' },
      { field: 'bodyHtml', text: '<p>正文</p>', html: true },
      { field: 'docNo', text: '示政发〔2026〕1号' },
      { field: 'issuingBody', text: '示范县人民政府' },
      { field: 'channelOverrides.weibo.text', text: '微博正文', html: false },
      { field: 'channelOverrides.led.pages.0', text: '第一屏', html: false },
      { field: 'channelOverrides.led.pages.1', text: '第二屏', html: false },
      { field: 'channelOverrides.led.window.from', text: '2026-01-01', html: false },
      { field: 'channelOverrides.wechat.contentHtml', text: '<p>x</p>', html: true },
    ]);
    expect(overrideStrings(null)).toEqual([]);
  });

  it('reads and writes a field by its name without touching the original', () => {
    expect(getFieldText(item, 'channelOverrides.led.pages.1')).toBe('第二屏');
    expect(getFieldText(item, 'attachments.0#text')).toBeNull();
    const patch = setFieldText(item, 'channelOverrides.weibo.text', '改后');
    expect(patch.channelOverrides!.weibo.text).toBe('改后');
    expect(item.channelOverrides.weibo.text).toBe('微博正文');
    expect(setFieldText(item, 'summary', 'x')).toEqual({ summary: 'x' });
    expect(isRedactableField('bodyHtml')).toBe(true);
    expect(isRedactableField('channelOverrides.weibo.text')).toBe(true);
    expect(isRedactableField('attachments.0#text')).toBe(false);
    expect(isRedactableField('rendition.abc.html')).toBe(false);
  });

  it('maps our own upload URLs to files under <portal>/uploads and nothing else', () => {
    const dir = '/srv/portal';
    const base = 'http://127.0.0.1:3000/site';
    expect(hostedUploadPath(`${base}/uploads/2026/11/ab.pdf`, base, dir)).toBe(path.resolve(dir, 'uploads/2026/11/ab.pdf'));
    expect(hostedUploadPath('/site/uploads/2026/11/ab.pdf?x=1', base, dir)).toBe(path.resolve(dir, 'uploads/2026/11/ab.pdf'));
    expect(hostedUploadPath('https://www.sfx.gov.cn/uploads/a%20b.pdf', 'https://www.sfx.gov.cn', dir)).toBe(path.resolve(dir, 'uploads/a b.pdf'));
    expect(hostedUploadPath('https://elsewhere.example/uploads/a.pdf', base, dir)).toBeNull();
    expect(hostedUploadPath(`${base}/articles/a.html`, base, dir)).toBeNull();
    expect(hostedUploadPath(`${base}/uploads/../../etc/passwd`, base, dir)).toBeNull();
    expect(hostedUploadPath(`${base}/uploads/%2e%2e/%2e%2e/etc/passwd`, base, dir)).toBeNull();
    expect(hostedUploadPath(`${base}/uploads/a%5c..%5cb`, base, dir)).toBeNull();
  });

  it('finds image sources in the body', () => {
    expect(imageSources('<p><img src="/site/uploads/a.jpg" alt="x"><img alt=y src=\'b.png\'><img src=c.gif></p><img data-src="no">')).toEqual([
      '/site/uploads/a.jpg',
      'b.png',
      'c.gif',
    ]);
  });
});
