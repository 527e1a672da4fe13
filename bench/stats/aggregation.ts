/**
 * Part of `npm run bench:stats`: a province-level aggregation (issue 16.4) — the root organisation's
 * gov-2014 table from its own ledger plus 2,000 accepted bundles of lower installations
 * (GET stats/reports/gov-2014/aggregate). Each bundle is a real signed envelope (its own Ed25519 key,
 * registered as a sender) with random figures for every leaf cell; drill lists are left empty here
 * since the aggregate never reads them. Loaded in bulk, accepted, and their totals built with
 * rebuildBundleTotals (the sums accepting them one by one adds). Baseline: the straightforward way, parsing every stored
 * envelope and adding its figures in JavaScript. The bundle part of the aggregate must equal the
 * baseline. Returns the figures stats.bench.ts adds to its last JSON line (`aggregationMedianMs`,
 * target < 200 ms).
 */
import { generateKeyPairSync, randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { BundleAggregateService, rebuildBundleTotals } from '@app/stats/bundles/bundle-aggregate.service';
import { BUNDLE_FORMAT, BundleEnvelope, BundlePayload } from '@app/stats/bundles/bundle.types';
import { canonicalJson } from '@app/stats/bundles/canonical-json';
import { keyIdOf, rawPublicKey, signText } from '@app/stats/bundles/ed25519-keys';
import { yearPeriod } from '@app/stats/period';
import type { ReportService } from '@app/stats/report.service';
import { median, timed } from './bench-timing';

export async function benchAggregation(
  ds: DataSource,
  reports: ReportService,
  o: { year: number; runs: number; baselineRuns: number; userId: string; rootOrgId: string; bundles?: number; log: (msg: string) => void },
): Promise<Record<string, unknown>> {
  const n = o.bundles ?? 2000;
  const root = await ds.getRepository(Organisation).findOneByOrFail({ id: o.rootOrgId });
  const tpl = reports.template('gov-2014');
  const period = yearPeriod(o.year);
  const leaves = [...tpl.cellIndex.values()].filter(({ cell }) => !cell.sum).map(({ cell }) => cell);
  let seed = 16044;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const t0 = Date.now();
  const senders: unknown[][] = [];
  const bundles: unknown[][] = [];
  for (let i = 1; i <= n; i++) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = rawPublicKey(publicKey);
    const senderId = randomUUID();
    const figures: Record<string, number> = {};
    for (const c of leaves) figures[c.id] = c.manual === 'decimal' ? Math.round(rand() * 1000) / 100 : Math.floor(rand() * (c.metric ? 400 : 20));
    const payload = {
      format: BUNDLE_FORMAT,
      exportedAt: new Date().toISOString(),
      signer: { keyId: keyIdOf(raw), publicKey: raw.toString('base64') },
      template: { id: tpl.id, title: tpl.title, layout: tpl.layout },
      organisation: { id: randomUUID(), name: `下级单位${i}`, code: `L${i}` },
      subtree: true,
      period: { year: o.year, from: period.from, to: period.to },
      frozen: { id: randomUUID(), frozenAt: '2022-01-20T02:00:00.000Z', frozenBy: o.userId, watermark: '0' },
      signoff: { unitHead: '甲', reviewer: '乙', preparer: '丙', phone: '0744-8596033', filledDate: '2022-01-20' },
      figures,
      manual: leaves.filter((c) => c.manual).map((c) => ({ cellId: c.id, value: figures[c.id], enteredBy: '填报人', enteredAt: '2022-01-10T02:00:00.000Z' })),
      drill: {},
      checks: [],
    } as BundlePayload;
    const env: BundleEnvelope = { payload, signature: { alg: 'Ed25519', keyId: keyIdOf(raw), value: signText(canonicalJson(payload), privateKey) } };
    senders.push([senderId, root.id, `下级单位${i}`, keyIdOf(raw), raw.toString('base64'), o.userId]);
    bundles.push([
      randomUUID(),
      senderId,
      root.id,
      tpl.id,
      o.year,
      JSON.stringify(payload.organisation),
      JSON.stringify(payload.signoff),
      JSON.stringify(figures),
      JSON.stringify(env),
      o.userId,
    ]);
  }
  for (let i = 0; i < n; i += 500) {
    const s = senders.slice(i, i + 500);
    await ds.query(
      `INSERT INTO stats_bundle_senders (id, receiver_org_id, name, key_id, public_key, created_by)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[])`,
      [0, 1, 2, 3, 4, 5].map((k) => s.map((r) => r[k])),
    );
    const b = bundles.slice(i, i + 500);
    await ds.query(
      `INSERT INTO stats_bundles (id, sender_id, receiver_org_id, template_id, year, status, sender_org, subtree, digest, signoff, frozen_at, figures, envelope,
         imported_by, accepted_by, accepted_at)
       SELECT id, sid, rid, tid, yr, 'accepted', so::jsonb, true, md5(env), sg::jsonb, '2022-01-20T02:00:00Z', fg::jsonb, env, by, by, now()
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::uuid[])
         AS t(id, sid, rid, tid, yr, so, sg, fg, env, by)`,
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => b.map((r) => r[k])),
    );
  }
  // What accepting each bundle adds to stats_bundle_totals, in one statement for the bulk load.
  await rebuildBundleTotals(ds);
  await ds.query(`ANALYZE stats_bundles`);
  o.log(`aggregation: ${n} accepted bundles (${leaves.length} leaf cells each) loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const aggregator = new BundleAggregateService(ds, reports);
  const fast = () => aggregator.aggregate(tpl.id, root, true, o.year);
  const own = () => reports.report(tpl.id, root, true, period);
  // Baseline: every stored envelope read and parsed, figures added in JavaScript (万元 in 1/10000 units).
  const baseline = async () => {
    const rows: { envelope: string }[] = await ds.query(
      `SELECT envelope FROM stats_bundles WHERE receiver_org_id = $1 AND template_id = $2 AND year = $3 AND status = 'accepted' AND superseded_by IS NULL`,
      [root.id, tpl.id, o.year],
    );
    const sums = new Map<string, number>();
    for (const r of rows) {
      const env = JSON.parse(r.envelope) as BundleEnvelope;
      for (const [k, v] of Object.entries(env.payload.figures)) if (v !== null) sums.set(k, (sums.get(k) ?? 0) + Math.round(v * 10000));
    }
    return new Map([...sums].map(([k, v]) => [k, v / 10000]));
  };
  await fast();
  await fast();
  const times: number[] = [];
  let doc = await fast();
  for (let i = 0; i < o.runs; i++) {
    const [ms, d] = await timed(fast);
    times.push(ms);
    doc = d;
  }
  const baseTimes: number[] = [];
  let base = await baseline();
  for (let i = 0; i < o.baselineRuns; i++) {
    const [ms, b] = await timed(baseline);
    baseTimes.push(ms);
    base = b;
  }
  const ownDoc = await own();
  const mismatches = leaves.filter((c) => {
    const bundlesPart = Math.round(((doc.values[c.id] ?? 0) - (ownDoc.values[c.id] ?? 0)) * 10000) / 10000;
    return bundlesPart !== (base.get(c.id) ?? 0);
  });
  const identical = mismatches.length === 0 && doc.aggregate.bundles.length === n;
  const m = median(times);
  const bm = median(baseTimes);
  o.log(`aggregation of ${n} bundles + own ledger (${root.name} subtree): median ${m.toFixed(2)} ms over ${o.runs} runs; 1-1 = ${doc.values['1-1']}`);
  o.log(`baseline parse-and-add of the envelopes: median ${bm.toFixed(1)} ms over ${o.baselineRuns} runs; ratio ${(bm / m).toFixed(1)}×; target < 200 ms`);
  if (!identical) o.log(`AGGREGATION NUMBERS DIFFER: ${mismatches.map((c) => c.id).join(', ')}`);
  return {
    aggregationBundles: n,
    aggregationMedianMs: Math.round(m * 100) / 100,
    aggregationBaselineMedianMs: Math.round(bm * 10) / 10,
    aggregationRatio: Math.round((bm / m) * 10) / 10,
    aggregationIdentical: identical,
  };
}
