import { createHash } from 'crypto';
import { createReadStream, promises as fs } from 'fs';
import * as path from 'path';
import { extractAttachmentText } from '@app/compliance/attachment-text';
import type { AttachmentText } from '@app/compliance/extraction/attachment-text.types';

export interface AttachmentCacheStats {
  /** Files whose text was extracted (sent to the extraction thread or read for image metadata). */
  extracted: number;
  /** Answers served from the cache (same content seen before, under any name or URL). */
  cacheHits: number;
}

/**
 * Extraction outcomes of hosted files by content digest (SHA-256 of the bytes, plus what decides how
 * they are parsed: extension and MIME type), so a later save of the same item — or the same bytes
 * uploaded again under another random name — never pays for extraction again, refusals included.
 * Bounded by entries and by total characters kept; concurrent requests for one digest share one run.
 */
export class AttachmentTextCache {
  private readonly outcomes = new Map<string, AttachmentText>();
  private readonly running = new Map<string, Promise<AttachmentText>>();
  /** path|size|mtime → digest key: uploads are never rewritten in place, so a known file is not hashed again. */
  private readonly digests = new Map<string, string>();
  private chars = 0;
  private readonly counters: AttachmentCacheStats = { extracted: 0, cacheHits: 0 };

  constructor(private readonly opts: { maxEntries: number; maxChars: number; timeoutMs?: number } = { maxEntries: 512, maxChars: 20_000_000 }) {}

  stats(): AttachmentCacheStats {
    return { ...this.counters };
  }

  /** The extraction outcome of the file at `full`; null when it is missing. */
  async get(full: string, name: string, mime: string | undefined): Promise<AttachmentText | null> {
    let stat;
    try {
      stat = await fs.stat(full);
    } catch {
      return null;
    }
    if (!stat.isFile()) return null;
    const kind = `${path.extname(name).toLowerCase()}|${(mime ?? '').toLowerCase()}`;
    const fileKey = `${full}|${stat.size}|${stat.mtimeMs}|${kind}`;
    let key = this.digests.get(fileKey);
    let bytes: Buffer | null = null;
    if (!key) {
      const read = await readHashed(full);
      if (!read) return null;
      bytes = read.bytes;
      key = `${read.digest}|${kind}`;
      if (this.digests.size >= 4_096) this.digests.delete(this.digests.keys().next().value!);
      this.digests.set(fileKey, key);
    }
    const hit = this.outcomes.get(key);
    if (hit) {
      this.counters.cacheHits++;
      this.outcomes.delete(key); // most recently used last
      this.outcomes.set(key, hit);
      return hit;
    }
    const pending = this.running.get(key);
    if (pending) {
      this.counters.cacheHits++;
      return pending;
    }
    const run = (async () => {
      const buf = bytes ?? (await fs.readFile(full));
      this.counters.extracted++;
      return extractAttachmentText(buf, { fileName: name, mimeType: mime, timeoutMs: this.opts.timeoutMs });
    })();
    this.running.set(key, run);
    try {
      const outcome = await run;
      this.remember(key, outcome);
      return outcome;
    } finally {
      this.running.delete(key);
    }
  }

  private remember(key: string, outcome: AttachmentText): void {
    const size = outcome.text.length + outcome.metadata.length;
    if (size > this.opts.maxChars) return;
    this.outcomes.set(key, outcome);
    this.chars += size;
    while (this.outcomes.size > this.opts.maxEntries || this.chars > this.opts.maxChars) {
      const [oldest, v] = this.outcomes.entries().next().value!;
      this.outcomes.delete(oldest);
      this.chars -= v.text.length + v.metadata.length;
    }
  }
}

/** Reads a file in chunks, hashing as it goes (no long synchronous hash of a 50 MB buffer on the event loop). */
function readHashed(full: string): Promise<{ bytes: Buffer; digest: string } | null> {
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    createReadStream(full)
      .on('data', (c) => {
        const b = c as Buffer;
        hash.update(b);
        chunks.push(b);
      })
      .on('error', () => resolve(null))
      .on('end', () => resolve({ bytes: Buffer.concat(chunks), digest: hash.digest('hex') }));
  });
}
