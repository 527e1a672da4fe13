import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { WORD_NOTICE_BODY } from '@app/domain/body/word-notice.fixture';
import { SITE_BODY_CSS, siteBodyHtml } from '../portal/site-body';
import { GazetteSiteInfo, PublishedIssueView, renderArticlePreview, renderAtom, renderIndexPage, renderIssuePage, renderOpenData } from './gazette-templates';
import { buildToc } from './gazette-toc';

const site: GazetteSiteInfo = {
  title: '示范县人民政府公报',
  organisationName: '示范县人民政府',
  publisher: '示范县人民政府办公室',
  frequencyLabel: '月刊',
  baseUrl: 'https://www.sfx.gov.cn/gazette',
};

function snap(n: number, over: Partial<ItemSnapshot> = {}): ItemSnapshot {
  return {
    itemId: `item-${n}`,
    versionNo: 1,
    organisationId: 'org',
    organisationName: '示范县人民政府',
    organisationCode: 'sfx',
    title: `示范县第${n}号文件<测试>`,
    bodyHtml: `<p>正文${n}</p>`,
    summary: '',
    indexNo: `sfx/2026-0000${n}`,
    docNo: `示政发〔2026〕${n}号`,
    issuingBody: '示范县人民政府',
    writtenDate: '2026-03-0' + n,
    publishDate: null,
    category: '政务公开',
    disclosureAttr: '主动公开',
    validity: '有效',
    repealedDate: null,
    kind: 'normative',
    policyItemId: null,
    attachments: [],
    channelOverrides: {},
    authorName: '',
    approvedAt: '2026-03-10T00:00:00Z',
    ...over,
  };
}

function issue(totalNo: number, issueNo: number, snaps: ItemSnapshot[]): PublishedIssueView {
  const toc = buildToc(
    [{ title: '行政规范性文件', kinds: ['normative'] }],
    snaps.map((s, i) => ({
      entryId: `e${totalNo}-${i}`,
      deliveryId: 'd',
      itemId: s.itemId,
      versionNo: 1,
      title: s.title,
      docNo: s.docNo,
      issuingBody: s.issuingBody,
      writtenDate: s.writtenDate,
      kind: s.kind,
      indexNo: s.indexNo,
      approvedAt: s.approvedAt,
      section: '行政规范性文件',
    })),
    [],
  );
  return {
    id: `iss-${totalNo}`,
    year: 2026,
    issueNo,
    totalNo,
    publishedAt: `2026-0${issueNo}-01T02:00:00.000Z`,
    toc,
    articles: Object.fromEntries(snaps.map((s, i) => [`e${totalNo}-${i}`, s])),
  };
}

describe('gazette pages, feed and open data', () => {
  const first = issue(121, 1, [snap(1)]);
  const second = issue(122, 2, [snap(2), snap(3)]);

  it('renders an issue page with its numbering, a table of contents linking to every article, and the articles in order (escaped)', () => {
    const html = renderIssuePage(site, second);
    expect(html).toContain('2026年第2期（总第122期）');
    expect(html).toContain('<h2 id="toc-h">目录</h2>');
    expect(html).toContain('<a href="#a1">示范县第2号文件&lt;测试&gt;</a>');
    expect(html.indexOf('id="a1"')).toBeLessThan(html.indexOf('id="a2"'));
    expect(html).toContain('<p>正文3</p>');
    expect(html).not.toContain('<测试>');
    expect(html).toContain('<meta name="PubDate" content="2026-02-01">');
  });

  it('lists every issue, newest first, on the index page', () => {
    const html = renderIndexPage(site, [first, second]);
    expect(html.indexOf('issues/2026-02.html')).toBeLessThan(html.indexOf('issues/2026-01.html'));
    expect(html).toContain('open-data.json');
  });

  it('writes an Atom feed with one entry per issue', () => {
    const xml = renderAtom(site, [first, second]);
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(xml.match(/<entry>/g)).toHaveLength(2);
    expect(xml).toContain('<link rel="alternate" type="text/html" href="https://www.sfx.gov.cn/gazette/issues/2026-02.html"/>');
    expect(xml).toContain('<updated>2026-02-01T02:00:00.000Z</updated>');
  });

  it('opens every issue and article back to the first as JSON', () => {
    const data = JSON.parse(renderOpenData(site, [second, first], new Date('2026-03-01T00:00:00Z')));
    expect(data.issueCount).toBe(2);
    expect(data.issues.map((i: any) => i.label)).toEqual(['2026年第1期（总第121期）', '2026年第2期（总第122期）']);
    expect(data.issues[1].articles.map((a: any) => [a.position, a.docNo, a.url])).toEqual([
      [1, '示政发〔2026〕2号', 'https://www.sfx.gov.cn/gazette/issues/2026-02.html#a1'],
      [2, '示政发〔2026〕3号', 'https://www.sfx.gov.cn/gazette/issues/2026-02.html#a2'],
    ]);
    expect(data.issues[0].articles[0]).toMatchObject({
      kind: 'normative',
      kindLabel: '行政规范性文件',
      category: '政务公开',
      indexNo: 'sfx/2026-00001',
      erratum: null,
    });
  });
});

describe('gazette article body (issue 15.1)', () => {
  it('prints a pasted Word notice with its table, alignment and indents as classes the page styles, and the sign-off right-aligned', () => {
    const notice = snap(4, { bodyHtml: WORD_NOTICE_BODY, title: '关于开展冬季供暖安全检查的通知', writtenDate: '2026-11-20' });
    const html = renderIssuePage(site, issue(123, 3, [notice]));
    expect(html).toContain(`<div class="body">${siteBodyHtml(WORD_NOTICE_BODY)}</div>`);
    expect(html).toContain('<th><p class="align-center">检查组</p></th>');
    expect(html).toContain('<p class="indent-2">一、检查安排。');
    // the gazette's own sign-off lines (issuing body, written date) use the same class
    expect(html).toContain('<p class="align-right">示范县人民政府</p><p class="align-right">2026年11月20日</p>');
    expect(html).not.toMatch(/<(p|td|th|table|figure)[^>]* style="/);
    for (const c of ['align-right', 'align-center', 'indent-2']) expect(html).toContain(`.${c}{`);
    expect(html).toContain(SITE_BODY_CSS);
    const preview = renderArticlePreview(site, notice, '行政规范性文件', '2026年第4期');
    expect(preview).toContain('<figcaption>图1 县供热公司锅炉房检查现场</figcaption>');
  });
});
