import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import type { ItemKind } from '@app/domain/enums/domain-enums';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { recordPublication } from '@app/persistence/delivery/ledger-writer';

/**
 * A county website's year (2023) for the 政府网站工作年度报表, written through the domain's ledger writer
 * as the publication pipeline does. Channels are declared here as their adapters declare them (report
 * row, 政务新媒体 flag); the statistics only see those.
 *
 *   county (永定区人民政府, root) ── deptA (区教育局)        other (邻县人民政府, never in scope)
 *
 * Accounts: county portal (with identity settings), deptA portal, county WeChat 永定发布 and Weibo
 * 永定发布微博, deptA WeChat 永定教育, an idle county WeChat (never used), a county LED screen.
 *
 *   a1  机构概况            portal 2023-03-01                              → 概况类
 *   a2  政务动态            portal + WeChat + Weibo 2023-04-01             → 政务动态
 *   a3  政务动态            portal v1 2023-05-01, v2 2023-06-01 (revision) → 政务动态, once
 *   a4  综合政务            portal 2023-12-31T16:30Z = 2024-01-01 00:30 Beijing → not in 2023
 *   a5  综合政务            portal 2022-12-31T16:30Z = 2023-01-01 00:30 Beijing → 信息公开目录
 *   a6  政策解读 (interpretation) portal 2023-07-01                      → 目录, 解读
 *   a7  综合政务 (response) portal 2023-08-01 + WeChat 2023-08-02          → 目录, 回应
 *   a8  综合政务 (response) WeChat only 2023-08-03                         → not on the site
 *   a9  优化营商环境专题    portal 2022-05-01                              (the 专题 opened in 2022)
 *   a10 优化营商环境专题    portal 2023-02-01                              → 目录; 专题 maintained, not new
 *   a11 乡村振兴专栏        portal 2023-09-01                              → 目录; 专栏 maintained and new
 *   a12 党史学习教育专题    portal 2021-06-01 only                         → not maintained in 2023
 *   a13 政务动态            portal 2023-10-01, withdrawn 2023-10-05        → 政务动态 (still counts)
 *   a14 deptA 教育          deptA portal + 永定教育 2023-05-05            → subtree only
 *   a15 other 综合政务      other's portal 2023-05-05                      → never
 *   a16 政务动态 → 综合政务 portal v1 2023-02-10 (政务动态), v2 2023-03-10 (综合政务) → both kinds, total once
 *   a17 综合政务            LED only 2023-06-06                            → not on the site, not new media
 */
export type AccountKey = 'portal' | 'portalA' | 'wechat' | 'weibo' | 'wechatA' | 'idle' | 'led' | 'otherPortal';

export interface WebsiteFixture {
  userId: string;
  orgs: Record<'county' | 'deptA' | 'other', Organisation>;
  accounts: Record<AccountKey, string>;
  items: Record<string, string>;
  publish: (item: string, account: AccountKey, at: string, opts?: { versionNo?: number; category?: string }) => Promise<string>;
}

const DECLARED: Record<AccountKey, { type: string; row: string; newMedia: boolean }> = {
  portal: { type: 'portal', row: 'portal', newMedia: false },
  portalA: { type: 'portal', row: 'portal', newMedia: false },
  otherPortal: { type: 'portal', row: 'portal', newMedia: false },
  wechat: { type: 'wechat', row: 'wechat', newMedia: true },
  wechatA: { type: 'wechat', row: 'wechat', newMedia: true },
  idle: { type: 'wechat', row: 'wechat', newMedia: true },
  weibo: { type: 'weibo', row: 'weibo', newMedia: true },
  led: { type: 'led', row: 'other', newMedia: false },
};

