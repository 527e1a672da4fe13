import * as path from 'path';
import { Worker } from 'worker_threads';
import type { AttachmentText, ExtractionRequest } from './attachment-text.types';
import { DEFAULT_EXTRACTION_LIMITS, ExtractionLimits } from './extraction-limits';

/**
 * A small pool of extraction threads (default one: the API shares its cores with the worker and the
 * database). Parsing never runs on the caller's event loop; each thread has its own heap limit; a file
 * that overruns its deadline, exhausts the heap or kills the thread is answered `over-limit`, and the
 * thread is terminated and replaced on the next file.
 *
 * The thread script is extraction-thread.ts beside this file: from source (jest, `node -r
 * @swc-node/register`) it is loaded through @swc-node/register, from the build as the compiled .js.
 */
const BOOTSTRAP = `
const { workerData } = require('worker_threads');
if (workerData.register && !require.extensions['.ts']) require(workerData.register);
require(workerData.entry);
`;

interface Job {
  id: number;
  req: ExtractionRequest;
  timeoutMs: number;
  resolve: (r: AttachmentText) => void;
}

interface Slot {
  worker: Worker | null;
  job: Job | null;
  timer?: NodeJS.Timeout;
}

export interface ExtractionPoolStats {
  /** Files sent to a thread. */
  started: number;
  /** Threads terminated after a deadline, out-of-memory or crash. */
  replaced: number;
  queued: number;
  /** Files being extracted by a thread right now. */
  inFlight: number;
  /** Files answered (parsed, refused, timed out or lost with their thread). */
  finished: number;
}

function refused(detail: string): AttachmentText {
  return { kind: 'unsupported', text: '', metadata: '', readable: false, problem: 'over-limit', detail };
}

export class ExtractionPool {
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private readonly counters = { started: 0, replaced: 0, finished: 0 };

  constructor(
    private readonly limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS,
    size = 1,
  ) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => ({ worker: null, job: null }));
  }

  stats(): ExtractionPoolStats {
    return { ...this.counters, queued: this.queue.length, inFlight: this.slots.filter((s) => s.job).length };
  }

  /** Extracts one file in a thread. `data` is copied, so the caller's buffer stays usable. */
  run(data: Buffer, opts: { fileName: string; mimeType: string; maxChars: number; timeoutMs?: number }): Promise<AttachmentText> {
    const copy = new Uint8Array(data.byteLength);
    copy.set(data);
    return new Promise((resolve) => {
      this.queue.push({
        id: this.nextId++,
        req: { data: copy, fileName: opts.fileName, mimeType: opts.mimeType, maxChars: opts.maxChars },
        timeoutMs: opts.timeoutMs ?? this.limits.timeoutMs,
        resolve,
      });
      this.pump();
    });
  }

  /** Terminates the threads (idle ones are unref'd and do not keep a process alive anyway). */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => this.retire(s)));
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job || !this.queue.length) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      const worker = slot.worker ?? this.spawn(slot);
      worker.ref();
      this.counters.started++;
      slot.timer = setTimeout(() => {
        this.finish(slot, job.id, refused(`extraction took longer than ${job.timeoutMs} ms`));
        void this.retire(slot);
      }, job.timeoutMs);
      worker.postMessage({ id: job.id, req: job.req }, [job.req.data.buffer as ArrayBuffer]);
    }
  }

  private spawn(slot: Slot): Worker {
    const ext = path.extname(__filename);
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: {
        entry: path.join(__dirname, `extraction-thread${ext}`),
        register: ext === '.ts' ? require.resolve('@swc-node/register') : null,
        limits: this.limits,
      },
      resourceLimits: { maxOldGenerationSizeMb: this.limits.maxOldGenerationSizeMb },
      stdout: false,
      stderr: false,
    });
    worker.on('message', (m: { id: number; result: AttachmentText }) => this.finish(slot, m.id, m.result));
    const lost = (why: string) => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      this.counters.replaced++;
      if (slot.job) this.finish(slot, slot.job.id, refused(why));
    };
    worker.on('error', (e: Error & { code?: string }) =>
      lost(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'extraction ran out of memory' : `extraction thread failed: ${e.message}`),
    );
    worker.on('exit', (code) => lost(`extraction thread exited with code ${code}`));
    slot.worker = worker;
    return worker;
  }

  private finish(slot: Slot, id: number, result: AttachmentText): void {
    const job = slot.job;
    if (!job || job.id !== id) return;
    clearTimeout(slot.timer);
    slot.job = null;
    this.counters.finished++;
    slot.worker?.unref();
    job.resolve(result);
    setImmediate(() => this.pump());
  }

  private async retire(slot: Slot): Promise<void> {
    const w = slot.worker;
    if (!w) return;
    slot.worker = null;
    this.counters.replaced++;
    await w.terminate().catch(() => undefined);
  }
}

let shared: ExtractionPool | null = null;

/** The process-wide pool used by attachment-text.ts. */
export function extractionPool(): ExtractionPool {
  shared ??= new ExtractionPool();
  return shared;
}
