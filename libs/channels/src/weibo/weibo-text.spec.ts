import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { fitWeibo, weiboLength } from './weibo-length';
import { composeWeiboStatus, topicsIn, parseWeiboDate, withoutUrls } from './weibo-text';

const URL = 'http://127.0.0.1:41234/site/articles/6f1c2a8e-1b2c-4d5e-8f90-123456789abc.html';

function snapshot(over: Partial<ItemSnapshot> = {}): ItemSnapshot {
  return {
    itemId: 'i1',
    versionNo: 1,
    organisationId: 'o1',
    organisationName: '示范县人民政府',
    organisationCode: 'sfx',
    title: '关于做好2026年冬季供暖工作的通知',
    bodyHtml: '<p>各乡镇人民政府、县直各部门：现就做好冬季供暖工作通知如下。</p>',
    summary: '',
    indexNo: 'sfx/2026-00001',
    docNo: null,
    issuingBody: '示范县人民政府办公室',
    writtenDate: null,
    publishDate: null,
    category: '城乡建设',
    disclosureAttr: '主动公开',
    validity: '有效',
    repealedDate: null,
    kind: 'notice',
    policyItemId: null,
    attachments: [],
    channelOverrides: {},
    authorName: 'editor',
    approvedAt: '2026-01-01T00:00:00Z',
    ...over,
  } as ItemSnapshot;
}

describe('weiboLength', () => {
  it('counts a CJK character as 1 and two ASCII characters as 1, rounding up', () => {
    expect(weiboLength('通知')).toBe(2);
    expect(weiboLength('ab')).toBe(1);
    expect(weiboLength('abc')).toBe(2);
    expect(weiboLength('2026年')).toBe(3);
    expect(weiboLength('，。')).toBe(2);
    expect(weiboLength('a'.repeat(280))).toBe(140);
    expect(weiboLength('a'.repeat(281))).toBe(141);
  });
});

describe('fitWeibo', () => {
  it('keeps text that fits and cuts text that does not, with an ellipsis, within the budget', () => {
    expect(fitWeibo('短文本', 10)).toBe('短文本');
    const cut = fitWeibo('一二三四五六七八九十', 5);
    expect(cut).toBe('一二三四…');
    expect(weiboLength(cut)).toBe(5);
    const mixed = fitWeibo('abcdefghij中文', 3);
    expect(weiboLength(mixed)).toBeLessThanOrEqual(3);
    expect(mixed.endsWith('…')).toBe(true);
  });
});

describe('composeWeiboStatus', () => {
  it('builds 【title】summary and always ends with the portal URL', () => {
    const c = composeWeiboStatus(snapshot({ summary: '冬季供暖安排' }), URL);
    expect(c.text).toBe(`【关于做好2026年冬季供暖工作的通知】冬季供暖安排 ${URL}`);
    expect(c.source).toBe('generated');
    expect(c.problems).toEqual([]);
    expect(c.length).toBe(weiboLength(c.text));
  });

  it('cuts a long summary so the whole status, URL included, is at most 140', () => {
    const c = composeWeiboStatus(snapshot({ summary: '供暖'.repeat(200) }), URL);
    expect(c.length).toBeLessThanOrEqual(140);
    expect(c.length).toBeGreaterThan(130);
    expect(c.text.endsWith(` ${URL}`)).toBe(true);
    expect(c.text).toContain('…');
    expect(c.problems).toEqual([]);
  });

  it('falls back to the body text without a summary, and shortens an over-long title', () => {
    const c = composeWeiboStatus(snapshot({ title: '标题'.repeat(80), summary: '' }), URL);
    expect(c.length).toBeLessThanOrEqual(140);
    expect(c.text.startsWith('【标题')).toBe(true);
    expect(c.text.endsWith(URL)).toBe(true);
    const b = composeWeiboStatus(snapshot(), URL);
    expect(b.text).toContain('各乡镇人民政府');
  });

  it('takes the editor override, appends the URL, and reports (never cuts) one that does not fit', () => {
    const ok = composeWeiboStatus(snapshot({ channelOverrides: { weibo: { text: '【示范县发布】冬季供暖安排来了' } } }), URL);
    expect(ok.text).toBe(`【示范县发布】冬季供暖安排来了 ${URL}`);
    expect(ok.source).toBe('override');
    expect(ok.problems).toEqual([]);

    const withUrl = composeWeiboStatus(snapshot({ channelOverrides: { weibo: { text: `详见 ${URL} 。` } } }), URL);
    expect(withUrl.text).toBe(`详见 ${URL} 。`);

    const long = composeWeiboStatus(snapshot({ channelOverrides: { weibo: { text: '长'.repeat(120) } } }), URL);
    expect(long.text).toBe(`${'长'.repeat(120)} ${URL}`);
    expect(long.problems).toHaveLength(1);
    expect(long.problems[0].field).toBe('channelOverrides.weibo.text');
    expect(long.problems[0].reason).toMatch(/超过140字上限/);
  });
});

describe('parseWeiboDate / withoutUrls', () => {
  it('reads created_at in Beijing time', () => {
    expect(new Date(parseWeiboDate('Tue May 31 17:46:55 +0800 2011')).toISOString()).toBe('2011-05-31T09:46:55.000Z');
    expect(Number.isNaN(parseWeiboDate('yesterday'))).toBe(true);
  });
  it('compares texts whose links the platform shortened', () => {
    expect(withoutUrls(`【标题】摘要 ${URL}`)).toBe(withoutUrls('【标题】摘要 http://t.cn/A6abcd'));
  });
});

describe('#话题# (statuses/share does not allow topics)', () => {
  it('refuses a topic in the editor text, naming it', () => {
    const c = composeWeiboStatus(snapshot({ channelOverrides: { weibo: { text: '#示范县发布# 冬季供暖安排来了' } } }), URL);
    expect(c.problems).toEqual([{ field: 'channelOverrides.weibo.text', reason: expect.stringContaining('“#示范县发布#”是话题格式') }]);
  });
  it('names the title or summary a topic in the generated text comes from', () => {
    expect(composeWeiboStatus(snapshot({ title: '#供暖#通知' }), URL).problems.map((p) => p.field)).toEqual(['title']);
    expect(composeWeiboStatus(snapshot({ summary: '详见#供暖#专题' }), URL).problems.map((p) => p.field)).toEqual(['summary']);
  });
  it('a single #, a full-width ＃ and a URL fragment are no topic', () => {
    expect(topicsIn('第#3号通告')).toEqual([]);
    expect(topicsIn('＃示范县发布＃ 通知')).toEqual([]);
    expect(topicsIn(`见 http://127.0.0.1/a#x 和 http://127.0.0.1/b#y`)).toEqual([]);
    expect(topicsIn('#一# 和 #二#')).toEqual(['#一#', '#二#']);
  });
});

describe('composeWeiboStatus with a table in the body (issue 15.1)', () => {
  it('reads a table row by row with its cells apart, not run together', () => {
    const s = composeWeiboStatus(
      snapshot({
        bodyHtml:
          '<p style="text-indent:2em">检查安排如下：</p><table><tbody><tr><th><p style="text-align:center">检查组</p></th><th><p>检查时间</p></th></tr><tr><td><p>第一组</p></td><td><p>12月1日</p></td></tr></tbody></table><p style="text-align:right">示范县人民政府办公室</p>',
      }),
      URL,
    );
    expect(s.text).toBe(`【关于做好2026年冬季供暖工作的通知】检查安排如下： 检查组｜检查时间 第一组｜12月1日 示范县人民政府办公室 ${URL}`);
  });
});
