import { FoldBeforeRead, foldPending } from './rollup-fold';

/** A Db whose every query waits until the test answers it with the number of rows folded. */
function fakeDb() {
  const calls: { params: unknown[]; answer: (n: number) => void }[] = [];
  const db = {
    query: (_sql: string, params: unknown[]) => new Promise<{ n: number }[]>((resolve) => calls.push({ params, answer: (n) => resolve([{ n }]) })),
  };
  return { db, calls };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('foldPending', () => {
  it('folds batch after batch until a batch comes back short', async () => {
    const { db, calls } = fakeDb();
    const done = foldPending(db, true, 10);
    await flush();
    calls[0].answer(10);
    await flush();
    calls[1].answer(10);
    await flush();
    calls[2].answer(4);
    expect(await done).toBe(24);
    expect(calls.map((c) => c.params)).toEqual([
      [10, true],
      [10, true],
      [10, true],
    ]);
  });

  it('stops when another process holds the fold (-1) without counting it', async () => {
    const { db, calls } = fakeDb();
    const done = foldPending(db, false, 10);
    await flush();
    calls[0].answer(10);
    await flush();
    calls[1].answer(-1);
    expect(await done).toBe(10);
  });
});

describe('FoldBeforeRead', () => {
  it('never lets a reader join a fold that began before it; readers arriving meanwhile share the next one', async () => {
    const { db, calls } = fakeDb();
    const fold = new FoldBeforeRead(db);
    let firstDone = false;
    let laterDone = 0;
    const first = fold.settle().then(() => (firstDone = true));
    await flush();
    expect(calls).toHaveLength(1);
    const later = [fold.settle(), fold.settle()].map((p) => p.then(() => laterDone++));
    await flush();
    expect(calls).toHaveLength(1); // they wait for the running fold to end...
    calls[0].answer(0);
    await first;
    await flush();
    expect(firstDone).toBe(true);
    expect(laterDone).toBe(0); // ...and then for a fold of their own
    expect(calls).toHaveLength(2);
    calls[1].answer(0);
    await Promise.all(later);
    expect(laterDone).toBe(2);
    expect(calls).toHaveLength(2);
  });

  it('a failed fold fails its readers, and the next reader starts a new one', async () => {
    const db = {
      query: jest
        .fn()
        .mockRejectedValueOnce(new Error('connection lost'))
        .mockResolvedValue([{ n: 0 }]),
    };
    const fold = new FoldBeforeRead(db);
    await expect(fold.settle()).rejects.toThrow('connection lost');
    await expect(fold.settle()).resolves.toBeUndefined();
    expect(db.query).toHaveBeenCalledTimes(2);
  });
});
