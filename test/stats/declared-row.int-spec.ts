import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import type { ChannelCapabilities } from '@app/channels/channel-adapter.types';
import { createTestDataSource } from '@app/test/utils/test-db';
import { LedgerQueryService } from '@app/stats/ledger-query.service';
import { parsePeriod } from '@app/stats/period';
import { ReportService } from '@app/stats/report.service';
import { TemplateRegistry } from '@app/stats/template-registry.service';
import { buildFixture, publishAll, PublishTarget, StatsFixture } from './stats-fixture';

/** What a channel declares for the statistics (the rest of an adapter does not matter here). */
type Declared = Pick<ChannelCapabilities, 'type' | 'label' | 'reportRow' | 'newMedia'>;

/**
 * A channel the statistics have never heard of is counted under the report row it declares and, when
 * it declares itself 政务新媒体, in the new-media response figure: the ledger row carries both (copied
 * from the adapter's capabilities, as every ledger writer does), and no statistics code or template
 * names the channel.
 */
describe('statistics count a new channel by what it declares (real Postgres)', () => {
  let t: Awaited<ReturnType<typeof createTestDataSource>>;
  let ds: DataSource;
  let f: StatsFixture;
  let q: LedgerQueryService;
  let reports: ReportService;
  const y2018 = parsePeriod({ year: 2018 });
  const scope = () => ({ orgId: f.orgs.county.id, orgPath: f.orgs.county.path, subtree: true });

  // A fake adapter's declaration: a type no code, template or catalogue entry knows.
  const fake: Declared = { type: `fake${randomUUID().slice(0, 8)}`, label: '测试新媒体', reportRow: 'other', newMedia: true };

  const accountFor = async (d: Declared, name: string): Promise<PublishTarget> => {
    const id = randomUUID();
    await ds.query(`INSERT INTO channel_accounts (id, organisation_id, channel_type, name) VALUES ($1, $2, $3, $4)`, [id, f.orgs.county.id, d.type, name]);
    return { channelType: d.type, accountId: id, reportRow: d.reportRow, newMedia: d.newMedia };
  };

  beforeAll(async () => {
    t = await createTestDataSource('statsdeclared');
    ds = t.ds;
    f = await buildFixture(ds);
    await publishAll(f, ds);
    q = new LedgerQueryService(ds);
    reports = new ReportService(ds, q, new TemplateRegistry());
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts it under its declared row and as new media, in the rollups and the raw ledger alike', async () => {
    const cells = ['1-1', '1-1-a', '1-2-2', '1-2-3', '1-2-4', '1-2-5', '2-1', '2-2-4', '2-2-5'];
    const valuesOf = async () => {
      const doc = await reports.computeLive(reports.template('gov-2014'), f.orgs.county, true, y2018);
      expect(doc.countSource).toBe('rollup');
      return Object.fromEntries(cells.map((c) => [c, doc.values[c]]));
    };
    const before = await valuesOf();
    expect(before).toMatchObject({ '1-1': 10, '1-2-5': 1, '2-1': 2, '2-2-4': 1, '2-2-5': 1 });

    const target = await accountFor(fake, '县融媒体客户端');
    await f.publishTo('i5', target, '2018-09-01T01:00:00Z'); // a response so far only on LED and SMS (其他方式)
    await f.publishTo('i7', target, '2018-09-02T01:00:00Z'); // a normative document never published before

    const after = await valuesOf();
    expect(after).toEqual({
      ...before,
      '1-1': 11, // i7 is new in the total
      '1-1-a': before['1-1-a']! + 1, // and a published normative document
      '1-2-5': 2, // its declared row: i5 was there already, i7 joins
      '2-2-4': 2, // responses on new media: i11 (WeChat) and now i5
      '2-2-5': 0, // i5 is no longer a response published only in other ways
    });

    const drill = await reports.drill('gov-2014', f.orgs.county, true, y2018, '2-2-4', { limit: 50, offset: 0 });
    expect(drill.items.map((i) => i.itemId).sort()).toEqual([f.items.i5.id, f.items.i11.id].sort());

    const rollup = await q.channelCounts(scope(), y2018, 'rollup');
    const raw = await q.channelCounts(scope(), y2018, 'ledger');
    expect({ ...rollup, source: 'x' }).toEqual({ ...raw, source: 'x' });
    expect(rollup.byReportRow).toEqual({ gazette: 0, portal: 9, weibo: 1, wechat: 2, other: 2 });
    // No label for it anywhere in the statistics' data: shown as its type.
    expect(rollup.byChannelType.find((c) => c.channelType === fake.type)).toEqual({ channelType: fake.type, label: fake.type, items: 2 });
  });

  it('lists a report row no template names yet after the table rows, exactly', async () => {
    const hotline = await accountFor(
      { type: `fake${randomUUID().slice(0, 8)}`, label: '热线', reportRow: 'hotline' as Declared['reportRow'], newMedia: false },
      '12345热线',
    );
    await f.publishTo('i12', hotline, '2018-11-05T01:00:00Z');
    const c = await q.channelCounts(scope(), y2018);
    expect(Object.keys(c.byReportRow)).toEqual(['gazette', 'portal', 'weibo', 'wechat', 'other', 'hotline']);
    expect(c.byReportRow.hotline).toBe(1);
    const quarter = parsePeriod({ year: 2018, quarter: 4 });
    const dims = ['*', 'r:hotline', 'r:other', 'f:response-newmedia'];
    const a = await q.countDims(scope(), quarter, dims, 'rollup');
    const b = await q.countDims(scope(), quarter, dims, 'ledger');
    expect(Object.fromEntries(a.counts)).toEqual(Object.fromEntries(b.counts));
    expect(a.counts.get('r:hotline')).toBe(1);
  });
});
