import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { WORD_NOTICE_BODY, WORD_NOTICE_TABLE } from '@app/domain/body/word-notice.fixture';
import { articlePath, publicFields, renderArticle } from './portal-templates';
import { SITE_BODY_CSS, siteBodyHtml } from './site-body';

const site = { siteName: '示范县人民政府', siteDomain: 'www.sfx.gov.cn', siteIdCode: '9999000001', baseUrl: 'https://www.sfx.gov.cn/site' };

function snap(bodyHtml: string): ItemSnapshot {
  return {
    itemId: 'i1',
    versionNo: 1,
    organisationId: 'o',
    organisationName: '示范县人民政府',
    organisationCode: 'sfx',
    title: '关于开展冬季供暖安全检查的通知',
    bodyHtml,
    summary: '',
    indexNo: 'sfx/2026-00001',
    docNo: '示政办发〔2026〕12号',
    issuingBody: '示范县人民政府办公室',
    writtenDate: '2026-11-20',
    publishDate: '2026-11-21',
    category: '城乡建设、环境保护',
    disclosureAttr: '主动公开',
    validity: '有效',
    repealedDate: null,
    kind: 'notice',
    policyItemId: null,
    attachments: [],
    channelOverrides: {},
    authorName: '',
    approvedAt: '2026-11-21T00:00:00Z',
  };
}

describe('siteBodyHtml (the body on the portal and the gazette)', () => {
  it('prints a pasted Word notice with its table, heading row, alignment and indents as classes, no inline style', () => {
    const html = siteBodyHtml(WORD_NOTICE_BODY);
    expect(html).not.toContain('style=');
    expect(html).toContain('<p class="align-center"><strong>关于开展冬季供暖安全检查的通知</strong></p>');
    expect(html).toContain('<p class="indent-2">为确保全县群众温暖安全过冬');
    expect(html).toContain('<p class="align-right">示范县人民政府办公室</p><p class="align-right">2026年11月20日</p>');
    const rows = WORD_NOTICE_TABLE.map(
      (r, i) => `<tr>${r.map((c) => (i ? `<td><p class="align-center">${c}</p></td>` : `<th><p class="align-center">${c}</p></th>`)).join('')}</tr>`,
    ).join('');
    expect(html).toContain(`<div class="table-wrap" role="region" aria-label="表格" tabindex="0"><table><tbody>${rows}</tbody></table></div>`);
    expect(html).toContain(
      '<figure><img src="/api/v1/uploads/2026/11/0123456789abcdef01234567.jpg" alt="县供热公司锅炉房检查现场" /><figcaption>图1 县供热公司锅炉房检查现场</figcaption></figure>',
    );
  });

  it("maps every class it prints in the sites' stylesheet, tables with borders", () => {
    const printed = new Set(
      [
        ...siteBodyHtml(
          WORD_NOTICE_BODY + '<p style="text-align:justify;text-indent:4em">x</p><h2 style="text-align:center">y</h2><p style="text-indent:1em">z</p>',
        ).matchAll(/class="([^"]+)"/g),
      ].flatMap((m) => m[1].split(' ')),
    );
    expect([...printed].sort()).toEqual(['align-center', 'align-justify', 'align-right', 'indent-1', 'indent-2', 'indent-4', 'table-wrap']);
    for (const c of printed) expect(SITE_BODY_CSS).toContain(`.${c}{`);
    expect(SITE_BODY_CSS).toMatch(/\.body th,\.body td\{border:1px solid/);
  });

  it('takes no class, style or handler from the stored body other than its layout', () => {
    const html = siteBodyHtml(
      '<p class="skip status" style="text-align:right;position:fixed" onclick="x()">a</p><td class="x">b</td><img src="javascript:alert(1)" onerror="y()"><script>z()</script><p style="text-indent:24px">old</p>',
    );
    expect(html).toBe('<p class="align-right">a</p><td>b</td><img /><p class="indent-2">old</p>');
  });

  it('is what the article page shows, with the stylesheet', () => {
    const s = snap(WORD_NOTICE_BODY);
    const page = renderArticle(
      site,
      {
        snapshot: publicFields(s),
        url: `${site.baseUrl}/${articlePath(s.itemId)}`,
        path: articlePath(s.itemId),
        publishedAt: '2026-11-21T00:00:00Z',
        withdrawn: false,
      },
      { interpretations: [] },
    );
    expect(page).toContain(`<div class="body">${siteBodyHtml(WORD_NOTICE_BODY)}</div>`);
    expect(page).toContain(SITE_BODY_CSS);
    expect(page).not.toMatch(/<(p|td|th|table)[^>]* style="/);
  });
});
