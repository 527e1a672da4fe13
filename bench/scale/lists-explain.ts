/**
 * EXPLAIN ANALYZE of every statement one list call sends, on a database the lists bench kept
 * (BENCH_KEEP_DB=1 node -r @swc-node/register bench/scale/lists.ts), to check each list's plan:
 *   node -r @swc-node/register bench/scale/lists-explain.ts <database> <items|deliveries|ops|matrix|summary|review|audit> [city|province|<organisation id>] ['{"state":"failed"}']
 * The viewer is the bench's city or province admin-operator-reviewer-editor (lists-data.ts).
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { appDataSourceOptions } from '@app/composition/app-database';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { AuditLogsService } from '../../apps/api/src/audit/audit-logs.service';
import { DeliveriesQueryService } from '../../apps/api/src/deliveries/deliveries-query.service';
import { ItemsService } from '../../apps/api/src/items/items.service';
import { OperatorService } from '../../apps/api/src/operator/operator.service';
import { ReviewQueueService } from '../../apps/api/src/review/review-queue.service';
import { rolesFor } from '@app/common/auth/permissions';

const db = process.argv[2];
const which = process.argv[3];
const who = process.argv[4] ?? 'city';
const filter = JSON.parse(process.argv[5] ?? '{}');
async function main() {
  const ds = new DataSource(appDataSourceOptions(`postgres://postgres@127.0.0.1:5432/${db}`));
  await ds.initialize();
  const scope = new OrgScopeService(ds);
  const org = who === 'city' ? '00000000-0000-4000-8000-000000000002' : who === 'province' ? '00000000-0000-4000-8000-000000000001' : who;
  const user: any = {
    id: '31000000-0000-4000-8000-000000000002',
    username: 'x',
    displayName: 'x',
    roles: ['admin', 'operator', 'reviewer', 'editor'].map((role) => ({ organisationId: org, role })),
  };
  const orig = ds.query.bind(ds);
  const logged: [string, unknown[]][] = [];
  (ds as any).query = async (sql: string, params: unknown[]) => {
    if (!/FROM organisations o JOIN organisations r|isRoot|parent_id IS NULL/.test(sql)) logged.push([sql, params]);
    return orig(sql, params);
  };
  const cqr = ds.createQueryRunner.bind(ds);
  (ds as any).createQueryRunner = (...a: any[]) => {
    const qr: any = cqr(...a);
    const oq = qr.query.bind(qr);
    qr.query = async (sql: string, params: unknown[], ...rest: any[]) => {
      if (/"items"/.test(sql)) logged.push([sql, params]);
      return oq(sql, params, ...rest);
    };
    return qr;
  };
  const items = new ItemsService(ds, scope, ...(Array(7).fill(null) as [never, never, never, never, never, never, never]));
  const ops = new OperatorService(ds, scope, null as never, { has: () => false } as never, null as never);
  const fns: Record<string, () => Promise<unknown>> = {
    items: () => items.list(user, filter),
    deliveries: async () => new DeliveriesQueryService(ds).list(await scope.scopeOrgIds(user, rolesFor('org.view')), filter),
    ops: () => ops.listDeliveries(user, filter),
    matrix: () => ops.matrix(user, filter),
    summary: () => ops.summary(user),
    review: () => new ReviewQueueService(ds).queue(user, filter),
    audit: () => new AuditLogsService(ds, scope).list(user, filter),
  };
  await fns[which]();
  for (const [sql, params] of logged) {
    if (/^\s*SELECT id FROM organisations/.test(sql)) continue;
    const plan = await orig(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
    console.log('-----', sql.replace(/\s+/g, ' ').slice(0, 200));
    console.log(plan.map((r: any) => r['QUERY PLAN']).join('\n'));
  }
  await ds.destroy();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
