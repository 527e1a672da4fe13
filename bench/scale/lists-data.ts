// The lists bench's data set (bench/scale/lists.ts): a province of organisations (the bench:stats tree,
// a few big organisations and many small departments), items with their versions, deliveries, the
// publications ledger, the audit log and the submissions of items waiting for review, generated
// deterministically and loaded with COPY (triggers off, secondary indexes rebuilt afterwards).
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { accountId, buildOrgs, CHANNELS, DECLARED, orgId, prng, USER_ID, type Channel, type OrgRow } from '../stats/stats-data';

const uuid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
export const benchItemId = (n: number) => uuid('11000000', n);
const versionId = (n: number, v: number) => uuid(`4${v}000000`, n);
const deliveryId = (n: number) => uuid('50000000', n);
export const VIEWER = { province: uuid('31000000', 1), city: uuid('31000000', 2), department: uuid('31000000', 3) };

export interface ListSizes {
  orgs: number;
  items: number;
  deliveries: number;
  ledger: number;
  audit: number;
}

export function sizesFor(scale: number): ListSizes {
  return {
    orgs: Math.max(130, Math.round(2000 * scale)),
    items: Math.max(2000, Math.round(1_000_000 * scale)),
    deliveries: Math.max(10_000, Math.round(5_000_000 * scale)),
    ledger: Math.max(20_000, Math.round(10_000_000 * scale)),
    audit: Math.max(6000, Math.round(3_000_000 * scale)),
  };
}

/** Item statuses, skewed to published as a working platform's are. */
const STATUSES: [string, number][] = [
  ['published', 0.86],
  ['withdrawn', 0.03],
  ['approved', 0.005],
  ['submitted', 0.005],
  ['rejected', 0.02],
  ['draft', 0.08],
];
/** States of the deliveries of a published item's latest version. */
const DELIVERY_STATES: [string, number][] = [
  ['published', 0.9],
  ['failed', 0.025],
  ['cancelled', 0.02],
  ['pending', 0.02],
  ['unconfirmed', 0.01],
  ['awaiting_confirmation', 0.01],
  ['processing', 0.005],
  ['withdrawn', 0.01],
];
const KINDS = ['notice', 'notice', 'notice', 'normative', 'interpretation', 'response', 'personnel', 'other'];
const AUDIT_ACTIONS = ['item.create', 'item.update', 'item.submit', 'item.approve', 'delivery.retry', 'item.withdraw'];

function pick<T>(r: number, table: [T, number][]): T {
  for (const [v, p] of table) if ((r -= p) < 0) return v;
  return table[table.length - 1][0];
}

const START = Date.UTC(2023, 0, 1);
const SPAN = 2 * 365 * 86400_000;
const ts = (ms: number) => new Date(ms).toISOString();

async function copy(client: Client, sql: string, chunks: Iterable<string>) {
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
}

/** Accounts an organisation's items can go to: its own and its ancestors'. */
function chainAccounts(orgs: OrgRow[], o: OrgRow): [Channel, number][] {
  const out: [Channel, number][] = [];
  for (let cur: OrgRow | null = o; cur; cur = cur.parent ? orgs[cur.parent - 1] : null)
    for (const ch of CHANNELS) if (cur.accounts[ch]) out.push([ch, cur.accounts[ch]!]);
  return out;
}

