/**
 * Part of `npm run bench:stats`: the 政府网站工作年度报表 (template website-annual) for the county with the
 * most organisations under it, with its subtree (a county's 集约化 portal carries its departments'
 * 信息公开目录), for one year, on the benchmark's ledger. Baseline: the same figures the
 * straightforward way, one COUNT(DISTINCT) query per figure and per account over the raw ledger.
 * Numbers must be identical. Returns the figures stats.bench.ts adds to its last JSON line
 * (`websiteAnnualMedianMs`, target < 200 ms).
 */
import type { DataSource } from 'typeorm';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { yearPeriod } from '@app/stats/period';
import type { ReportService } from '@app/stats/report.service';
import { median, timed } from './bench-timing';

export async function benchWebsiteAnnual(
  ds: DataSource,
  reports: ReportService,
  o: { year: number; runs: number; baselineRuns: number; log: (msg: string) => void },
): Promise<Record<string, unknown>> {
  const [{ id }] = await ds.query(
    `SELECT c.id FROM organisations c WHERE c.level = 'county'
      ORDER BY (SELECT count(*) FROM organisations d WHERE d.path LIKE c.path || '%') DESC, c.code LIMIT 1`,
  );
  const county = await ds.getRepository(Organisation).findOneByOrFail({ id });
  const period = yearPeriod(o.year);
  const tpl = reports.template('website-annual');
  const fast = () => reports.computeLive(tpl, county, true, period);

  const sub = `SELECT so.id FROM organisations so WHERE so.path LIKE $1`;
  const base = [county.path + '%', period.fromUtc, period.toUtcExclusive];
  const where = `p.organisation_id IN (${sub}) AND p.published_at >= $2 AND p.published_at < $3 AND p.disclosure_attr = '主动公开'`;
  const count = async (cond: string, extra: unknown[] = []) =>
    Number((await ds.query(`SELECT count(DISTINCT p.item_id) AS n FROM publication_records p WHERE ${where} AND ${cond}`, [...base, ...extra]))[0].n);
  const baseline = async () => {
    const overview = ['机构概况', '机构职能', '领导信息', '领导之窗', '本地概况', '政府概况', '走进本地'];
    const news = ['政务动态', '工作动态', '要闻动态', '政务要闻', '部门动态', '乡镇动态', '图片新闻'];
    const out: Record<string, number> = {
      'pub.total': await count(`p.report_row = 'portal'`),
      'pub.overview': await count(`p.report_row = 'portal' AND p.category = ANY($4)`, [overview]),
      'pub.news': await count(`p.report_row = 'portal' AND p.category = ANY($4)`, [news]),
      'pub.catalogue': await count(`p.report_row = 'portal' AND NOT p.category = ANY($4)`, [[...overview, ...news]]),
      'interp.total': await count(`p.report_row = 'portal' AND p.is_interpretation`),
      response: await count(`p.report_row = 'portal' AND p.is_response`),
    };
    const accounts: { id: string }[] = await ds.query(
      `SELECT a.id FROM channel_accounts a WHERE a.organisation_id IN (${sub})
         AND EXISTS (SELECT 1 FROM publication_records p WHERE p.channel_account_id = a.id AND p.new_media AND p.published_at < $2)`,
      [county.path + '%', period.toUtcExclusive],
    );
    for (const a of accounts) out[`media.${a.id}.items`] = await count(`p.channel_account_id = $4`, [a.id]);
    return out;
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
  let expected = await baseline();
  for (let i = 0; i < o.baselineRuns; i++) {
    const [ms, b] = await timed(baseline);
    baseTimes.push(ms);
    expected = b;
  }
  const got = Object.fromEntries(Object.keys(expected).map((k) => [k, doc.values[k]]));
  const identical = JSON.stringify(got) === JSON.stringify(expected);
  const accounts = Object.keys(expected).filter((k) => k.startsWith('media.')).length;
  const medianMs = median(times);
  const baselineMs = median(baseTimes);
  o.log(`website-annual, ${county.name} + subtree, ${period.label}: 信息发布 ${got['pub.total']}, ${accounts} new-media accounts`);
  o.log(`website-annual: median ${medianMs.toFixed(2)} ms over ${o.runs} runs; baseline (one query per figure) ${baselineMs.toFixed(1)} ms; target < 200 ms`);
  if (!identical) o.log(`website-annual NUMBERS DIFFER: ${JSON.stringify(got)} vs ${JSON.stringify(expected)}`);
  return {
    websiteAnnualMedianMs: Math.round(medianMs * 100) / 100,
    websiteAnnualBaselineMedianMs: Math.round(baselineMs * 10) / 10,
    websiteAnnualIdentical: identical,
  };
}
