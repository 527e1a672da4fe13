import type { AxiosInstance } from 'axios';
import { ItemSubmittedAt1732009700000 } from '@app/domain/migrations/1732009700000-item-submitted-at';
import { startTestSystem, TestSystem } from '@app/test/utils/test-system';

/**
 * Issue 17: the review queue's order is items.submitted_at (migration 1732009700000), set by the
 * submission in its transaction at the time of its 'submit' contribution. Over HTTP on a real api and
 * Postgres: a submission sets it; a rejected item submitted again goes to the end of the queue; an item
 * written with submitted_at and no submission record sorts by the column; items without a submission
 * time come last (as NULLS LAST did); walking the queue by cursor, two rows a page, sees every waiting
 * item exactly once in that order; the migration's backfill takes each item's last submission.
 */
describe('review queue: ordered by items.submitted_at', () => {
  let sys: TestSystem;
  let editor: AxiosInstance;
  let reviewer: AxiosInstance;
  let dept = '';
  let portal = '';
  const order: string[] = []; // the expected queue, oldest submission first

  beforeAll(async () => {
    sys = await startTestSystem('review-queue-order', { worker: false });
    editor = await sys.login('editor');
    reviewer = await sys.login('reviewer');
    dept = sys.seed.orgs['sfx-fgj'];
    portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
  }, 240_000);
  afterAll(() => sys?.close());

  const create = async (title: string) => {
    const r = await editor.post('/items', {
      organisationId: dept,
      title,
      bodyHtml: '<p>各乡镇、各部门：请按要求做好相关工作。</p>',
      kind: 'notice',
      targetAccountIds: [portal],
    });
    expect(r.status).toBe(201);
    return r.data.id as string;
  };
  const submit = async (id: string) => {
    const r = await editor.post(`/items/${id}/submit`);
    expect({ id, status: r.status }).toEqual({ id, status: 200 });
    return r.data as { submittedAt: string };
  };
  /** The item's submitted_at next to its last 'submit' contribution, both as microseconds. */
  const stamps = async (id: string) =>
    (
      await sys.ds.query(
        `SELECT CAST(extract(epoch FROM i.submitted_at) * 1000000 AS bigint)::text AS col,
                (SELECT CAST(extract(epoch FROM max(c.at)) * 1000000 AS bigint)::text FROM item_contributions c WHERE c.item_id = i.id AND c.action = 'submit') AS contribution
           FROM items i WHERE i.id = $1`,
        [id],
      )
    )[0] as { col: string | null; contribution: string | null };

  /** How far (ms) a JSON timestamp is from microseconds since the epoch (JSON carries milliseconds). */
  const msFrom = (json: string, us: string) => Math.abs(new Date(json).getTime() - Number(us) / 1000);

  async function walk(pageSize: number) {
    const ids: string[] = [];
    const rows: { id: string; submittedAt: string | null; submittedBy: string | null }[] = [];
    let cursor: string | undefined;
    for (let page = 1; page < 100; page++) {
      const r = await reviewer.get('/review/queue', { params: { pageSize, cursor } });
      expect({ page, status: r.status, body: r.status === 200 ? 'ok' : r.data }).toEqual({ page, status: 200, body: 'ok' });
      expect(r.data.items.length).toBeLessThanOrEqual(pageSize);
      ids.push(...r.data.items.map((i: { id: string }) => i.id));
      rows.push(...r.data.items);
      if (!r.data.nextCursor) return { ids, rows, pages: page };
      cursor = r.data.nextCursor;
    }
    throw new Error('the walk did not end');
  }

  it('a submission sets submitted_at to the time of its submit contribution, and the api shows it', async () => {
    for (const t of ['一', '二', '三', '四', '五', '六']) {
      const id = await create(`关于队列顺序测试第${t}项的通知`);
      const before = await stamps(id);
      expect(before).toEqual({ col: null, contribution: null });
      const submitted = await submit(id);
      const after = await stamps(id);
      expect(after.col).not.toBeNull();
      expect(after.col).toBe(after.contribution);
      expect(msFrom(submitted.submittedAt, after.col!)).toBeLessThanOrEqual(1);
      expect(msFrom((await editor.get(`/items/${id}`)).data.submittedAt, after.col!)).toBeLessThanOrEqual(1);
      order.push(id);
    }
    const cols = await Promise.all(order.map(async (id) => BigInt((await stamps(id)).col!)));
    for (let i = 1; i < cols.length; i++) expect(cols[i] > cols[i - 1]).toBe(true);
  });

  it('a rejected item submitted again goes to the end of the queue at its new submission', async () => {
    const second = order[1];
    const first = await stamps(second);
    const rejected = await reviewer.post(`/items/${second}/reject`, { reason: '请补充依据' });
    expect(rejected.status).toBe(200);
    // rejection does not move the submission time; the item just leaves the queue
    expect((await stamps(second)).col).toBe(first.col);
    expect((await walk(100)).ids).not.toContain(second);
    expect((await editor.patch(`/items/${second}`, { summary: '补充了依据' })).status).toBe(200);
    await submit(second);
    const again = await stamps(second);
    expect(BigInt(again.col!) > BigInt(first.col!)).toBe(true);
    expect(again.col).toBe(again.contribution);
    order.splice(1, 1);
    order.push(second);
    expect((await walk(100)).ids).toEqual(order);
  });

  it('orders by the column: a row written with submitted_at only takes its place, rows without one come last', async () => {
    const [a, b] = await Promise.all(order.slice(0, 2).map(stamps));
    const [editorId, reviewerId] = [sys.seed.users['editor'], sys.seed.users['reviewer']];
    // written straight into the table (an import, say): submitted between the first two, no submission record
    const [{ id: between }] = await sys.ds.query(
      `INSERT INTO items (organisation_id, author_id, status, title, index_no, issuing_body, submitted_at)
       VALUES ($1, $2, 'submitted', '直接写入的待审信息', 'RQ/between', '测试', timestamptz 'epoch' + (($3::bigint + $4::bigint) / 2) * interval '1 microsecond')
       RETURNING id`,
      [dept, editorId, a.col, b.col],
    );
    // and three without a submission time at all
    const undated: string[] = [];
    for (const n of [1, 2, 3]) {
      const [{ id }] = await sys.ds.query(
        `INSERT INTO items (organisation_id, author_id, status, title, index_no, issuing_body) VALUES ($1, $2, 'submitted', $3, $4, '测试') RETURNING id`,
        [dept, editorId, `没有提交时间的待审信息${n}`, `RQ/undated/${n}`],
      );
      undated.push(id);
    }
    undated.sort();
    // the reviewer's own item never waits for them
    await sys.ds.query(
      `INSERT INTO items (organisation_id, author_id, status, title, index_no, issuing_body, submitted_at) VALUES ($1, $2, 'submitted', '审核人自己的信息', 'RQ/own', '测试', now())`,
      [dept, reviewerId],
    );
    order.splice(1, 0, between);
    order.push(...undated);

    const one = await reviewer.get('/review/queue', { params: { pageSize: 500 } });
    expect(one.data).toMatchObject({ total: order.length, totalCapped: false, nextCursor: null });
    expect(one.data.items.map((i: { id: string }) => i.id)).toEqual(order);
    const row = (id: string) => one.data.items.find((i: { id: string }) => i.id === id);
    expect(row(order[0])).toMatchObject({ submittedBy: '示范县信息员', submittedAt: expect.any(String) });
    expect(msFrom(row(order[0]).submittedAt, a.col!)).toBeLessThanOrEqual(1);
    expect(row(between)).toMatchObject({ submittedBy: null, submittedAt: expect.any(String) });
    expect(row(undated[0])).toMatchObject({ submittedBy: null, submittedAt: null });
  });

  it('walking by cursor, two rows a page, sees every waiting item once in submission order (through the undated tail)', async () => {
    const walked = await walk(2);
    expect(walked.pages).toBe(Math.ceil(order.length / 2));
    expect(new Set(walked.ids).size).toBe(walked.ids.length);
    expect(walked.ids).toEqual(order);
    // pages of three end inside the undated tail and in the dated part
    expect((await walk(3)).ids).toEqual(order);
    // an item submitted while the walk is under way comes at the end, after the dated part, before the undated tail
    const first = await reviewer.get('/review/queue', { params: { pageSize: 2 } });
    const late = await create('关于队列翻页期间提交的通知');
    await submit(late);
    const rest: string[] = [...first.data.items.map((i: { id: string }) => i.id)];
    let cursor: string | null = first.data.nextCursor;
    while (cursor) {
      const r = await reviewer.get('/review/queue', { params: { pageSize: 2, cursor } });
      expect(r.status).toBe(200);
      rest.push(...r.data.items.map((i: { id: string }) => i.id));
      cursor = r.data.nextCursor;
    }
    const dated = order.length - 3;
    order.splice(dated, 0, late);
    expect(rest).toEqual(order);
  });

  it("the migration's backfill takes each item's last submit contribution; items never submitted stay NULL", async () => {
    const before: { id: string; col: string | null }[] = await sys.ds.query(
      `SELECT id, CAST(extract(epoch FROM submitted_at) * 1000000 AS bigint)::text AS col FROM items ORDER BY id`,
    );
    const qr = sys.ds.createQueryRunner();
    try {
      const m = new ItemSubmittedAt1732009700000();
      await m.down(qr);
      await m.up(qr);
    } finally {
      await qr.release();
    }
    const after: { id: string; col: string | null }[] = await sys.ds.query(
      `SELECT id, CAST(extract(epoch FROM submitted_at) * 1000000 AS bigint)::text AS col FROM items ORDER BY id`,
    );
    // every item the api submitted keeps its time (the rows written straight into the table have no submission record)
    const direct = new Set((await sys.ds.query(`SELECT id FROM items WHERE index_no LIKE 'RQ/%'`)).map((r: { id: string }) => r.id as string));
    expect(after.filter((r) => !direct.has(r.id))).toEqual(before.filter((r) => !direct.has(r.id)));
    expect(after.filter((r) => direct.has(r.id)).map((r) => r.col)).toEqual([null, null, null, null, null]);
    expect(after.filter((r) => r.col !== null).length).toBe(order.length - 4);
    const idx = await sys.ds.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'items_review_queue_idx'`);
    expect(idx[0].indexdef).toContain(`(submitted_at, id) WHERE (status = 'submitted'::text)`);
  });
});