export async function buildWebsiteFixture(ds: DataSource): Promise<WebsiteFixture> {
  const userId = randomUUID();
  await ds.query(`INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, '网站管理员', 'x')`, [userId, `web-${userId.slice(0, 8)}`]);
  const orgs = {} as WebsiteFixture['orgs'];
  const mk = async (key: keyof WebsiteFixture['orgs'], name: string, parent: Organisation | null) => {
    const id = randomUUID();
    await ds.query(`INSERT INTO organisations (id, parent_id, code, name, level, path) VALUES ($1, $2, $3, $4, 'department', $5)`, [
      id,
      parent?.id ?? null,
      `${key}-${id.slice(0, 6)}`,
      name,
      `${parent ? parent.path : '/'}${id}/`,
    ]);
    orgs[key] = await ds.getRepository(Organisation).findOneByOrFail({ id });
  };
  await mk('county', '永定区人民政府', null);
  await mk('deptA', '区教育局', orgs.county);
  await mk('other', '邻县人民政府', null);

  const accounts = {} as WebsiteFixture['accounts'];
  const acct = async (key: AccountKey, org: Organisation, name: string, baseUrl = '', settings: Record<string, string> = {}) => {
    const id = randomUUID();
    await ds.query(`INSERT INTO channel_accounts (id, organisation_id, channel_type, name, base_url, settings) VALUES ($1, $2, $3, $4, $5, $6)`, [
      id,
      org.id,
      DECLARED[key].type,
      name,
      baseUrl,
      JSON.stringify(settings),
    ]);
    accounts[key] = id;
  };
  await acct('portal', orgs.county, '永定区政府门户网站', 'http://www.zjjyd.gov.cn', {
    siteName: '张家界市永定区人民政府',
    siteIdCode: '4308020001',
    icpRecord: '湘ICP备05004476号',
    policeRecord: '湘公网安备43080202000101号',
  });
  await acct('portalA', orgs.deptA, '永定区教育局网站', 'http://www.zjjyd.gov.cn/jyj');
  await acct('wechat', orgs.county, '永定发布');
  await acct('weibo', orgs.county, '永定发布微博');
  await acct('wechatA', orgs.deptA, '永定教育');
  await acct('idle', orgs.county, '永定政务（停用）');
  await acct('led', orgs.county, '政务大厅LED屏');
  await acct('otherPortal', orgs.other, '邻县门户网站', 'http://www.linxian.gov.cn');

  const specs: { key: string; org: keyof WebsiteFixture['orgs']; kind: ItemKind; category: string }[] = [
    { key: 'a1', org: 'county', kind: 'other', category: '机构概况' },
    { key: 'a2', org: 'county', kind: 'notice', category: '政务动态' },
    { key: 'a3', org: 'county', kind: 'notice', category: '政务动态' },
    { key: 'a4', org: 'county', kind: 'notice', category: '综合政务' },
    { key: 'a5', org: 'county', kind: 'notice', category: '综合政务' },
    { key: 'a6', org: 'county', kind: 'interpretation', category: '政策解读' },
    { key: 'a7', org: 'county', kind: 'response', category: '综合政务' },
    { key: 'a8', org: 'county', kind: 'response', category: '综合政务' },
    { key: 'a9', org: 'county', kind: 'notice', category: '优化营商环境专题' },
    { key: 'a10', org: 'county', kind: 'notice', category: '优化营商环境专题' },
    { key: 'a11', org: 'county', kind: 'notice', category: '乡村振兴专栏' },
    { key: 'a12', org: 'county', kind: 'notice', category: '党史学习教育专题' },
    { key: 'a13', org: 'county', kind: 'notice', category: '政务动态' },
    { key: 'a14', org: 'deptA', kind: 'notice', category: '教育' },
    { key: 'a15', org: 'other', kind: 'notice', category: '综合政务' },
    { key: 'a16', org: 'county', kind: 'notice', category: '政务动态' },
    { key: 'a17', org: 'county', kind: 'notice', category: '综合政务' },
  ];
  const items: Record<string, string> = {};
  const rows = new Map<string, (typeof specs)[number] & { id: string }>();
  for (const s of specs) {
    const id = randomUUID();
    const org = orgs[s.org];
    await ds.query(
      `INSERT INTO items (id, organisation_id, author_id, status, title, index_no, issuing_body, kind, category)
       VALUES ($1, $2, $3, 'approved', $4, $5, $6, $7, $8)`,
      [id, org.id, userId, `网站信息${s.key}`, `${org.code}/2023-${s.key}`, org.name, s.kind, s.category],
    );
    items[s.key] = id;
    rows.set(s.key, { ...s, id });
  }

  const publish: WebsiteFixture['publish'] = async (key, account, at, opts = {}) => {
    const it = rows.get(key)!;
    const org = orgs[it.org];
    const versionNo = opts.versionNo ?? 1;
    const snapshot: ItemSnapshot = {
      itemId: it.id,
      versionNo,
      organisationId: org.id,
      organisationName: org.name,
      organisationCode: org.code,
      title: `网站信息${key}`,
      bodyHtml: '<p>正文</p>',
      summary: '',
      indexNo: `${org.code}/2023-${key}`,
      docNo: null,
      issuingBody: org.name,
      writtenDate: null,
      publishDate: null,
      category: opts.category ?? it.category,
      disclosureAttr: '主动公开',
      validity: '有效',
      repealedDate: null,
      kind: it.kind,
      policyItemId: null,
      attachments: [],
      channelOverrides: {},
      authorName: '网站管理员',
      approvedAt: at,
    };
    const existing = await ds.query(`SELECT id FROM item_versions WHERE item_id = $1 AND version_no = $2`, [it.id, versionNo]);
    const versionId: string = existing.length
      ? existing[0].id
      : (
          await ds.query(`INSERT INTO item_versions (item_id, version_no, snapshot, created_by) VALUES ($1, $2, $3, $4) RETURNING id`, [
            it.id,
            versionNo,
            JSON.stringify(snapshot),
            userId,
          ])
        )[0].id;
    const d = DECLARED[account];
    await ds.transaction((em) =>
      recordPublication(em, {
        deliveryId: null,
        itemVersionId: versionId,
        snapshot,
        channelType: d.type,
        channelAccountId: accounts[account],
        reportRow: d.row,
        newMedia: d.newMedia,
        publishedAt: new Date(at),
        externalUrl: `https://example.gov.cn/${d.type}/${key}/${versionNo}`,
      }),
    );
    const [{ id }] = await ds.query(`SELECT max(id)::text AS id FROM publication_records WHERE item_id = $1`, [it.id]);
    return id;
  };
  return { userId, orgs, accounts, items, publish };
}

