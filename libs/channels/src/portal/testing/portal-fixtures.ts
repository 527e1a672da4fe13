import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';

/** The site the portal writer's unit specs publish into. */
export const TEST_SITE = { siteName: '示范县人民政府', siteDomain: 'www.sfx.gov.cn', siteIdCode: '9999000001', baseUrl: 'http://x/site' };

/** An approved version of a notice of 示范县, for the portal writer's unit specs. */
export function testSnapshot(id: string, over: Partial<ItemSnapshot> = {}): ItemSnapshot {
  return {
    itemId: id,
    versionNo: 1,
    organisationId: 'o',
    organisationName: '示范县人民政府',
    organisationCode: 'sfx',
    title: `标题${id}`,
    bodyHtml: '<p>正文</p>',
    summary: '',
    indexNo: `sfx/2026-${id}`,
    docNo: null,
    issuingBody: '示范县人民政府',
    writtenDate: '2026-01-02',
    publishDate: '2026-01-03',
    category: '教育',
    disclosureAttr: '主动公开',
    validity: '有效',
    repealedDate: null,
    kind: 'notice',
    policyItemId: null,
    attachments: [],
    channelOverrides: {},
    authorName: '',
    approvedAt: '2026-01-03T00:00:00Z',
    ...over,
  };
}
