/**
 * bench:scale, lists part (issue 17.2): p50 / p95 of the first page and of a filtered deep page (50
 * pages in, reached by walking the cursors) of each list — items, deliveries, the operator's deliveries,
 * matrix and summary, the review queue and the audit viewer — over 2,000 organisations, 1M items, 5M
 * deliveries and 10M ledger rows at BENCH_SCALE=1 (linear below, with minimums), built with COPY in its
 * own database. The new queries are the api's own services; the baseline is the same page the way the
 * lists were queried before (count(*) of every row, then OFFSET: lists-baseline.ts), in the same run.
 * Viewers: a small department's admin-operator-reviewer (the organisation without sub-organisations that
 * has the fewest items), a city's (a subtree of about a fourteenth of the province) and the province's. Run alone: node -r @swc-node/register bench/scale/lists.ts (BENCH_SCALE, BENCH_LIST_RUNS,
 * BENCH_LIST_BASELINE_RUNS, BENCH_KEEP_DB=1, BENCH_LIST_DB=<kept database>, DATABASE_URL); last line one JSON object.
 */
import 'reflect-metadata';
import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { rolesFor } from '@app/common/auth/permissions';
import { appDataSourceOptions } from '@app/composition/app-database';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { runMigrationsLocked } from '@app/persistence/data-source';
import { awaitingReviewerSql, reviewQueueParams, SUBMITTED_AT_SQL } from '@app/review/review-queue';
import { withDatabase } from '@app/test/utils/test-env';
import { AuditLogsService } from '../../apps/api/src/audit/audit-logs.service';
import { DeliveriesQueryService } from '../../apps/api/src/deliveries/deliveries-query.service';
import { ItemsService } from '../../apps/api/src/items/items.service';
import { OperatorService } from '../../apps/api/src/operator/operator.service';
import { ReviewQueueService } from '../../apps/api/src/review/review-queue.service';
import * as base from './lists-baseline';
import { loadListData, orgId, sizesFor, VIEWER } from './lists-data';
import { runAlone } from './bench-part';

type Figures = Record<string, number | boolean | string>;
type Page = { nextCursor: string | null };

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DEPTH = 50;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await fn(); // warm the plan and the cache once, untimed
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { p50: +percentile(ms, 0.5).toFixed(2), p95: +percentile(ms, 0.95).toFixed(2) };
}

/** Walks up to DEPTH pages by cursor; answers the cursor of the deepest page reached and its page number. */
async function walk(fetch: (cursor?: string) => Promise<Page>): Promise<{ cursor?: string; page: number }> {
  let cursor: string | undefined;
  let page = 1;
  for (; page <= DEPTH; page++) {
    const r = await fetch(cursor);
    if (!r.nextCursor) break;
    cursor = r.nextCursor;
  }
  return { cursor, page: Math.min(page, DEPTH + 1) };
}

const viewer = (id: string, org: string, name: string): AuthUser => ({
  id,
  username: name,
  displayName: name,
  roles: (['admin', 'operator', 'reviewer', 'editor'] as const).map((role) => ({ organisationId: org, role })),
});

