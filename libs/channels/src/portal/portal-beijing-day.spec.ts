import { renderColumnPage } from './portal-list-templates';
import { PortalArticle, renderArticle, renderWithdrawn, SiteInfo } from './portal-templates';

// Issue 16 point 5: pages print the Beijing (Asia/Shanghai) calendar day of an instant, not its UTC day.
const site: SiteInfo = { siteName: '永定区人民政府', siteDomain: 'www.yd.gov.cn', siteIdCode: '4308020001', baseUrl: 'https://www.yd.gov.cn' };

function article(over: Partial<PortalArticle> = {}): PortalArticle {
  return {
    snapshot: {
      title: '关于新年假期安排的通知',
      bodyHtml: '<p>正文</p>',
      summary: '',
      indexNo: 'YD-2019-0001',
      docNo: null,
      issuingBody: '永定区人民政府办公室',
      writtenDate: '2018-12-30',
      publishDate: null,
      category: '通知公告',
      validity: '有效',
      repealedDate: null,
      kind: 'notice',
      attachments: [],
    } as unknown as PortalArticle['snapshot'],
    url: 'https://www.yd.gov.cn/articles/a.html',
    path: 'articles/a.html',
    publishedAt: '2018-12-31T17:00:00.000Z', // 01:00 on 1 January 2019 in Beijing
    withdrawn: false,
    ...over,
  };
}

describe('portal pages print Beijing days', () => {
  it('the withdrawn notice prints the Beijing day of the withdrawal', () => {
    const html = renderWithdrawn(site, article({ withdrawn: true, withdrawnAt: '2019-02-25T16:30:00.000Z' })); // 00:30 on 26 Feb, Beijing
    expect(html).toContain('已于 2019-02-26 撤回');
    expect(html).not.toContain('2019-02-25');
  });

  it('an article without a 发布日期 falls back on the Beijing day of its publication', () => {
    expect(renderArticle(site, article(), { interpretations: [] })).toContain('2019-01-01');
    const column = renderColumnPage(site, '通知公告', [article()], 1, 1, true);
    expect(column).toContain('>2019-01-01</time>');
  });
});
