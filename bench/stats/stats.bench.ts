/**
 * npm run bench:stats — layout A (gov-2014) for the largest subtree at provincial scale, from the
 * trigger-maintained rollups, against the straightforward COUNT(DISTINCT) over the raw ledger.
 *
 * Creates its own database (on DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres),
 * runs the migrations, loads BENCH_ROWS (default 10,000,000) ledger rows over 2,000 organisations (a
 * province → cities → counties → departments tree) and 5 Beijing years with COPY, builds the rollups
 * in bulk with stats_rebuild() (the same SQL logic as the trigger: the COPY runs with triggers off),
 * checks rollups against the raw ledger on a sample and checks the trigger on rows inserted after the
 * bulk build, then times both ways and asserts identical numbers. Last line: one JSON object.
 * BENCH_RUNS / BENCH_BASELINE_RUNS set the number of timed runs.
 */
import 'reflect-metadata';
import { randomBytes } from 'crypto';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { runMigrationsLocked } from '@app/persistence/data-source';
import { appDataSourceOptions } from '@app/composition/app-database';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { withDatabase } from '@app/test/utils/test-env';
import { LedgerQueryService } from '@app/stats/ledger-query.service';
import { parsePeriod, yearPeriod } from '@app/stats/period';
import { ReportService } from '@app/stats/report.service';
import { TemplateRegistry } from '@app/stats/template-registry.service';
import { benchWebsiteAnnual } from './website-annual';
import { benchAggregation } from './aggregation';
import { accountId, buildOrgs, CHANNELS, DAY, DECLARED, generate, itemId, orgId, prng, USER_ID } from './stats-data';
import { median, timed } from './bench-timing';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const ORGS = Number(process.env.BENCH_ORGS ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BASELINE_RUNS = Number(process.env.BENCH_BASELINE_RUNS ?? 5);
const YEARS = [2019, 2020, 2021, 2022, 2023];
const TIMED_YEAR = 2021;

const log = (msg: string) => console.log(`[bench:stats] ${msg}`);

async function copyRows(client: Client, sql: string, chunks: AsyncIterable<string> | Iterable<string>) {
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
}

async function main() {
  const dbName = `stats_bench_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(ADMIN_URL, dbName);
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  log(`database ${dbName}; ${ROWS.toLocaleString()} ledger rows over ${ORGS} organisations and ${YEARS.length} years`);
  const ds = new DataSource(appDataSourceOptions(url));
  let result: Record<string, unknown> | null;
  let triggerMsPerRow: number;
  try {
    await ds.initialize();
    await runMigrationsLocked(ds);
    const rand = prng(20241121);
    const orgs = buildOrgs(rand, ORGS);

    const loader = new Client({ connectionString: url });
    loader.on('error', (e) => log(`loader connection: ${e.message}`));
    await loader.connect();
    const t0 = Date.now();
    // Bulk load with every trigger off (foreign keys, append-only, the rollup trigger): the rollups
    // are then built by stats_rebuild(), the trigger's logic in bulk.
    await loader.query(`SET session_replication_role = replica`);
    await loader.query(`INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, 'bench', '基准', 'x')`, [USER_ID]);
    await copyRows(loader, `COPY organisations (id, parent_id, code, name, level, path) FROM STDIN`, [
      orgs.map((o) => `${orgId(o.n)}\t${o.parent ? orgId(o.parent) : '\\N'}\tB${o.n}\t机构${o.n}\t${o.level}\t${o.path}\n`).join(''),
    ]);
    // Bulk-load practice: secondary indexes are dropped for the COPY and rebuilt from their exact
    // definitions afterwards (sorting once beats ten million random index insertions).
    const secondary: { indexname: string; indexdef: string }[] = (
      await loader.query(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('publication_records', 'items')
           AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
      )
    ).rows;
    for (const i of secondary) await loader.query(`DROP INDEX "${i.indexname}"`);
    const acctLines: string[] = [];
    for (const o of orgs)
      for (const ch of CHANNELS) if (o.accounts[ch]) acctLines.push(`${accountId(o.accounts[ch]!)}\t${orgId(o.n)}\t${ch}\t机构${o.n}${ch}\n`);
    await copyRows(loader, `COPY channel_accounts (id, organisation_id, channel_type, name) FROM STDIN`, [acctLines.join('')]);

    // Items and ledger rows come from one deterministic generator; it runs twice with the same seed
    // (items, then the ledger) so no pass holds gigabytes of text.
    const GEN_SEED = 4242;
    await copyRows(
      loader,
      `COPY items (id, organisation_id, author_id, status, title, index_no, issuing_body, written_date, repealed_date, validity, kind, category) FROM STDIN`,
      (function* () {
        for (const c of generate(orgs, ROWS, prng(GEN_SEED))) yield c.items;
      })(),
    );
    const itemsMs = Date.now() - t0;
    await copyRows(
      loader,
      `COPY publication_records (item_id, version_no, organisation_id, channel_type, report_row, new_media, channel_account_id, published_at, kind, category, is_normative, is_interpretation, is_response, external_url) FROM STDIN`,
      (function* () {
        for (const c of generate(orgs, ROWS, prng(GEN_SEED))) yield c.ledger;
      })(),
    );
    await loader.query(`SET session_replication_role = origin`);
    await loader.query(`SET maintenance_work_mem = '1GB'`);
    for (const i of secondary) await loader.query(i.indexdef);
    log(`rebuilt ${secondary.length} secondary indexes: ${secondary.map((i) => i.indexname).join(', ')}`);
    const loadMs = Date.now() - t0;
    const [{ rows, items }] = (await loader.query(`SELECT (SELECT count(*) FROM publication_records)::int AS rows, (SELECT count(*) FROM items)::int AS items`))
      .rows;
    log(
      `COPY: ${rows.toLocaleString()} ledger rows, ${items.toLocaleString()} items in ${(loadMs / 1000).toFixed(1)} s (items ${(itemsMs / 1000).toFixed(1)} s)`,
    );
    if (rows !== ROWS) throw new Error(`loaded ${rows} rows, wanted ${ROWS}`);

    const t1 = Date.now();
    await loader.query(`SET work_mem = '256MB'`);
    await loader.query(`SET maintenance_work_mem = '512MB'`);
    await loader.query(`SELECT stats_rebuild()`);
    const rebuildMs = Date.now() - t1;
    // Document cells count issued documents (stats_documents, filled by a trigger when a version is
    // approved). The bulk load writes no item_versions: its generated documents stand for approved ones.
    await loader.query(
      `INSERT INTO stats_documents (item_id, organisation_id, version_no, kind, written_date, repealed_date, validity)
       SELECT id, organisation_id, 1, kind, written_date, repealed_date, validity FROM items WHERE kind IN ('regulation', 'normative')`,
    );
    await loader.query(`VACUUM ANALYZE stats_documents`);
    await loader.query(`VACUUM ANALYZE stats_rollups`);
    await loader.query(`VACUUM ANALYZE stats_item_periods`);
    await loader.query(`VACUUM ANALYZE publication_records`);
    await loader.query(`VACUUM ANALYZE items`);
    await loader.query(`VACUUM ANALYZE organisations`);
    const [{ rollups }] = (await loader.query(`SELECT count(*)::int AS rollups FROM stats_rollups`)).rows;
    log(`stats_rebuild(): ${rollups.toLocaleString()} rollup rows in ${(rebuildMs / 1000).toFixed(1)} s`);
    await loader.end();

    const ledger = new LedgerQueryService(ds);
    const reports = new ReportService(ds, ledger, new TemplateRegistry());
    const orgRepo = ds.getRepository(Organisation);

    // Sample check: rollups against the raw ledger for random organisations, scopes and periods.
    const sampleRand = prng(7);
    const dims = [
      '*',
      'r:portal',
      'r:wechat',
      'r:weibo',
      'r:gazette',
      'r:other',
      'ch:led',
      'f:normative',
      'f:interpretation',
      'f:response',
      'f:response-newmedia',
    ];
    let sampled = 0;
    for (let i = 0; i < 12; i++) {
      const o = orgs[i < 3 ? [1, 2, 20][i] : 1 + Math.floor(sampleRand() * orgs.length)];
      const subtree = i % 2 === 0;
      const y = YEARS[Math.floor(sampleRand() * YEARS.length)];
      const p =
        i % 3 === 0
          ? parsePeriod({ year: y })
          : i % 3 === 1
            ? parsePeriod({ year: y, quarter: 1 + Math.floor(sampleRand() * 4) })
            : parsePeriod({ year: y, month: 1 + Math.floor(sampleRand() * 12) });
      const s = { orgId: orgId(o.n), orgPath: o.path, subtree };
      const a = await ledger.countDims(s, p, dims, 'rollup');
      const b = await ledger.countDims(s, p, dims, 'ledger');
      if (JSON.stringify([...a.counts]) !== JSON.stringify([...b.counts]))
        throw new Error(`rollup ≠ ledger for ${o.n} ${p.label}: ${JSON.stringify([...a.counts])} vs ${JSON.stringify([...b.counts])}`);
      sampled++;
    }
    // The trigger on top of the bulk build: 2,000 more publications of existing items in 2024, and
    // their fold into the rollups (migration 1732010000000), timed together.
    const extraRand = prng(99);
    const tTrigger = Date.now();
    await ds.transaction(async (em) => {
      for (let i = 0; i < 2000; i++) {
        const n = 1 + Math.floor(extraRand() * items);
        const ch = CHANNELS[Math.floor(extraRand() * 3)];
        const at = new Date(Date.UTC(2024, Math.floor(extraRand() * 3), 1 + Math.floor(extraRand() * 28)) - 8 * 3600_000 + Math.floor(extraRand() * DAY));
        await em.query(
          `INSERT INTO publication_records (item_id, version_no, organisation_id, channel_type, report_row, new_media, channel_account_id, published_at, kind, category, is_normative, is_interpretation, is_response)
           SELECT i.id, 3, i.organisation_id, $2, $4, $5, NULL, $3, i.kind, i.category, i.kind = 'normative', i.kind = 'interpretation', i.kind = 'response' FROM items i WHERE i.id = $1`,
          [itemId(n), ch, at, DECLARED[ch].row, DECLARED[ch].newMedia],
        );
      }
    });
    await ledger.settle();
    triggerMsPerRow = (Date.now() - tTrigger) / 2000;
    log(`2,000 single-row ledger inserts and their fold into the rollups: ${triggerMsPerRow.toFixed(2)} ms per row`);
    for (const o of [orgs[0], orgs[1], orgs[200]]) {
      const s = { orgId: orgId(o.n), orgPath: o.path, subtree: true };
      for (const p of [parsePeriod({ year: 2024 }), parsePeriod({ year: 2024, quarter: 1 }), parsePeriod({ year: 2024, month: 2 })]) {
        const a = await ledger.countDims(s, p, dims, 'rollup');
        const b = await ledger.countDims(s, p, dims, 'ledger');
        if (JSON.stringify([...a.counts]) !== JSON.stringify([...b.counts])) throw new Error(`trigger rollup ≠ ledger for ${o.n} ${p.label}`);
        sampled++;
      }
    }
    log(`sample: ${sampled} (organisation, period) checks, rollups = raw COUNT(DISTINCT), bulk-built and trigger-maintained`);

    // The timed comparison: layout A for the root's subtree (all 2,000 organisations) for one year.
    const root = await orgRepo.findOneByOrFail({ id: orgId(1) });
    const period = yearPeriod(TIMED_YEAR);
    const tpl = reports.template('gov-2014');
    const fast = async () => reports.computeLive(tpl, root, true, period);
    const baselineSql = `
      SELECT count(DISTINCT p.item_id) AS total,
             count(DISTINCT p.item_id) FILTER (WHERE p.is_normative) AS normative,
             count(DISTINCT p.item_id) FILTER (WHERE p.report_row = 'gazette') AS gazette,
             count(DISTINCT p.item_id) FILTER (WHERE p.report_row = 'portal') AS portal,
             count(DISTINCT p.item_id) FILTER (WHERE p.report_row = 'weibo') AS weibo,
             count(DISTINCT p.item_id) FILTER (WHERE p.report_row = 'wechat') AS wechat,
             count(DISTINCT p.item_id) FILTER (WHERE p.report_row = 'other') AS other,
             count(DISTINCT p.item_id) FILTER (WHERE p.is_response) AS response,
             count(DISTINCT p.item_id) FILTER (WHERE p.is_interpretation) AS interpretation,
             count(DISTINCT p.item_id) FILTER (WHERE p.is_response AND p.new_media) AS response_wbwx,
             (SELECT count(*) FROM items i JOIN organisations io ON io.id = i.organisation_id
               WHERE io.path LIKE $1 AND i.kind = 'normative' AND i.written_date BETWEEN $4::date AND $5::date) AS issued
      FROM publication_records p JOIN organisations o ON o.id = p.organisation_id
      WHERE o.path LIKE $1 AND p.published_at >= $2 AND p.published_at < $3`;
    const baseline = async () => {
      const [r] = await ds.query(baselineSql, [root.path + '%', period.fromUtc, period.toUtcExclusive, period.from, period.to]);
      const n = (k: string) => Number(r[k]);
      return {
        '1-1': n('total'),
        '1-1-a': n('normative'),
        '1-1-b': n('issued'),
        '1-2-1': n('gazette'),
        '1-2-2': n('portal'),
        '1-2-3': n('weibo'),
        '1-2-4': n('wechat'),
        '1-2-5': n('other'),
        '2-1': n('response'),
        '2-2-3': n('interpretation'),
        '2-2-4': n('response_wbwx'),
        '2-2-5': n('response') - n('response_wbwx'),
      };
    };
    const time = timed;
    await fast();
    await fast();
    const fastTimes: number[] = [];
    let doc = await fast();
    for (let i = 0; i < RUNS; i++) {
      const [ms, d] = await time(fast);
      fastTimes.push(ms);
      doc = d;
    }
    const baseTimes: number[] = [];
    let base = await baseline();
    for (let i = 0; i < BASELINE_RUNS; i++) {
      const [ms, b] = await time(baseline);
      baseTimes.push(ms);
      base = b;
    }
    const fastCells = Object.fromEntries(Object.keys(base).map((k) => [k, doc.values[k]]));
    const identical = JSON.stringify(fastCells) === JSON.stringify(base);
    log(`layout A, ${root.name} + subtree (${orgs.length} organisations), ${period.label}:`);
    for (const k of Object.keys(base)) log(`  ${k.padEnd(6)} rollups ${String(fastCells[k]).padStart(9)}   raw ${String((base as any)[k]).padStart(9)}`);
    const medianMs = median(fastTimes);
    const baselineMedianMs = median(baseTimes);
    log(`rollups: median ${medianMs.toFixed(2)} ms over ${RUNS} runs (min ${Math.min(...fastTimes).toFixed(2)}, max ${Math.max(...fastTimes).toFixed(2)})`);
    log(`baseline COUNT(DISTINCT): median ${baselineMedianMs.toFixed(1)} ms over ${BASELINE_RUNS} runs`);
    log(`ratio ${(baselineMedianMs / medianMs).toFixed(1)}×; target median ≤ 100 ms and ≥ 20×`);
    if (!identical) log('NUMBERS DIFFER');
    result = {
      bench: 'stats',
      rows: ROWS,
      orgs: orgs.length,
      items,
      year: TIMED_YEAR,
      loadSeconds: Math.round(loadMs / 100) / 10,
      rebuildSeconds: Math.round(rebuildMs / 100) / 10,
      triggerMsPerInsert: Math.round(triggerMsPerRow * 100) / 100,
      medianMs: Math.round(medianMs * 100) / 100,
      baselineMedianMs: Math.round(baselineMedianMs * 10) / 10,
      ratio: Math.round((baselineMedianMs / medianMs) * 10) / 10,
      identical,
    };
    if (!identical) process.exitCode = 1;
    Object.assign(result, await benchWebsiteAnnual(ds, reports, { year: TIMED_YEAR, runs: RUNS, baselineRuns: BASELINE_RUNS, log }));
    if (!result.websiteAnnualIdentical) process.exitCode = 1;
    Object.assign(
      result,
      await benchAggregation(ds, reports, { year: TIMED_YEAR, runs: RUNS, baselineRuns: BASELINE_RUNS, userId: USER_ID, rootOrgId: orgId(1), log }),
    );
    if (!result.aggregationIdentical) process.exitCode = 1;
  } finally {
    if (ds.isInitialized) await ds.destroy();
    if (process.env.BENCH_KEEP_DB) log(`kept database ${dbName} (BENCH_KEEP_DB)`);
    else await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  console.log(JSON.stringify({ bench: 'stats', error: String(e?.message ?? e), identical: false }));
  process.exit(1);
});
