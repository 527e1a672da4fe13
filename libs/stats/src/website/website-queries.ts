import type { Db, Scope } from '../ledger-scope';
import { scopeSql } from '../ledger-scope';
import { COUNTED, SqlParams } from '../metrics';
import type { Period } from '../period';
import type { InfoField, WebsiteDef } from './website-template';

/**
 * What the 政府网站工作年度报表 reads, straight from the tables: the ledger rows of the website (those
 * carrying the template's `siteRow`), the site's columns (the portal files each article under its
 * 主题分类, so a column is the category a ledger row carries), the site's account (name, address, the
 * identity settings the administrator keeps on it) and the 政务新媒体 accounts (ledger rows marked
 * `new_media`). No channel is named: the row and the flag are on every ledger row.
 */

export interface SiteFigures {
  overview: number;
  news: number;
  catalogue: number;
  interpretations: number;
  responses: number;
  topicsMaintained: number;
  topicsNew: number;
  /** The 专栏专题 columns updated in the period (shown beside the table). */
  topics: { name: string; firstPublished: string; items: number }[];
}

/** The site's figures for the period: distinct items per kind of column, interpretations, responses, 专栏专题. */
export async function siteFigures(db: Db, def: WebsiteDef, scope: Scope, period: Period): Promise<SiteFigures> {
  const p = new SqlParams();
  const site = `p.report_row = ${p.add(def.siteRow)}`;
  const overview = `p.category = ANY(${p.add(def.overviewColumns)}::text[])`;
  const news = `p.category = ANY(${p.add(def.newsColumns)}::text[])`;
  const from = p.add(period.fromUtc);
  const to = p.add(period.toUtcExclusive);
  // One pass over the scope's ledger rows of the period: an item counts once per figure, whatever its
  // accounts, revisions or withdrawals (STATISTICS.md); its column is the one its publication carried.
  const [r] = await db.query(
    `SELECT count(DISTINCT p.item_id) FILTER (WHERE ${overview}) AS overview,
            count(DISTINCT p.item_id) FILTER (WHERE ${news}) AS news,
            count(DISTINCT p.item_id) FILTER (WHERE NOT (${overview}) AND NOT (${news})) AS catalogue,
            count(DISTINCT p.item_id) FILTER (WHERE p.is_interpretation) AS interpretations,
            count(DISTINCT p.item_id) FILTER (WHERE p.is_response) AS responses
       FROM publication_records p
      WHERE ${scopeSql(scope, 'p', p)} AND ${site} AND ${COUNTED} AND p.published_at >= ${from} AND p.published_at < ${to}`,
    p.values,
  );
  let topics: SiteFigures['topics'] = [];
  let topicsNew = 0;
  if (def.topicMarkers.length) {
    const q = new SqlParams();
    const likes = def.topicMarkers.map((m) => '%' + m.replace(/[\\%_]/g, (c) => '\\' + c) + '%');
    const qFrom = q.add(period.fromUtc);
    const qTo = q.add(period.toUtcExclusive);
    // A 专栏专题 is maintained in the period when it was updated in it, and new when its first
    // publication on the site (in this scope, ever) falls in it.
    const rows: { name: string; first_at: Date; items: string; active: boolean }[] = await db.query(
      `SELECT p.category AS name, min(p.published_at) AS first_at,
              count(DISTINCT p.item_id) FILTER (WHERE p.published_at >= ${qFrom}) AS items,
              bool_or(p.published_at >= ${qFrom}) AS active
         FROM publication_records p
        WHERE ${scopeSql(scope, 'p', q)} AND p.report_row = ${q.add(def.siteRow)} AND ${COUNTED}
          AND p.published_at < ${qTo} AND p.category LIKE ANY(${q.add(likes)}::text[])
        GROUP BY p.category
        ORDER BY min(p.published_at), p.category`,
      q.values,
    );
    const active = rows.filter((x) => x.active);
    topicsNew = active.filter((x) => new Date(x.first_at) >= period.fromUtc).length;
    topics = active.map((x) => ({ name: x.name, firstPublished: new Date(x.first_at).toISOString(), items: Number(x.items) }));
  }
  return {
    overview: Number(r.overview),
    news: Number(r.news),
    catalogue: Number(r.catalogue),
    interpretations: Number(r.interpretations),
    responses: Number(r.responses),
    topicsMaintained: topics.length,
    topicsNew,
    topics,
  };
}

export interface NewMediaAccount {
  id: string;
  name: string;
  channelType: string;
  organisationName: string;
}

/**
 * The 政务新媒体 accounts of the scope's organisations: accounts with at least one publication marked
 * new media up to the end of the period (an account never used cannot be told apart from any other
 * account without naming channels; it appears from its first publication on).
 */
export async function newMediaAccounts(db: Db, scope: Scope, period: Period): Promise<NewMediaAccount[]> {
  const p = new SqlParams();
  const rows: { id: string; name: string; channel_type: string; organisation_name: string }[] = await db.query(
    `SELECT a.id, a.name, a.channel_type, o.name AS organisation_name
       FROM channel_accounts a JOIN organisations o ON o.id = a.organisation_id
      WHERE ${scopeSql(scope, 'a', p)}
        AND EXISTS (SELECT 1 FROM publication_records p
                     WHERE p.channel_account_id = a.id AND p.new_media AND p.published_at < ${p.add(period.toUtcExclusive)})
      ORDER BY a.channel_type, a.name, a.id`,
    p.values,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, channelType: r.channel_type, organisationName: r.organisation_name }));
}

/**
 * The site's identity: the organisation's own accounts that published on the website (by ledger row),
 * their name and address, and the settings the administrator keeps on them; 主办单位 is the organisation.
 * Several site accounts are listed together ("；"). Fields nobody recorded stay empty for the office to
 * complete on the printed form.
 */
export async function siteIdentity(
  db: Db,
  def: WebsiteDef,
  org: { id: string; name: string; parentId: string | null },
  period: Period,
): Promise<Record<InfoField, string>> {
  const rows: { name: string; base_url: string; settings: Record<string, unknown> | null }[] = await db.query(
    `SELECT a.name, a.base_url, a.settings FROM channel_accounts a
      WHERE a.organisation_id = $1
        AND EXISTS (SELECT 1 FROM publication_records p WHERE p.channel_account_id = a.id AND p.report_row = $2 AND p.published_at < $3)
      ORDER BY a.created_at, a.id`,
    [org.id, def.siteRow, period.toUtcExclusive],
  );
  const setting = (field: InfoField, r: (typeof rows)[number]): string => {
    const key = def.identitySettings[field];
    const v = key ? r.settings?.[key] : undefined;
    return typeof v === 'string' ? v.trim() : '';
  };
  const join = (xs: string[]) => [...new Set(xs.filter(Boolean))].join('；');
  return {
    siteName: join(rows.map((r) => setting('siteName', r) || r.name)),
    homeUrl: join(rows.map((r) => (r.base_url ?? '').trim())),
    sponsor: org.name,
    // 政府门户网站 for a government (the root of its tree), 部门网站 otherwise, unless the account says.
    siteType: join(rows.map((r) => setting('siteType', r))) || (rows.length ? (org.parentId ? '部门网站' : '政府门户网站') : ''),
    idCode: join(rows.map((r) => setting('idCode', r))),
    icp: join(rows.map((r) => setting('icp', r))),
    police: join(rows.map((r) => setting('police', r))),
  };
}
