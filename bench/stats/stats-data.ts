// The bench's data: a province of organisations and a deterministic stream of items and ledger rows
// (stats.bench.ts loads them with COPY). Channels here are data the bench generates, each with the
// report row and new-media flag its adapter declares, as the ledger writers copy them.

/** Deterministic PRNG (mulberry32), so every run loads the same data. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uuid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
export const orgId = (n: number) => uuid('00000000', n);
export const itemId = (n: number) => uuid('10000000', n);
export const accountId = (n: number) => uuid('20000000', n);
export const USER_ID = uuid('30000000', 1);

export const CHANNELS = ['portal', 'wechat', 'weibo', 'gazette', 'led'] as const;
export type Channel = (typeof CHANNELS)[number];
/** Report row and 政务新媒体 flag of each channel, as its adapter declares them (copied onto every ledger row). */
export const DECLARED: Record<Channel, { row: string; newMedia: boolean }> = {
  portal: { row: 'portal', newMedia: false },
  wechat: { row: 'wechat', newMedia: true },
  weibo: { row: 'weibo', newMedia: true },
  gazette: { row: 'gazette', newMedia: false },
  led: { row: 'other', newMedia: false },
};
const CATEGORIES = [
  '综合政务',
  '国民经济管理',
  '财政金融',
  '城乡建设',
  '农业农村',
  '教育',
  '卫生健康',
  '民政',
  '交通',
  '生态环境',
  '市场监管',
  '公安安全',
  '人事',
  '文化旅游',
  '科技',
  '商贸',
  '水利',
  '自然资源',
  '应急管理',
  '其他',
];
const KINDS: [string, number][] = [
  ['notice', 0.66],
  ['normative', 0.06],
  ['regulation', 0.01],
  ['interpretation', 0.07],
  ['response', 0.08],
  ['personnel', 0.06],
  ['other', 0.06],
];

export interface OrgRow {
  n: number;
  parent: number | null;
  level: 'province' | 'city' | 'county' | 'department';
  path: string;
  weight: number;
  accounts: Partial<Record<Channel, number>>;
}

export function buildOrgs(rand: () => number, count: number): OrgRow[] {
  const orgs: OrgRow[] = [];
  const add = (parent: OrgRow | null, level: OrgRow['level'], weight: number) => {
    const n = orgs.length + 1;
    const row: OrgRow = { n, parent: parent?.n ?? null, level, path: `${parent ? parent.path : '/'}${orgId(n)}/`, weight, accounts: {} };
    orgs.push(row);
    return row;
  };
  const root = add(null, 'province', 40);
  const cities = Array.from({ length: 14 }, () => add(root, 'city', 12 + rand() * 8));
  const counties = cities.flatMap((c) => Array.from({ length: 8 }, () => add(c, 'county', 5 + rand() * 5)));
  while (orgs.length < count) {
    const parent = rand() < 0.1 ? cities[Math.floor(rand() * cities.length)] : counties[Math.floor(rand() * counties.length)];
    add(parent, 'department', 0.3 + rand() * 1.5);
  }
  let a = 0;
  for (const o of orgs) {
    const big = o.level !== 'department';
    o.accounts.portal = ++a;
    if (big || rand() < 0.5) o.accounts.wechat = ++a;
    if (big || rand() < 0.3) o.accounts.weibo = ++a;
    if (big && o.level !== 'county') o.accounts.gazette = ++a;
    if (o.level === 'province' || o.level === 'county' || (o.level === 'department' && rand() < 0.05)) o.accounts.led = ++a;
  }
  return orgs;
}

/** Account an organisation publishes on for a channel: its own, else the nearest ancestor's. */
function accountFor(orgs: OrgRow[], o: OrgRow, ch: Channel): number {
  for (let cur: OrgRow | null = o; cur; cur = cur.parent ? orgs[cur.parent - 1] : null) if (cur.accounts[ch]) return cur.accounts[ch]!;
  throw new Error('root has every channel');
}

function pick<T>(rand: () => number, table: [T, number][]): T {
  let r = rand();
  for (const [v, p] of table) {
    if ((r -= p) < 0) return v;
  }
  return table[table.length - 1][0];
}