export async function runLists(opts: { scale: number; log: (m: string) => void }): Promise<Figures> {
  const { scale, log } = opts;
  const runs = Number(process.env.BENCH_LIST_RUNS ?? 30);
  const baselineRuns = Number(process.env.BENCH_LIST_BASELINE_RUNS ?? 10);
  const sizes = sizesFor(scale);
  // BENCH_LIST_DB: time the queries again on a database an earlier run kept (BENCH_KEEP_DB=1), without rebuilding it
  const reuse = process.env.BENCH_LIST_DB;
  const dbName = reuse ?? `lists_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  if (!reuse) await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = withDatabase(ADMIN_URL, dbName);
  const ds = new DataSource(appDataSourceOptions(url));
  const out: Figures = {};
  try {
    await ds.initialize();
    await runMigrationsLocked(ds);
    let counts: Record<string, number>;
    if (reuse) {
      const [c] = await ds.query(
        `SELECT (SELECT count(*) FROM items)::int AS items, (SELECT count(*) FROM deliveries)::int AS deliveries, (SELECT count(*) FROM publication_records)::int AS ledger,
                (SELECT count(*) FROM audit_logs)::int AS audit, (SELECT count(*) FROM organisations)::int AS orgs`,
      );
      counts = { ...c, cityOrg: 2 };
      log(`reusing database ${dbName}: ${JSON.stringify(counts)}`);
    } else {
      const loader = new Client({ connectionString: url });
      await loader.connect();
      const t0 = Date.now();
      log(`database ${dbName}: building ${JSON.stringify(sizes)}`);
      counts = await loadListData(loader, sizes, log);
      await loader.end();
      out.listBuildSeconds = Math.round((Date.now() - t0) / 1000);
      log(`built in ${out.listBuildSeconds} s: ${JSON.stringify(counts)}`);
    }
    Object.assign(out, {
      listItems: counts.items,
      listDeliveries: counts.deliveries,
      listLedgerRows: counts.ledger,
      listAuditRows: counts.audit,
      listOrgs: counts.orgs,
    });

    const scope = new OrgScopeService(ds);
    const registry = { has: () => false };
    const items = new ItemsService(ds, scope, ...(Array(7).fill(null) as [never, never, never, never, never, never, never]));
    const deliveries = new DeliveriesQueryService(ds);
    const ops = new OperatorService(ds, scope, null as never, registry as never, null as never);
    const review = new ReviewQueueService(ds);
    const audit = new AuditLogsService(ds, scope);
    // a small department: the organisation without sub-organisations that has the fewest items (a page of its
    // lists must not walk the whole installation's rows to find its own few)
    const [dept] = await ds.query(
      `SELECT i.organisation_id AS id, count(*)::int AS n FROM items i
        WHERE NOT EXISTS (SELECT 1 FROM organisations c WHERE c.parent_id = i.organisation_id) GROUP BY 1 ORDER BY 2, 1 LIMIT 1`,
    );
    out.departmentItems = dept.n;
    const users = {
      city: viewer(VIEWER.city, orgId(Number(counts.cityOrg)), 'city'),
      province: viewer(VIEWER.province, orgId(1), 'province'),
      department: viewer(VIEWER.department, dept.id, 'department'),
    };
    const reviewSqlOld = `SELECT i.id, i.title, s.at AS "submittedAt", count(*) OVER ()::int AS total
         FROM items i
         LEFT JOIN LATERAL (SELECT c.at, c.user_id FROM item_contributions c WHERE c.item_id = i.id AND c.action = 'submit' ORDER BY c.id DESC LIMIT 1) s ON true
         LEFT JOIN users u ON u.id = s.user_id
        WHERE ${awaitingReviewerSql({ me: '$1::uuid', grants: '$2', defaultPolicy: '$3' })}
        ORDER BY ${SUBMITTED_AT_SQL} ASC NULLS LAST, i.id LIMIT 500`;

    type Who = keyof typeof users;
    interface ListCase {
      name: string;
      pageSize: number;
      deepFilter: Record<string, string>;
      /** The new query: the api's service, one page (`cursor` for the next). */
      fetch: (who: Who, filter: Record<string, string>, cursor?: string) => Promise<Page & { total?: number }>;
      baseline: (who: Who, filter: Record<string, string>, page: number, pageSize: number) => Promise<number>;
      roles: string;
    }
    const scopeOf = async (who: Who, perm: string) => scope.scopeOrgIds(users[who], rolesFor(perm as never));
    const cases: ListCase[] = [
      {
        name: 'items',
        pageSize: 30,
        deepFilter: { status: 'published' },
        roles: 'item.read',
        fetch: (who, f, cursor) => items.list(users[who], { ...f, pageSize: 30, cursor }),
        baseline: async (who, f, page, pageSize) => base.itemsBaseline(ds, { orgIds: await scopeOf(who, 'item.read'), filter: f, page, pageSize }),
      },
      {
        name: 'deliveries',
        pageSize: 50,
        deepFilter: { channel: 'wechat' },
        roles: 'org.view',
        fetch: async (who, f, cursor) => deliveries.list(await scopeOf(who, 'org.view'), { ...f, pageSize: 50, cursor }),
        baseline: async (who, f, page, pageSize) => base.deliveriesBaseline(ds, { orgIds: await scopeOf(who, 'org.view'), filter: f, page, pageSize }),
      },
      {
        name: 'operatorDeliveries',
        pageSize: 50,
        deepFilter: { state: 'published,failed', channel: 'wechat' },
        roles: 'delivery.operate',
        fetch: (who, f, cursor) => ops.listDeliveries(users[who], { ...f, pageSize: 50, cursor }),
        baseline: async (who, f, page, pageSize) =>
          base.operatorDeliveriesBaseline(ds, { orgIds: await scopeOf(who, 'delivery.operate'), filter: f, page, pageSize }),
      },
      {
        name: 'matrix',
        pageSize: 50,
        deepFilter: { channel: 'wechat' },
        roles: 'delivery.operate',
        fetch: (who, f, cursor) => ops.matrix(users[who], { ...f, pageSize: 50, cursor }),
        baseline: async (who, f, page, pageSize) => base.matrixBaseline(ds, { orgIds: await scopeOf(who, 'delivery.operate'), filter: f, page, pageSize }),
      },
      {
        name: 'reviewQueue',
        pageSize: 100,
        deepFilter: {},
        roles: 'item.review',
        fetch: (who, _f, cursor) => review.queue(users[who], { cursor, pageSize: 100 }),
        baseline: (who) => {
          const p = reviewQueueParams(users[who]);
          return base.reviewBaseline(ds, {
            orgIds: [],
            filter: {},
            page: 1,
            pageSize: 500,
            sql: reviewSqlOld,
            params: [users[who].id, p.grants, p.defaultPolicy],
          });
        },
      },
      {
        name: 'audit',
        pageSize: 50,
        deepFilter: { action: 'item.approve' },
        roles: 'audit.read',
        fetch: async (who, f, cursor) => {
          const r = await audit.list(users[who], { ...f, cursor });
          return { nextCursor: r.nextCursor };
        },
        baseline: async (who, f, page, pageSize) => base.auditBaseline(ds, { orgIds: await scopeOf(who, 'audit.read'), filter: f, page, pageSize }),
      },
    ];
    const newP95: number[] = [];
    const baseP95: number[] = [];
    const record = (key: string, r: { p50: number; p95: number }, isBase: boolean) => {
      out[`${key}P50Ms`] = r.p50;
      out[`${key}P95Ms`] = r.p95;
      (isBase ? baseP95 : newP95).push(r.p95);
      log(`${key}: p50 ${r.p50} ms, p95 ${r.p95} ms`);
    };
    const tagOf = (who: Who) => who[0].toUpperCase() + who.slice(1);
    for (const c of cases) {
      for (const who of ['department', 'city', 'province'] as const) {
        const first = await c.fetch(who, {});
        out[`${c.name}${tagOf(who)}Total`] = first.total ?? -1;
        record(`${c.name}First${tagOf(who)}`, await timeRuns(runs, () => c.fetch(who, {})), false);
        record(`${c.name}First${tagOf(who)}Baseline`, await timeRuns(baselineRuns, () => c.baseline(who, {}, 1, c.pageSize)), true);
      }
      // the deep filtered page: DEPTH pages in, by cursor (new) and by OFFSET with a count (baseline)
      const deep = await walk((cursor) => c.fetch('city', c.deepFilter, cursor));
      out[`${c.name}DeepPage`] = deep.page;
      record(`${c.name}Deep`, await timeRuns(runs, () => c.fetch('city', c.deepFilter, deep.cursor)), false);
      record(`${c.name}DeepBaseline`, await timeRuns(baselineRuns, () => c.baseline('city', c.deepFilter, deep.page, c.pageSize)), true);
    }
    for (const who of ['department', 'city', 'province'] as const) {
      const tag = tagOf(who);
      record(`summary${tag}`, await timeRuns(runs, () => ops.summary(users[who])), false);
      record(
        `summary${tag}Baseline`,
        await timeRuns(baselineRuns, async () =>
          base.summaryBaseline(ds, { orgIds: await scopeOf(who, 'delivery.operate'), filter: {}, page: 1, pageSize: 0 }),
        ),
        true,
      );
    }
    out.listP95MsMax = Math.max(...newP95);
    out.listBaselineP95MsMax = Math.max(...baseP95);
    return out;
  } finally {
    await ds.destroy().catch(() => undefined);
    if (process.env.BENCH_KEEP_DB !== '1' && !reuse) await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    else log(`kept database ${dbName}`);
    await admin.end();
  }
}

if (require.main === module) runAlone('lists', runLists);
