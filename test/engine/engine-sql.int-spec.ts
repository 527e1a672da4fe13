import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { recordPublication } from '@app/persistence/delivery/ledger-writer';
import { DeliveryStateRepository } from '@app/persistence/delivery/delivery-state.repository';
import { startTestSystem, TestSystem } from '@app/test/utils/test-system';
import { publishItem } from './engine-helpers';

/**
 * The engine writes a publication in one statement instead of calling the ledger writer; this suite
 * keeps the two identical: the same delivery published both ways gives the same ledger row (every
 * column) and the same item status and 发布日期.
 */
describe('engine SQL: the one-statement publication equals the ledger writer', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem('enginesql', { worker: false });
  });
  afterAll(async () => {
    await sys?.close();
  });

  async function pendingDelivery(kind: string) {
    const id = await publishItem(sys, [sys.seed.accounts['portal:示范县人民政府门户网站']], { kind, ...(kind === 'interpretation' ? {} : {}) });
    const d = (await sys.ds.query(`SELECT * FROM deliveries WHERE item_id = $1`, [id]))[0];
    const snapshot = (await sys.ds.query(`SELECT snapshot FROM item_versions WHERE id = $1`, [d.item_version_id]))[0].snapshot;
    return { id, d, snapshot };
  }

  const comparable = (r: Record<string, unknown>) => {
    const { id, delivery_id, item_id, item_version_id, created_at, ...rest } = r;
    return rest;
  };

  it.each(['normative', 'notice', 'response'])('kind %s', async (kind) => {
    const at = new Date('2026-03-31T17:30:00Z'); // 2026-04-01 in Beijing
    const a = await pendingDelivery(kind);
    const b = await pendingDelivery(kind);
    await (sys.ds as DataSource).transaction((em) =>
      recordPublication(em, {
        deliveryId: a.d.id,
        itemVersionId: a.d.item_version_id,
        snapshot: a.snapshot,
        channelType: a.d.channel_type,
        channelAccountId: a.d.channel_account_id,
        reportRow: 'portal',
        newMedia: false,
        publishedAt: at,
        externalUrl: 'https://example.cn/x',
        manual: true,
      }),
    );
    const r = await new DeliveryStateRepository(sys.ds).markPublished({
      deliveryId: b.d.id,
      itemVersionId: b.d.item_version_id,
      channelType: b.d.channel_type,
      channelAccountId: b.d.channel_account_id,
      reportRow: 'portal',
      newMedia: false,
      snapshot: b.snapshot,
      externalId: 'x',
      externalUrl: 'https://example.cn/x',
      publishedAt: at,
      guard: { fromStates: ['pending'] },
      manual: true,
    });
    expect(r).toEqual({ prev: 'pending', state: 'published', ledger: 1, item: 1 });
    const la = (await sys.ds.query(`SELECT * FROM publication_records WHERE delivery_id = $1`, [a.d.id]))[0];
    const lb = (await sys.ds.query(`SELECT * FROM publication_records WHERE delivery_id = $1`, [b.d.id]))[0];
    expect(comparable(lb)).toEqual(comparable(la));
    expect(lb.item_id).toBe(b.id);
    expect(lb.item_version_id).toBe(b.d.item_version_id);
    const ia = (await sys.ds.query(`SELECT status, publish_date FROM items WHERE id = $1`, [a.id]))[0];
    const ib = (await sys.ds.query(`SELECT status, publish_date FROM items WHERE id = $1`, [b.id]))[0];
    expect(ib).toEqual(ia);
    expect(ib.status).toBe('published');
    // Exactly once: the guard no longer holds.
    expect(
      await new DeliveryStateRepository(sys.ds).markPublished({
        deliveryId: b.d.id,
        itemVersionId: b.d.item_version_id,
        channelType: b.d.channel_type,
        channelAccountId: b.d.channel_account_id,
        reportRow: 'portal',
        newMedia: false,
        snapshot: b.snapshot,
        externalId: 'x',
        externalUrl: null,
        publishedAt: at,
        guard: { fromStates: ['pending'] },
      }),
    ).toBeNull();
    expect(await sys.ds.query(`SELECT id FROM publication_records WHERE delivery_id = $1`, [b.d.id])).toHaveLength(1);
  });

  it('the batched statement: several workers’ publications at once, each like the single one; a stale token writes nothing', async () => {
    const at = new Date('2026-05-01T01:00:00Z');
    const ref = await pendingDelivery('normative');
    await (sys.ds as DataSource).transaction((em) =>
      recordPublication(em, {
        deliveryId: ref.d.id,
        itemVersionId: ref.d.item_version_id,
        snapshot: ref.snapshot,
        channelType: ref.d.channel_type,
        channelAccountId: ref.d.channel_account_id,
        reportRow: 'weibo',
        newMedia: true,
        publishedAt: at,
        externalUrl: 'https://example.cn/y',
      }),
    );
    const xs = [await pendingDelivery('normative'), await pendingDelivery('normative'), await pendingDelivery('normative')];
    const sql = new DeliveryStateRepository(sys.ds);
    const claimed = await sql.claimMany(
      xs.map((x) => x.d.id),
      60,
      ['pending'],
    );
    expect(claimed).toHaveLength(3);
    const token = new Map(claimed.map((c: any) => [c.id, c.lease_token]));
    const rows = xs.map((x, i) => ({
      deliveryId: x.d.id,
      token: i === 2 ? '00000000-0000-4000-8000-000000000000' : token.get(x.d.id),
      itemVersionId: x.d.item_version_id,
      channelType: x.d.channel_type,
      channelAccountId: x.d.channel_account_id,
      reportRow: 'weibo',
      newMedia: true,
      snapshot: x.snapshot,
      externalId: `e${i}`,
      externalUrl: 'https://example.cn/y',
      publishedAt: at,
      attemptsDelta: 0,
      events: [
        { kind: 'attempt', call: `POST ${i}`, durationMs: 3 },
        { kind: 'attempt', call: `GET ${i}` },
      ],
    }));
    const done = await sql.publishMany(rows);
    expect([...done].sort()).toEqual([xs[0].d.id, xs[1].d.id].sort());
    const la = (await sys.ds.query(`SELECT * FROM publication_records WHERE delivery_id = $1`, [ref.d.id]))[0];
    expect(la).toMatchObject({ report_row: 'weibo', new_media: true });
    for (const x of xs.slice(0, 2)) {
      const lb = (await sys.ds.query(`SELECT * FROM publication_records WHERE delivery_id = $1`, [x.d.id]))[0];
      expect(comparable(lb)).toEqual(comparable(la));
      expect((await sys.ds.query(`SELECT status, publish_date FROM items WHERE id = $1`, [x.id]))[0]).toEqual(
        (await sys.ds.query(`SELECT status, publish_date FROM items WHERE id = $1`, [ref.id]))[0],
      );
      const ev = await sys.ds.query(`SELECT kind, call, to_state FROM delivery_events WHERE delivery_id = $1 ORDER BY id`, [x.d.id]);
      expect(ev.map((e: any) => e.kind)).toEqual(['attempt', 'attempt', 'state']);
      expect(ev[0].call).toMatch(/^POST/);
      expect((await sys.ds.query(`SELECT state, lease_token FROM deliveries WHERE id = $1`, [x.d.id]))[0]).toEqual({ state: 'published', lease_token: null });
    }
    expect(await sys.ds.query(`SELECT id FROM publication_records WHERE delivery_id = $1`, [xs[2].d.id])).toHaveLength(0);
    expect((await sys.ds.query(`SELECT state FROM deliveries WHERE id = $1`, [xs[2].d.id]))[0].state).toBe('processing');
  });

  it('a claim brings each version’s snapshot once, and none for versions the caller names as cached', async () => {
    const xs = [await pendingDelivery('notice'), await pendingDelivery('notice')];
    const sql = new DeliveryStateRepository(sys.ds);
    const claimed = await sql.claimMany(
      xs.map((x) => x.d.id),
      60,
      ['pending'],
      [xs[1].d.item_version_id],
    );
    const byId = new Map(claimed.map((c: any) => [c.id, c]));
    expect(byId.get(xs[0].d.id).version_snapshot).toEqual(xs[0].snapshot);
    expect(byId.get(xs[1].d.id).version_snapshot).toBeNull();
  });

  it('delivery changes are announced once per statement, in arrays of at most 20, for every row changed', async () => {
    const xs: Awaited<ReturnType<typeof pendingDelivery>>[] = [];
    for (let i = 0; i < 23; i++) xs.push(await pendingDelivery('notice'));
    const listener = new Client({ connectionString: sys.config.DATABASE_URL });
    await listener.connect();
    const payloads: unknown[][] = [];
    listener.on('notification', (n) => n.channel === 'delivery_changed' && payloads.push(JSON.parse(n.payload!)));
    try {
      await listener.query('LISTEN delivery_changed');
      const ids = xs.map((x) => x.d.id);
      // one UPDATE that changes 23 states, and one that changes none (a lease renewal)
      expect(await new DeliveryStateRepository(sys.ds).claimMany(ids, 60, ['pending'])).toHaveLength(23);
      await sys.ds.query(`UPDATE deliveries SET lease_until = lease_until + interval '1 second' WHERE id = ANY($1::uuid[])`, [ids]);
      await listener.query('SELECT 1'); // notifications sent before this answer have arrived
      await new Promise((r) => setTimeout(r, 200));
      expect(payloads.map((p) => p.length).sort((a, b) => a - b)).toEqual([3, 20]);
      const changes = payloads.flat() as { id: string; state: string; itemId: string; versionNo: number }[];
      expect(changes.map((c) => c.id).sort()).toEqual([...ids].sort());
      expect(changes.every((c) => c.state === 'processing' && c.versionNo === 1)).toBe(true);
      expect(changes.find((c) => c.id === xs[0].d.id)!.itemId).toBe(xs[0].id);
    } finally {
      await listener.end();
    }
  });

  it('the engine’s named statements keep one generic plan per session; TypeORM’s queries keep planning with their values', async () => {
    const repo = new DeliveryStateRepository(sys.ds);
    const settings = `SELECT current_setting('plan_cache_mode') AS m, current_setting('enable_seqscan') AS s`;
    // generic plans made without scans of whole tables: a plan made while the tables were young still fits them grown
    expect((await repo.q('plan_mode_probe', settings, []))[0]).toEqual({ m: 'force_generic_plan', s: 'off' });
    // every other query is planned with its values (the lists' partial indexes need them)
    expect((await sys.ds.query(settings))[0]).toEqual({ m: 'force_custom_plan', s: 'on' });
    // and a list's page walks its index serially (data-source.ts: parallel workers made a 7 ms page 70-80 ms)
    expect((await sys.ds.query(`SELECT current_setting('parallel_setup_cost') AS c`))[0].c).toBe('10000');
    // a claim on the named statements' sessions is planned once, not at every call
    // one after another: parallel sign-ins of one user count as attempts until one succeeds (the login lock)
    for (let i = 0; i < 8; i++) {
      const x = await pendingDelivery('notice');
      expect(await repo.claimMany([x.d.id], 60, ['pending'])).toHaveLength(1);
    }
    const plans = await repo.q<{ custom: number }>('plan_probe', `SELECT coalesce(sum(custom_plans), 0)::int AS custom FROM pg_prepared_statements`, []);
    expect(plans[0].custom).toBe(0);
  });
});
