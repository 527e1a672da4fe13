import type { AxiosInstance } from 'axios';
import type { TestSystem } from '@app/test/utils/test-system';
import { waitFor } from '@app/test/utils/test-system';

/** States a delivery never leaves on its own. */
export const SETTLED = ['published', 'failed', 'cancelled', 'withdrawn'];

/** A test-channel account on the simulator, created through the admin API like an admin would. */
export async function createTestchanAccount(
  sys: TestSystem,
  simUrl: string,
  name: string,
  token: string,
  settings: Record<string, unknown> = {},
): Promise<string> {
  const admin = await sys.login('admin');
  const r = await admin.post('/channel-accounts', {
    organisationId: sys.seed.orgs['sfx'],
    channelType: 'testchan',
    name,
    baseUrl: `${simUrl}/testchan`,
    settings,
    credentials: { token },
  });
  if (r.status !== 201) throw new Error(`create account failed: ${r.status} ${JSON.stringify(r.data)}`);
  return r.data.id;
}

let seq = 0;
export function itemBody(sys: TestSystem, accounts: string[], over: Record<string, unknown> = {}) {
  seq++;
  return {
    organisationId: sys.seed.orgs['sfx'],
    title: `关于开展第${seq}批次安全生产检查的通知`,
    bodyHtml: `<p>各乡镇人民政府、县直各部门：现将第${seq}批次检查安排通知如下。</p>`,
    summary: `第${seq}批次安全生产检查安排`,
    category: '安全生产',
    kind: 'notice',
    targetAccountIds: accounts,
    ...over,
  };
}

/** Writes, submits and approves an item; returns its id. */
export async function publishItem(
  sys: TestSystem,
  accounts: string[],
  over: Record<string, unknown> = {},
  users?: { editor: AxiosInstance; reviewer: AxiosInstance },
): Promise<string> {
  const editor = users?.editor ?? (await sys.login('editor'));
  const reviewer = users?.reviewer ?? (await sys.login('reviewer'));
  const created = await editor.post('/items', itemBody(sys, accounts, over));
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.data)}`);
  const id = created.data.id;
  const s = await editor.post(`/items/${id}/submit`);
  if (s.status !== 200) throw new Error(`submit failed: ${s.status} ${JSON.stringify(s.data)}`);
  const a = await reviewer.post(`/items/${id}/approve`, { secrecyConclusion: '经审查不涉密' });
  if (a.status !== 200) throw new Error(`approve failed: ${a.status} ${JSON.stringify(a.data)}`);
  return id;
}

export interface DeliveryRow {
  id: string;
  state: string;
  channel_type: string;
  channel_account_id: string;
  attempts: number;
  external_id: string | null;
  external_url: string | null;
  last_error_code: string | null;
  last_error_message: string | null;
  version_no: number;
  checkpoint: Record<string, unknown>;
}

export async function deliveriesOf(sys: TestSystem, itemId: string): Promise<DeliveryRow[]> {
  return sys.ds.query(`SELECT * FROM deliveries WHERE item_id = $1 ORDER BY version_no, channel_type, id`, [itemId]);
}

export async function deliveryFor(sys: TestSystem, itemId: string, accountId: string): Promise<DeliveryRow> {
  const r = await sys.ds.query(`SELECT * FROM deliveries WHERE item_id = $1 AND channel_account_id = $2 ORDER BY version_no DESC LIMIT 1`, [itemId, accountId]);
  return r[0];
}

/** Waits until the item's deliveries (latest version) all settled, or `pred` holds. */
export async function waitSettled(sys: TestSystem, itemId: string, timeoutMs = 30_000, pred?: (ds: DeliveryRow[]) => boolean): Promise<DeliveryRow[]> {
  return waitFor<DeliveryRow[] | null>(
    async () => {
      const ds = await deliveriesOf(sys, itemId);
      if (!ds.length) return null;
      const ok = pred ? pred(ds) : ds.every((d) => SETTLED.includes(d.state));
      return ok ? ds : null;
    },
    timeoutMs,
    `deliveries of ${itemId} settled`,
  ) as Promise<DeliveryRow[]>;
}

export async function eventsOf(
  sys: TestSystem,
  deliveryId: string,
): Promise<{ kind: string; from_state: string | null; to_state: string | null; error_code: string | null; message: string | null; call: string | null }[]> {
  return sys.ds.query(`SELECT * FROM delivery_events WHERE delivery_id = $1 ORDER BY id`, [deliveryId]);
}

export async function ledgerOf(
  sys: TestSystem,
  itemId: string,
): Promise<{ delivery_id: string; channel_type: string; external_url: string | null; manual: boolean }[]> {
  return sys.ds.query(`SELECT * FROM publication_records WHERE item_id = $1 ORDER BY id`, [itemId]);
}