/** Loads the data set into the migrated database `client` is connected to; answers the row counts. */
export async function loadListData(client: Client, sizes: ListSizes, log: (m: string) => void): Promise<Record<string, number>> {
  const rand = prng(1732009100);
  const orgs = buildOrgs(rand, sizes.orgs);
  await client.query(`SET session_replication_role = replica`);
  const secondary: { indexname: string; indexdef: string }[] = (
    await client.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
          AND tablename IN ('items', 'item_versions', 'deliveries', 'publication_records', 'audit_logs', 'item_contributions')
          AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
    )
  ).rows;
  for (const i of secondary) await client.query(`DROP INDEX "${i.indexname}"`);
  await copy(client, `COPY organisations (id, parent_id, code, name, level, path) FROM STDIN`, [
    orgs.map((o) => `${orgId(o.n)}\t${o.parent ? orgId(o.parent) : '\\N'}\tB${o.n}\t机构${o.n}\t${o.level}\t${o.path}\n`).join(''),
  ]);
  const city = orgs.find((o) => o.level === 'city')!;
  await client.query(
    `INSERT INTO users (id, username, display_name, password_hash, home_organisation_id) VALUES
       ($1, 'bench', '基准', 'x', $4), ($2, 'province', '省级管理员', 'x', $4), ($3, 'city', '市级管理员', 'x', $5)`,
    [USER_ID, VIEWER.province, VIEWER.city, orgId(1), orgId(city.n)],
  );
  const acct: string[] = [];
  for (const o of orgs) for (const ch of CHANNELS) if (o.accounts[ch]) acct.push(`${accountId(o.accounts[ch]!)}\t${orgId(o.n)}\t${ch}\t机构${o.n}${ch}\n`);
  await copy(client, `COPY channel_accounts (id, organisation_id, channel_type, name) FROM STDIN`, [acct.join('')]);

  const cum: number[] = [];
  let w = 0;
  for (const o of orgs) cum.push((w += o.weight));
  const pickOrg = (r: number) => {
    const x = r * w;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return orgs[lo];
  };
  // deliveries per frozen version, so that the total comes out near sizes.deliveries
  const perVersion = sizes.deliveries / (sizes.items * 0.895 * 1.2);
  const counts = { items: 0, versions: 0, deliveries: 0, ledger: 0, submitted: 0 };
  const itemLines: string[] = [];
  const versionLines: string[] = [];
  const deliveryLines: string[] = [];
  const ledgerLines: string[] = [];
  const contribLines: string[] = [];
  const flush = async () => {
    await copy(
      client,
      `COPY items (id, organisation_id, author_id, status, title, index_no, issuing_body, kind, category, current_version_no, created_at, updated_at, submitted_at) FROM STDIN`,
      itemLines,
    );
    await copy(client, `COPY item_versions (id, item_id, version_no, snapshot, created_by, created_at) FROM STDIN`, versionLines);
    await copy(
      client,
      `COPY deliveries (id, item_id, item_version_id, version_no, channel_account_id, channel_type, organisation_id, state, due_at, published_at, last_error_code, created_at, updated_at) FROM STDIN`,
      deliveryLines,
    );
    await copy(
      client,
      `COPY publication_records (delivery_id, item_id, version_no, organisation_id, channel_type, report_row, new_media, channel_account_id, published_at, kind, category, is_normative, is_interpretation, is_response) FROM STDIN`,
      ledgerLines,
    );
    await copy(client, `COPY item_contributions (item_id, base_version, user_id, action, at) FROM STDIN`, contribLines);
    for (const a of [itemLines, versionLines, deliveryLines, ledgerLines, contribLines]) a.length = 0;
  };
  for (let n = 1; n <= sizes.items; n++) {
    const o = pickOrg(rand());
    const status = pick(rand(), STATUSES);
    const kind = KINDS[Math.floor(rand() * KINDS.length)];
    const created = START + Math.floor(rand() * SPAN);
    const frozen = status === 'published' || status === 'withdrawn' || status === 'approved';
    const versions = frozen ? (rand() < 0.2 ? 2 : 1) : 0;
    let last = created;
    const id = benchItemId(n);
    const chain = chainAccounts(orgs, o);
    for (let v = 1; v <= versions; v++) {
      last += Math.floor(rand() * 3 * 86400_000) + 60_000;
      versionLines.push(`${versionId(n, v)}\t${id}\t${v}\t{}\t${USER_ID}\t${ts(last)}\n`);
      counts.versions++;
      const k = Math.min(chain.length, Math.max(1, Math.round(perVersion + (rand() - 0.5) * 3)));
      const used = new Set<number>();
      for (let j = 0; j < k; j++) {
        let c = Math.floor(rand() * chain.length);
        while (used.has(c)) c = (c + 1) % chain.length;
        used.add(c);
        const [ch, acc] = chain[c];
        const latest = v === versions;
        const state = status === 'withdrawn' ? 'withdrawn' : latest ? pick(rand(), DELIVERY_STATES) : 'published';
        const upd = last + Math.floor(rand() * 86400_000);
        const pub = state === 'published' || state === 'withdrawn' ? ts(upd) : '\\N';
        const did = deliveryId(++counts.deliveries);
        deliveryLines.push(
          `${did}\t${id}\t${versionId(n, v)}\t${v}\t${accountId(acc)}\t${ch}\t${orgId(o.n)}\t${state}\t${ts(last)}\t${pub}\t${state === 'failed' ? 'E_TIMEOUT' : '\\N'}\t${ts(last)}\t${ts(upd)}\n`,
        );
        if (pub !== '\\N' && counts.ledger < sizes.ledger) {
          counts.ledger++;
          ledgerLines.push(
            `${did}\t${id}\t${v}\t${orgId(o.n)}\t${ch}\t${DECLARED[ch].row}\t${DECLARED[ch].newMedia ? 't' : 'f'}\t${accountId(acc)}\t${pub}\t${kind}\t其他\t${kind === 'normative' ? 't' : 'f'}\t${kind === 'interpretation' ? 't' : 'f'}\t${kind === 'response' ? 't' : 'f'}\n`,
          );
        }
      }
    }
    const updated = Math.max(last, created) + Math.floor(rand() * 86400_000);
    // every item was written by someone (create); the waiting ones were submitted
    contribLines.push(`${id}\t0\t${USER_ID}\tcreate\t${ts(created)}\n`);
    if (status === 'submitted') {
      counts.submitted++;
      contribLines.push(`${id}\t0\t${USER_ID}\tsubmit\t${ts(updated)}\n`);
    }
    // submitted_at: the item's last submission, as the api sets it (the review queue's order)
    const submitted = status === 'submitted' ? ts(updated) : '\\N';
    itemLines.push(
      `${id}\t${orgId(o.n)}\t${USER_ID}\t${status}\t事项${n}\tB/${n}\t机构${o.n}\t${kind}\t其他\t${versions}\t${ts(created)}\t${ts(updated)}\t${submitted}\n`,
    );
    counts.items++;
    if (itemLines.length >= 20_000) await flush();
    if (n % 200_000 === 0) log(`generated ${n.toLocaleString()} items, ${counts.deliveries.toLocaleString()} deliveries`);
  }
  await flush();
  // The ledger beyond one row per publication: records kept without a delivery (manual, imported), as many as the size asks.
  const extra = sizes.ledger - counts.ledger;
  await copy(
    client,
    `COPY publication_records (delivery_id, item_id, version_no, organisation_id, channel_type, report_row, new_media, channel_account_id, published_at, kind, category, is_normative, is_interpretation, is_response, manual) FROM STDIN`,
    (function* () {
      let buf = '';
      for (let i = 0; i < extra; i++) {
        const n = 1 + Math.floor(rand() * sizes.items);
        const o = pickOrg(rand());
        buf += `\\N\t${benchItemId(n)}\t1\t${orgId(o.n)}\tportal\tportal\tf\t${accountId(o.accounts.portal!)}\t${ts(START + Math.floor(rand() * SPAN))}\tnotice\t其他\tf\tf\tf\tt\n`;
        if (buf.length > 4_000_000) {
          yield buf;
          buf = '';
        }
      }
      yield buf;
    })(),
  );
  counts.ledger += extra;
  // The audit log in time order (ids grow with time, as they do), most entries naming their organisation.
  await copy(
    client,
    `COPY audit_logs (actor_id, action, entity_type, entity_id, item_id, organisation_id, at) FROM STDIN`,
    (function* () {
      let buf = '';
      for (let i = 0; i < sizes.audit; i++) {
        const n = 1 + Math.floor(rand() * sizes.items);
        const o = pickOrg(rand());
        const action = AUDIT_ACTIONS[Math.floor(rand() * AUDIT_ACTIONS.length)];
        const at = START + Math.floor((i / sizes.audit) * SPAN);
        buf += `${USER_ID}\t${action}\titem\t${benchItemId(n)}\t${benchItemId(n)}\t${orgId(o.n)}\t${ts(at)}\n`;
        if (buf.length > 4_000_000) {
          yield buf;
          buf = '';
        }
      }
      yield buf;
    })(),
  );
  await client.query(`SET session_replication_role = origin`);
  await client.query(`SET maintenance_work_mem = '512MB'`);
  for (const i of secondary) await client.query(i.indexdef);
  log(`rebuilt ${secondary.length} secondary indexes`);
  for (const t of [
    'organisations',
    'channel_accounts',
    'users',
    'items',
    'item_versions',
    'deliveries',
    'publication_records',
    'audit_logs',
    'item_contributions',
  ])
    await client.query(`VACUUM ANALYZE ${t}`);
  return { ...counts, audit: sizes.audit, orgs: orgs.length, cityOrg: city.n };
}

export { orgId };
