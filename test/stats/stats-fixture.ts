import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import type { ItemKind } from '@app/domain/enums/domain-enums';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { recordPublication } from '@app/persistence/delivery/ledger-writer';

/**
 * A small county for the statistics suites, written through the domain's ledger writer
 * (recordPublication) as the publication pipeline does:
 *
 *   county ─┬─ deptA ── townA1
 *           └─ deptB          other (a separate root, never in scope)
 *
 * Items and what they exercise:
 *   i1  county notice   portal + WeChat on two accounts (county's and deptA's) + Weibo, 2018-03
 *   i2  deptA normative written 2018-02-01; portal at 23:30 Beijing on 31 Dec 2018; gazette 2019-01-15
 *   i3  townA1 response portal at 2018-12-31T17:00Z (= 2019-01-01 Beijing), Weibo 2019-02-01
 *   i4  deptB interpretation portal 2018-06-01, withdrawn 2018-07-01 (still counts)
 *   i5  county response LED 2018-08-08 + SMS 2018-08-09 (其他方式, once)
 *   i6  deptB normative written 2017-11-20, portal 2018-01-05, repealed 2018-09-30
 *   i7  county normative written 2018-05-05, never published
 *   i8  county regulation written 2016-01-01, portal 2018-04-01, in force
 *   i9  county regulation written 2018-03-03, portal 2018-03-04, repealed 2019-06-01
 *   i10 other-root notice portal 2018-05-05
 *   i11 county response WeChat + portal 2018-10-10
 *   i12 county notice portal v1 2018-11-01, v2 2018-11-20 (a revision: same item)
 *   i13 deptA normative written 2018-07-01, 失效 without a date, portal 2018-07-02
 *
 * Every item has an approved version (item_versions) once published; i7, approved and never
 * published, gets its version at build time (documents count only once a version was approved).
 */
export interface StatsFixture {
  userId: string;
  orgs: Record<'county' | 'deptA' | 'townA1' | 'deptB' | 'other', Organisation>;
  accounts: Record<'portal' | 'wechat' | 'wechatA' | 'weibo' | 'gazette' | 'led' | 'sms' | 'otherPortal' | 'idle', string>;
  items: Record<string, { id: string; title: string; indexNo: string }>;
  publish: (item: string, channel: keyof StatsFixture['accounts'], at: string, opts?: { versionNo?: number; url?: string }) => Promise<string>;
  /** Publishes on any account, with the ledger tags its channel declares (reportRow, newMedia). */
  publishTo: (item: string, target: PublishTarget, at: string, opts?: { versionNo?: number; url?: string }) => Promise<string>;
  /** Approves the item's next version (an item_versions row, as the fan-out writes it); `patch` changes its document fields. */
  approve: (item: string, patch?: Partial<Pick<ItemSpec, 'kind' | 'written' | 'repealed' | 'validity'>>) => Promise<number>;
  /** Adds an item (status as given, no version) under `key`; `approve` and `publish` then work on it. */
  addItem: (spec: ItemSpec & { status?: string }) => Promise<string>;
}

export interface PublishTarget {
  channelType: string;
  accountId: string;
  reportRow: string;
  newMedia: boolean;
}

export interface ItemSpec {
  key: string;
  org: keyof StatsFixture['orgs'];
  kind: ItemKind;
  category?: string;
  written?: string;
  repealed?: string;
  validity?: string;
}

const CHANNEL_OF: Record<keyof StatsFixture['accounts'], string> = {
  portal: 'portal',
  wechat: 'wechat',
  wechatA: 'wechat',
  weibo: 'weibo',
  gazette: 'gazette',
  led: 'led',
  sms: 'sms',
  otherPortal: 'portal',
  idle: 'wechat',
};