const pad2 = (n: number) => String(n).padStart(2, '0');
/** A Beijing wall-clock timestamp with its offset, as COPY reads it. */
function bj(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}+08`;
}
const dateOf = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

const START = Date.UTC(2019, 0, 1) - 8 * 3600_000;
const END = Date.UTC(2024, 0, 1) - 8 * 3600_000;
export const DAY = 86400_000;

/** Items and their publications, generated together so the ledger row count is exact. */
export function* generate(orgs: OrgRow[], target: number, rand: () => number): Generator<{ items: string; ledger: string; rows: number }> {
  const cum: number[] = [];
  let total = 0;
  for (const o of orgs) cum.push((total += o.weight));
  const pickOrg = () => {
    const r = rand() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return orgs[lo];
  };
  let rows = 0;
  let n = 0;
  while (rows < target) {
    let items = '';
    let ledger = '';
    let chunkRows = 0;
    while (rows < target && chunkRows < 20_000) {
      n++;
      const o = pickOrg();
      const kind = pick(rand, KINDS);
      const category = CATEGORIES[Math.floor(rand() * CATEGORIES.length)];
      const t0 = START + Math.floor(rand() * (END - START));
      const doc = kind === 'normative' || kind === 'regulation';
      const written = doc ? dateOf(t0 - Math.floor(rand() * 20) * DAY) : null;
      const repealed = doc && rand() < 0.1 ? dateOf(t0 + Math.floor(rand() * 900) * DAY) : null;
      const id = itemId(n);
      items += `${id}\t${orgId(o.n)}\t${USER_ID}\tpublished\t事项${n}\tB/${n}\t${o.n}\t${written ?? '\\N'}\t${repealed ?? '\\N'}\t${repealed ? '废止' : '有效'}\t${kind}\t${category}\n`;
      const pubs: [Channel, number, number, number][] = [];
      const want = (ch: Channel, p: number) => rand() < p;
      if (want('portal', 0.95)) pubs.push(['portal', accountFor(orgs, o, 'portal'), t0, 1]);
      if (want('wechat', 0.45)) {
        const acc = accountFor(orgs, o, 'wechat');
        pubs.push(['wechat', acc, t0 + Math.floor(rand() * 2 * DAY), 1]);
        // A county WeChat republishing a department's item: two accounts of one type.
        const parent = o.parent ? orgs[o.parent - 1] : null;
        if (parent && rand() < 0.1) {
          const pacc = accountFor(orgs, parent, 'wechat');
          if (pacc !== acc) pubs.push(['wechat', pacc, t0 + Math.floor(rand() * 3 * DAY), 1]);
        }
      }
      if (want('weibo', 0.25)) pubs.push(['weibo', accountFor(orgs, o, 'weibo'), t0 + Math.floor(rand() * DAY), 1]);
      if (rand() < (doc ? 0.5 : 0.03)) pubs.push(['gazette', accountFor(orgs, o, 'gazette'), t0 + Math.floor(rand() * 30 * DAY), 1]);
      if (want('led', 0.04)) pubs.push(['led', accountFor(orgs, o, 'led'), t0 + Math.floor(rand() * DAY), 1]);
      if (!pubs.length) pubs.push(['portal', accountFor(orgs, o, 'portal'), t0, 1]);
      if (rand() < 0.2) pubs.push(['portal', accountFor(orgs, o, 'portal'), t0 + Math.floor((1 + rand() * 120) * DAY), 2]);
      for (const [ch, acc, at, v] of pubs) {
        if (rows >= target) break;
        if (at >= END) continue;
        ledger += `${id}\t${v}\t${orgId(o.n)}\t${ch}\t${DECLARED[ch].row}\t${DECLARED[ch].newMedia ? 't' : 'f'}\t${accountId(acc)}\t${bj(at)}\t${kind}\t${category}\t${kind === 'normative' ? 't' : 'f'}\t${kind === 'interpretation' ? 't' : 'f'}\t${kind === 'response' ? 't' : 'f'}\thttps://gov.example/${ch}/${n}\n`;
        rows++;
        chunkRows++;
      }
    }
    yield { items, ledger, rows };
  }
}
