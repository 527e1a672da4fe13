import * as zlib from 'zlib';
import type { ExtractionLimits } from './extraction-limits';

/** Extraction stopped on purpose: the file is over a limit (or could not be read); the reviewer checks it by hand. */
export class ExtractionRefused extends Error {
  constructor(
    message: string,
    public readonly problem: 'over-limit' | 'encrypted' | 'damaged' = 'over-limit',
  ) {
    super(message);
    this.name = 'ExtractionRefused';
  }
}

export interface ZipTextParts {
  /** Every entry name in the archive. */
  names: string[];
  /** Inflated XML parts (names ending .xml or .rels), each within the limits. */
  parts: Map<string, Buffer>;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function findEndOfCentralDirectory(buf: Buffer): number {
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) if (buf.readUInt32LE(i) === EOCD) return i;
  throw new ExtractionRefused('no end of central directory', 'damaged');
}

const isTextPart = (name: string) => /\.(xml|rels)$/i.test(name);

/**
 * Reads the central directory of a ZIP archive (no library: nothing is inflated before the limits are
 * checked) and inflates only the XML parts, each with an output cap — the smallest of the per-entry
 * cap, what is left of the total, and the ratio allowed for its compressed size — so inflation stops
 * at the cap whatever the headers declare.
 */
export function readZipTextParts(buf: Buffer, limits: ExtractionLimits): ZipTextParts {
  if (buf.length < 22) throw new ExtractionRefused('too short for a zip archive', 'damaged');
  const eocd = findEndOfCentralDirectory(buf);
  const declaredEntries = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (declaredEntries > limits.maxEntries) throw new ExtractionRefused(`${declaredEntries} entries (limit ${limits.maxEntries})`);
  if (declaredEntries === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new ExtractionRefused('zip64 archive');
  if (cdOffset + cdSize > eocd) throw new ExtractionRefused('central directory outside the file', 'damaged');

  interface Entry {
    name: string;
    method: number;
    compressedSize: number;
    size: number;
    localOffset: number;
  }
  const entries: Entry[] = [];
  let p = cdOffset;
  const end = cdOffset + cdSize;
  while (p + 46 <= end && buf.readUInt32LE(p) === CENTRAL) {
    if (entries.length >= limits.maxEntries) throw new ExtractionRefused(`more than ${limits.maxEntries} entries`);
    const flags = buf.readUInt16LE(p + 8);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const name = buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    if (flags & 0x1) throw new ExtractionRefused(`encrypted entry ${name}`, 'encrypted');
    entries.push({
      name,
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (entries.length !== declaredEntries) throw new ExtractionRefused(`central directory lists ${entries.length} of ${declaredEntries} entries`, 'damaged');

  const text = entries.filter((e) => isTextPart(e.name));
  // What the headers declare, before any work: refuses the common bomb at once.
  let declaredTotal = 0;
  for (const e of text) {
    if (e.size > limits.maxEntryBytes) throw new ExtractionRefused(`${e.name} declares ${e.size} bytes (limit ${limits.maxEntryBytes})`);
    if (e.size > limits.ratioFloorBytes && e.size > e.compressedSize * limits.maxRatio) {
      throw new ExtractionRefused(`${e.name} declares a compression ratio over ${limits.maxRatio}`);
    }
    declaredTotal += e.size;
  }
  if (declaredTotal > limits.maxTotalBytes) throw new ExtractionRefused(`XML parts declare ${declaredTotal} bytes (limit ${limits.maxTotalBytes})`);

  // What the data really inflates to, capped.
  const parts = new Map<string, Buffer>();
  let total = 0;
  for (const e of text) {
    if (e.localOffset + 30 > buf.length || buf.readUInt32LE(e.localOffset) !== LOCAL) throw new ExtractionRefused(`bad local header for ${e.name}`, 'damaged');
    const start = e.localOffset + 30 + buf.readUInt16LE(e.localOffset + 26) + buf.readUInt16LE(e.localOffset + 28);
    if (start + e.compressedSize > buf.length) throw new ExtractionRefused(`${e.name} runs past the end of the file`, 'damaged');
    const data = buf.subarray(start, start + e.compressedSize);
    const cap = Math.min(limits.maxEntryBytes, limits.maxTotalBytes - total, Math.max(limits.ratioFloorBytes, e.compressedSize * limits.maxRatio));
    if (cap < 1) throw new ExtractionRefused(`XML parts exceed ${limits.maxTotalBytes} bytes`);
    let out: Buffer;
    if (e.method === 0) {
      if (data.length > cap) throw new ExtractionRefused(`${e.name} exceeds ${cap} bytes`);
      out = data;
    } else if (e.method === 8) {
      try {
        out = zlib.inflateRawSync(data, { maxOutputLength: cap });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new ExtractionRefused(`${e.name} inflates beyond ${cap} bytes`);
        throw new ExtractionRefused(`${e.name}: ${(err as Error).message}`, 'damaged');
      }
    } else {
      throw new ExtractionRefused(`${e.name} uses compression method ${e.method}`, 'damaged');
    }
    total += out.length;
    parts.set(e.name, out);
  }
  return { names: entries.map((e) => e.name), parts };
}
