import type { EntityManager } from 'typeorm';
import { DeliveryTransitionError } from '@app/domain/state/delivery-state-machine';
import { DeliveryStateRepository } from '@app/persistence/delivery/delivery-state.repository';
import { startTestSystem, TestSystem } from '@app/test/utils/test-system';
import { publishItem } from './engine-helpers';

/**
 * The one writer of delivery states refuses a move the transition table does not allow: a call asking
 * for one throws DeliveryTransitionError before it touches the database, and a statement never moves a
 * row from a state the table does not allow into its target (the guard comes from the table).
 */
describe('delivery transitions: the repository keeps to the state machine', () => {
  let sys: TestSystem;
  let repo: DeliveryStateRepository;
  beforeAll(async () => {
    sys = await startTestSystem('transitions', { worker: false });
    repo = new DeliveryStateRepository(sys.ds);
  });
  afterAll(async () => {
    await sys?.close();
  });

  async function deliveryIn(state: string) {
    const itemId = await publishItem(sys, [sys.seed.accounts['portal:示范县人民政府门户网站']]);
    const d = (await sys.ds.query(`SELECT * FROM deliveries WHERE item_id = $1`, [itemId]))[0];
    await sys.ds.query(`UPDATE deliveries SET state = $2 WHERE id = $1`, [d.id, state]);
    const snapshot = (await sys.ds.query(`SELECT snapshot FROM item_versions WHERE id = $1`, [d.item_version_id]))[0].snapshot;
    return { itemId, d, snapshot };
  }
  const rowOf = async (id: string) => (await sys.ds.query(`SELECT state, updated_at, last_error_message FROM deliveries WHERE id = $1`, [id]))[0];
  const eventCount = async (id: string) => (await sys.ds.query(`SELECT count(*)::int AS n FROM delivery_events WHERE delivery_id = $1`, [id]))[0].n;
  const ledgerCount = async (id: string) => (await sys.ds.query(`SELECT count(*)::int AS n FROM publication_records WHERE delivery_id = $1`, [id]))[0].n;
  /** A manager that fails the test if anything reaches the database through it. */
  const untouched = { query: async () => Promise.reject(new Error('the database was touched')) } as unknown as EntityManager;

  it('a disallowed move is refused before the database is touched, and writes nothing', async () => {
    const { d } = await deliveryIn('published');
    const before = await rowOf(d.id);
    const events = await eventCount(d.id);
    // published → cancelled and published → pending are not in the table
    await expect(repo.cancel(untouched, d.id, 'published', 'x', [{ kind: 'state' }])).rejects.toBeInstanceOf(DeliveryTransitionError);
    await expect(repo.retry(untouched, d.id, 'published', 'pending', [{ kind: 'operator_retry' }])).rejects.toMatchObject({
      code: 'INVALID_DELIVERY_TRANSITION',
      from: 'published',
      to: 'pending',
    });
    // a step may not leave processing for withdrawn; a claim may not take a published delivery
    await expect(
      repo.transition({
        deliveryId: d.id,
        token: d.id,
        to: 'withdrawn',
        nextAttemptAt: null,
        externalId: null,
        error: null,
        attemptsDelta: 0,
        checkpoint: {},
        events: [],
      }),
    ).rejects.toBeInstanceOf(DeliveryTransitionError);
    await expect(repo.claimMany([d.id], 60, ['published'])).rejects.toBeInstanceOf(DeliveryTransitionError);
    expect(await rowOf(d.id)).toEqual(before);
    expect(await eventCount(d.id)).toBe(events);
  });

  it('a cancelled delivery is never recorded as published (no ledger row, no event)', async () => {
    const { d, snapshot } = await deliveryIn('cancelled');
    const call = () =>
      repo.markPublished({
        deliveryId: d.id,
        itemVersionId: d.item_version_id,
        channelType: d.channel_type,
        channelAccountId: d.channel_account_id,
        reportRow: 'portal',
        newMedia: false,
        snapshot,
        externalId: 'x',
        externalUrl: null,
        publishedAt: new Date(),
        guard: { fromStates: ['cancelled'] },
      });
    await expect(call()).rejects.toBeInstanceOf(DeliveryTransitionError);
    expect((await rowOf(d.id)).state).toBe('cancelled');
    expect(await ledgerCount(d.id)).toBe(0);
  });

  it('the statement guard holds: a row in another state than the write allows is left alone', async () => {
    const { d } = await deliveryIn('published');
    const before = await rowOf(d.id);
    const events = await eventCount(d.id);
    // allowed edges, asked for a delivery that is not in their source state: nothing happens
    expect(await sys.ds.transaction((em) => repo.cancel(em, d.id, 'pending', 'x', [{ kind: 'state', toState: 'cancelled' }]))).toBe(false);
    expect(await repo.failFromCallback(d.id, ['awaiting_confirmation', 'unconfirmed'], 'E', 'm', [{ kind: 'callback' }])).toBe(false);
    expect(await repo.endWithdraw({ deliveryId: d.id, token: d.id }, 'withdrawn', 'r', [{ kind: 'state' }])).toBe(false);
    expect(await rowOf(d.id)).toEqual(before);
    expect(await eventCount(d.id)).toBe(events);
  });

  it('an item withdrawal moves only the states the table lets it move', async () => {
    const { itemId, d } = await deliveryIn('failed');
    const out = await sys.ds.transaction((em) => repo.withdrawItem(em, itemId, '测试撤回', sys.seed.users['admin']));
    expect(out).toEqual({ cancelled: [], withdrawing: [] });
    expect((await rowOf(d.id)).state).toBe('failed');
    const p = await deliveryIn('published');
    const out2 = await sys.ds.transaction((em) => repo.withdrawItem(em, p.itemId, '测试撤回', sys.seed.users['admin']));
    expect(out2.withdrawing.map((x) => x.id)).toEqual([p.d.id]);
    expect((await rowOf(p.d.id)).state).toBe('withdrawing');
  });
});
