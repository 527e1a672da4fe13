import { Batcher } from './batcher';

describe('Batcher', () => {
  it('sends calls made while a batch runs as the next batch, in order, each caller getting its own result', async () => {
    const batches: number[][] = [];
    const b = new Batcher<number, number>(
      async (xs) => {
        batches.push(xs);
        await new Promise((r) => setTimeout(r, 20));
        return xs.map((x) => x * 10);
      },
      100,
      1,
    );
    const first = b.submit(1);
    await new Promise((r) => setImmediate(r));
    const rest = [2, 3, 4, 5].map((x) => b.submit(x));
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('bounds batch size and fails only the batch whose statement failed', async () => {
    const b = new Batcher<number, number>(
      async (xs) => {
        if (xs.includes(3)) throw new Error('boom');
        return xs;
      },
      2,
      1,
    );
    const r = await Promise.allSettled([1, 2, 3, 4, 5].map((x) => b.submit(x)));
    expect(r.map((x) => x.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
  });

  it('with a linger, a small batch waits for company; a full one goes at once', async () => {
    const batches: number[][] = [];
    const b = new Batcher<number, number>(
      async (xs) => {
        batches.push(xs);
        return xs;
      },
      100,
      1,
      { lingerMs: 40, fullAt: 3 },
    );
    const first = b.submit(1);
    await new Promise((r) => setTimeout(r, 10));
    const second = b.submit(2);
    await Promise.all([first, second]);
    // the first waited for the linger, so both went together
    expect(batches).toEqual([[1, 2]]);
    const full = [3, 4, 5].map((x) => b.submit(x));
    await Promise.all(full);
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });
});
