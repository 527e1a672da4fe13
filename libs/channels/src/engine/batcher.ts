/**
 * Group commit for the delivery engine's hot statements: calls made while a statement of the same
 * kind is running are collected and sent as one statement when it returns (and at most `maxInFlight`
 * run at once). A lone call waits only for the next turn of the event loop; under load, one round trip
 * and one commit serve dozens of deliveries.
 *
 * `lingerMs` (default 0) lets a batch smaller than `fullAt` wait that long for company before it is
 * sent: for statements whose fixed cost (planning, statement triggers, the commit) dwarfs their cost
 * per row, a few milliseconds of latency buy several times fewer statements under a steady trickle.
 */
export class Batcher<I, O> {
  private queue: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  private lingering: NodeJS.Timeout | null = null;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly maxBatch = 100,
    private readonly maxInFlight = 2,
    private readonly linger: { lingerMs: number; fullAt: number } = { lingerMs: 0, fullAt: 1 },
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.kick();
    });
  }

  private kick() {
    if (this.scheduled || this.inFlight >= this.maxInFlight || !this.queue.length) return;
    if (this.queue.length < this.linger.fullAt && this.linger.lingerMs > 0) {
      // small batch: wait a little for more, unless the wait is already running
      if (!this.lingering) {
        this.lingering = setTimeout(() => {
          this.lingering = null;
          this.schedule();
        }, this.linger.lingerMs);
      }
      return;
    }
    this.schedule();
  }

  private schedule() {
    if (this.scheduled || this.inFlight >= this.maxInFlight || !this.queue.length) return;
    if (this.lingering) {
      clearTimeout(this.lingering);
      this.lingering = null;
    }
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush() {
    if (this.inFlight >= this.maxInFlight || !this.queue.length) return;
    this.inFlight++;
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      const out = await this.run(batch.map((b) => b.input));
      batch.forEach((b, i) => b.resolve(out[i]));
    } catch (e) {
      batch.forEach((b) => b.reject(e));
    } finally {
      this.inFlight--;
      this.kick();
    }
  }
}