export async function buildFixture(ds: DataSource): Promise<StatsFixture> {
  const userId = randomUUID();
  await ds.query(`INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, '统计员', 'x')`, [userId, `stat-${userId.slice(0, 8)}`]);
  const orgs = {} as StatsFixture['orgs'];
  const mk = async (key: keyof StatsFixture['orgs'], name: string, parent: Organisation | null) => {
    const id = randomUUID();
    const path = `${parent ? parent.path : '/'}${id}/`;
    await ds.query(`INSERT INTO organisations (id, parent_id, code, name, level, path) VALUES ($1, $2, $3, $4, 'department', $5)`, [
      id,
      parent?.id ?? null,
      `${key}-${id.slice(0, 6)}`,
      name,
      path,
    ]);
    orgs[key] = (await ds.getRepository(Organisation).findOneByOrFail({ id }))!;
  };
  await mk('county', '永定区人民政府', null);
  await mk('deptA', '区教育局', orgs.county);
  await mk('townA1', '教育局直属中心', orgs.deptA);
  await mk('deptB', '区财政局', orgs.county);
  await mk('other', '邻县人民政府', null);

  const accounts = {} as StatsFixture['accounts'];
  const acct = async (key: keyof StatsFixture['accounts'], org: Organisation, name: string) => {
    const id = randomUUID();
    await ds.query(`INSERT INTO channel_accounts (id, organisation_id, channel_type, name) VALUES ($1, $2, $3, $4)`, [id, org.id, CHANNEL_OF[key], name]);
    accounts[key] = id;
  };
  await acct('portal', orgs.county, '永定区政府门户网站');
  await acct('wechat', orgs.county, '永定发布');
  await acct('wechatA', orgs.deptA, '永定教育');
  await acct('weibo', orgs.county, '永定发布微博');
  await acct('gazette', orgs.county, '永定政报');
  await acct('led', orgs.county, '政务大厅LED屏');
  await acct('sms', orgs.county, '政务短信');
  await acct('otherPortal', orgs.other, '邻县门户网站');
  await acct('idle', orgs.deptB, '财政微信（停更）');

  const specs: ItemSpec[] = [
    { key: 'i1', org: 'county', kind: 'notice', category: '综合政务' },
    { key: 'i2', org: 'deptA', kind: 'normative', category: '教育', written: '2018-02-01' },
    { key: 'i3', org: 'townA1', kind: 'response', category: '教育' },
    { key: 'i4', org: 'deptB', kind: 'interpretation', category: '财政' },
    { key: 'i5', org: 'county', kind: 'response', category: '综合政务' },
    { key: 'i6', org: 'deptB', kind: 'normative', category: '财政', written: '2017-11-20', repealed: '2018-09-30', validity: '废止' },
    { key: 'i7', org: 'county', kind: 'normative', category: '综合政务', written: '2018-05-05' },
    { key: 'i8', org: 'county', kind: 'regulation', category: '综合政务', written: '2016-01-01' },
    { key: 'i9', org: 'county', kind: 'regulation', category: '综合政务', written: '2018-03-03', repealed: '2019-06-01', validity: '废止' },
    { key: 'i10', org: 'other', kind: 'notice', category: '综合政务' },
    { key: 'i11', org: 'county', kind: 'response', category: '综合政务' },
    { key: 'i12', org: 'county', kind: 'notice', category: '综合政务' },
    { key: 'i13', org: 'deptA', kind: 'normative', category: '教育', written: '2018-07-01', validity: '失效' },
  ];
  const items: StatsFixture['items'] = {};
  const itemRows = new Map<string, ItemSpec & { id: string; title: string; indexNo: string }>();
  const addItem: StatsFixture['addItem'] = async (s) => {
    const id = randomUUID();
    const title = `事项${s.key}：${s.kind}`;
    const indexNo = `${orgs[s.org].code}/2018-${s.key}`;
    await ds.query(
      `INSERT INTO items (id, organisation_id, author_id, status, title, index_no, issuing_body, written_date, repealed_date, validity, kind, category)
       VALUES ($1, $2, $3, $12, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        orgs[s.org].id,
        userId,
        title,
        indexNo,
        orgs[s.org].name,
        s.written ?? null,
        s.repealed ?? null,
        s.validity ?? '有效',
        s.kind,
        s.category ?? '其他',
        s.status ?? 'approved',
      ],
    );
    items[s.key] = { id, title, indexNo };
    itemRows.set(s.key, { ...s, id, title, indexNo });
    return id;
  };
  for (const s of specs) await addItem(s);

  const snapshotOf = (key: string, versionNo: number, at: string): ItemSnapshot => {
    const it = itemRows.get(key)!;
    const org = orgs[it.org];
    return {
      itemId: it.id,
      versionNo,
      organisationId: org.id,
      organisationName: org.name,
      organisationCode: org.code,
      title: it.title,
      bodyHtml: '<p>正文</p>',
      summary: '',
      indexNo: it.indexNo,
      docNo: null,
      issuingBody: org.name,
      writtenDate: it.written ?? null,
      publishDate: null,
      category: it.category ?? '其他',
      disclosureAttr: '主动公开',
      validity: it.validity ?? '有效',
      repealedDate: it.repealed ?? null,
      kind: it.kind,
      policyItemId: null,
      attachments: [],
      channelOverrides: {},
      authorName: '统计员',
      approvedAt: at,
    };
  };

  const approve: StatsFixture['approve'] = async (key, patch = {}) => {
    const it = itemRows.get(key)!;
    const [{ n }] = await ds.query(`SELECT COALESCE(max(version_no), 0) + 1 AS n FROM item_versions WHERE item_id = $1`, [it.id]);
    Object.assign(it, patch);
    await ds.query(`INSERT INTO item_versions (item_id, version_no, snapshot, created_by) VALUES ($1, $2, $3, $4)`, [
      it.id,
      n,
      JSON.stringify(snapshotOf(key, n, new Date().toISOString())),
      userId,
    ]);
    await ds.query(
      `UPDATE items SET current_version_no = $2, kind = $3, written_date = $4, repealed_date = $5, validity = $6, status = 'approved' WHERE id = $1`,
      [it.id, n, it.kind, it.written ?? null, it.repealed ?? null, it.validity ?? '有效'],
    );
    return n;
  };
  await approve('i7');

  const publishTo: StatsFixture['publishTo'] = async (key, target, at, opts = {}) => {
    const it = itemRows.get(key)!;
    const versionNo = opts.versionNo ?? 1;
    const snapshot = snapshotOf(key, versionNo, at);
    let versionId: string;
    const existing = await ds.query(`SELECT id FROM item_versions WHERE item_id = $1 AND version_no = $2`, [it.id, versionNo]);
    if (existing.length) versionId = existing[0].id;
    else {
      [{ id: versionId }] = await ds.query(`INSERT INTO item_versions (item_id, version_no, snapshot, created_by) VALUES ($1, $2, $3, $4) RETURNING id`, [
        it.id,
        versionNo,
        JSON.stringify(snapshot),
        userId,
      ]);
    }
    await ds.transaction((em) =>
      recordPublication(em, {
        deliveryId: null,
        itemVersionId: versionId,
        snapshot,
        channelType: target.channelType,
        channelAccountId: target.accountId,
        reportRow: target.reportRow,
        newMedia: target.newMedia,
        publishedAt: new Date(at),
        externalUrl: opts.url ?? `https://example.gov.cn/${target.channelType}/${key}/${versionNo}`,
      }),
    );
    const [{ id }] = await ds.query(`SELECT max(id)::text AS id FROM publication_records WHERE item_id = $1`, [it.id]);
    return id;
  };
  const publish: StatsFixture['publish'] = (key, channel, at, opts = {}) => {
    const type = CHANNEL_OF[channel];
    // as the adapters declare them (and as migration 1732006000000 backfilled older rows)
    const reportRow = ['gazette', 'portal', 'weibo', 'wechat'].includes(type) ? type : 'other';
    return publishTo(key, { channelType: type, accountId: accounts[channel], reportRow, newMedia: ['weibo', 'wechat'].includes(type) }, at, opts);
  };

  return { userId, orgs, accounts, items, publish, publishTo, approve, addItem };
}

