/**
 * Bounds of attachment text extraction. A ZIP container (DOCX, XLSX) is refused before anything is
 * parsed when it has too many entries or its XML parts would inflate beyond these sizes or ratios;
 * inflation itself stops at the byte cap, so a central directory that lies about sizes gains nothing.
 * Everything runs in a worker thread with its own heap limit and a deadline.
 */
export interface ExtractionLimits {
  /** Entries in one archive (a large real DOCX has a few hundred: media, fonts, parts). */
  maxEntries: number;
  /** Inflated size of one XML part read for text. */
  maxEntryBytes: number;
  /** Inflated size of all XML parts read for text, together. */
  maxTotalBytes: number;
  /** Inflated ÷ compressed size of one part larger than `ratioFloorBytes` (real XML: 5–50; bombs: ~1000). */
  maxRatio: number;
  ratioFloorBytes: number;
  /** Time one file may take in the extraction thread before the thread is terminated and replaced. */
  timeoutMs: number;
  /** Heap of the extraction thread. */
  maxOldGenerationSizeMb: number;
}

export const DEFAULT_EXTRACTION_LIMITS: ExtractionLimits = {
  maxEntries: 5_000,
  maxEntryBytes: 32 * 1024 * 1024,
  maxTotalBytes: 96 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 1024 * 1024,
  timeoutMs: 20_000,
  maxOldGenerationSizeMb: 768,
};