/** The publications of the table above. */
export async function publishWebsiteYear(f: WebsiteFixture, ds: DataSource): Promise<void> {
  await f.publish('a1', 'portal', '2023-03-01T02:00:00Z');
  await f.publish('a2', 'portal', '2023-04-01T02:00:00Z');
  await f.publish('a2', 'wechat', '2023-04-01T03:00:00Z');
  await f.publish('a2', 'weibo', '2023-04-01T04:00:00Z');
  await f.publish('a3', 'portal', '2023-05-01T02:00:00Z');
  await f.publish('a3', 'portal', '2023-06-01T02:00:00Z', { versionNo: 2 });
  await f.publish('a4', 'portal', '2023-12-31T16:30:00Z');
  await f.publish('a5', 'portal', '2022-12-31T16:30:00Z');
  await f.publish('a6', 'portal', '2023-07-01T02:00:00Z');
  await f.publish('a7', 'portal', '2023-08-01T02:00:00Z');
  await f.publish('a7', 'wechat', '2023-08-02T02:00:00Z');
  await f.publish('a8', 'wechat', '2023-08-03T02:00:00Z');
  await f.publish('a9', 'portal', '2022-05-01T02:00:00Z');
  await f.publish('a10', 'portal', '2023-02-01T02:00:00Z');
  await f.publish('a11', 'portal', '2023-09-01T02:00:00Z');
  await f.publish('a12', 'portal', '2021-06-01T02:00:00Z');
  const withdrawn = await f.publish('a13', 'portal', '2023-10-01T02:00:00Z');
  await ds.query(`INSERT INTO publication_withdrawals (publication_record_id, withdrawn_at, reason) VALUES ($1, '2023-10-05T02:00:00Z', '内容调整')`, [
    withdrawn,
  ]);
  await f.publish('a14', 'portalA', '2023-05-05T02:00:00Z');
  await f.publish('a14', 'wechatA', '2023-05-05T03:00:00Z');
  await f.publish('a15', 'otherPortal', '2023-05-05T02:00:00Z');
  await f.publish('a16', 'portal', '2023-02-10T02:00:00Z');
  await f.publish('a16', 'portal', '2023-03-10T02:00:00Z', { versionNo: 2, category: '综合政务' });
  await f.publish('a17', 'led', '2023-06-06T02:00:00Z');
}