/** The publications of the fixture (see the table above). */
export async function publishAll(f: StatsFixture, ds: DataSource): Promise<void> {
  await f.publish('i1', 'portal', '2018-03-10T02:00:00Z');
  await f.publish('i1', 'wechat', '2018-03-10T03:00:00Z');
  await f.publish('i1', 'wechatA', '2018-03-11T03:00:00Z');
  await f.publish('i1', 'weibo', '2018-03-12T03:00:00Z');
  await f.publish('i2', 'portal', '2018-12-31T15:30:00Z'); // 23:30 Beijing, 31 December 2018
  await f.publish('i2', 'gazette', '2019-01-15T01:00:00Z');
  await f.publish('i3', 'portal', '2018-12-31T17:00:00Z'); // 01:00 Beijing, 1 January 2019
  await f.publish('i3', 'weibo', '2019-02-01T01:00:00Z');
  const withdrawn = await f.publish('i4', 'portal', '2018-06-01T01:00:00Z');
  await ds.query(`INSERT INTO publication_withdrawals (publication_record_id, withdrawn_at, reason) VALUES ($1, '2018-07-01T01:00:00Z', '政策调整')`, [
    withdrawn,
  ]);
  await f.publish('i5', 'led', '2018-08-08T01:00:00Z');
  await f.publish('i5', 'sms', '2018-08-09T01:00:00Z');
  await f.publish('i6', 'portal', '2018-01-05T01:00:00Z');
  await f.publish('i8', 'portal', '2018-04-01T01:00:00Z');
  await f.publish('i9', 'portal', '2018-03-04T01:00:00Z');
  await f.publish('i10', 'otherPortal', '2018-05-05T01:00:00Z');
  await f.publish('i11', 'wechat', '2018-10-10T01:00:00Z');
  await f.publish('i11', 'portal', '2018-10-10T02:00:00Z');
  await f.publish('i12', 'portal', '2018-11-01T01:00:00Z');
  await f.publish('i12', 'portal', '2018-11-20T01:00:00Z', { versionNo: 2 });
  await f.publish('i13', 'portal', '2018-07-02T01:00:00Z');
}
