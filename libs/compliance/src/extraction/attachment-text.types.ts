export type AttachmentKind = 'pdf' | 'docx' | 'xlsx' | 'text' | 'html' | 'image' | 'unsupported';

export type AttachmentProblem = 'unsupported-format' | 'encrypted' | 'damaged' | 'no-text-layer' | 'too-large' | 'over-limit';

export interface AttachmentText {
  kind: AttachmentKind;
  /** Main text content. */
  text: string;
  /** Document properties and metadata (title, subject, keywords, author, EXIF/XMP text…), one per line. */
  metadata: string;
  /** False when the content could not be read (encrypted, damaged, scanned without a text layer, unknown format, over a limit). */
  readable: boolean;
  /**
   * `over-limit`: refused by the extraction bounds (entries, inflated size, ratio, time, memory) — a
   * possible decompression bomb; `too-large`: read, but the text was cut at maxChars.
   */
  problem?: AttachmentProblem;
  /** Technical detail (English) for logs. */
  detail?: string;
}

/** One file for the extraction thread. */
export interface ExtractionRequest {
  data: Uint8Array;
  fileName: string;
  mimeType: string;
  maxChars: number;
}
