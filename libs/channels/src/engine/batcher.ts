/**
 * Group commit for the delivery engine's hot statements: calls made while a statement of the same
 * kind is running are collected and sent as one statement when it returns (and at most `maxInFlight`
 * run at once). A lone call waits only for the next turn of the event loop; under load, one round trip
 * and one commit serve dozens of deliveries.
 */
export class Batcher<I, O> {
  private queue: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly maxBatch = 100,
    private readonly maxInFlight = 2,
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.kick();
    });
  }

  private kick() {
    if (this.scheduled || this.inFlight >= this.maxInFlight || !this.queue.length) return;
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
