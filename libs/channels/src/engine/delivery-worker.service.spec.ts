import { workerConfigFor } from './delivery-worker.service';

describe('workerConfigFor', () => {
  it('derives queue concurrency from the per-account concurrency, within bounds', () => {
    expect(workerConfigFor({ concurrencyPerAccount: 1 }).concurrency).toBe(8);
    expect(workerConfigFor({ concurrencyPerAccount: 4 }).concurrency).toBe(32);
    expect(workerConfigFor({ concurrencyPerAccount: 100 }).concurrency).toBe(64);
    expect(workerConfigFor({ concurrencyPerAccount: 4 }, 5).concurrency).toBe(5);
  });

  it('never relies on BullMQ defaults for locks and stalls', () => {
    const c = workerConfigFor({ concurrencyPerAccount: 2 });
    expect(c).toEqual({ concurrency: 16, lockDuration: 8_000, maxStalledCount: 3, stalledInterval: 3_000 });
    expect(c.stalledInterval).toBeLessThan(c.lockDuration);
  });
});
