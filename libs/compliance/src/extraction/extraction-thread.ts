import { parentPort, workerData } from 'worker_threads';
import type { ExtractionRequest } from './attachment-text.types';
import type { ExtractionLimits } from './extraction-limits';
import { extractInThread } from './extract-core';

/**
 * Entry of the extraction thread (started by extraction-pool.ts). One file at a time: the pool sends
 * the next only after the answer, and terminates the thread when a file overruns its deadline.
 */
const limits = (workerData as { limits: ExtractionLimits }).limits;

parentPort!.on('message', (m: { id: number; req: ExtractionRequest }) => {
  extractInThread(m.req, limits).then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    (e: Error) =>
      parentPort!.postMessage({
        id: m.id,
        result: { kind: 'unsupported', text: '', metadata: '', readable: false, problem: 'damaged', detail: e?.message ?? String(e) },
      }),
  );
});
