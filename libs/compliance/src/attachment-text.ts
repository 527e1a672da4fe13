import * as path from 'path';
import { CheckField, Finding, RULES } from './finding';
import { imageMetadataText } from './image-metadata';
import type { AttachmentText } from './extraction/attachment-text.types';
import { extractionPool } from './extraction/extraction-pool';

export type { AttachmentKind, AttachmentProblem, AttachmentText } from './extraction/attachment-text.types';

/**
 * Text of attachments, so the same checks (secrecy marks above all) run on what is attached, not only
 * on the body: PDF, DOCX (with headers, footers, notes, comments), XLSX cells (名单 with ID numbers),
 * plain text/HTML, and image metadata. What cannot be read is reported, not skipped: an unreadable
 * attachment needs a human 保密审查.
 *
 * Documents are parsed in the extraction thread (extraction/extraction-pool.ts), within the bounds of
 * extraction/extraction-limits.ts (entries, inflated sizes, ratio, time, heap): a decompression bomb
 * becomes an `over-limit` answer, never a stalled process. Images stay here: sharp reads only their
 * header off the event loop (libvips threads), and the metadata text it returns is capped.
 */
export interface ExtractOptions {
  fileName?: string;
  mimeType?: string;
  /** Longest text kept, default 5,000,000 characters. */
  maxChars?: number;
  /** Time allowed for one document in the extraction thread (default: the pool's, 20,000 ms). */
  timeoutMs?: number;
  /** @deprecated older name of timeoutMs (it now bounds every document type, not only PDF). */
  pdfTimeoutMs?: number;
}

const DEFAULT_MAX_CHARS = 5_000_000;
const IMAGE_EXTS = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.heic', '.avif'];

export async function extractAttachmentText(buf: Buffer, opts: ExtractOptions = {}): Promise<AttachmentText> {
  const fileName = opts.fileName ?? '';
  const ext = path.extname(fileName).toLowerCase();
  const mime = (opts.mimeType ?? '').toLowerCase();
  const isDocument = buf.subarray(0, 5).toString('latin1') === '%PDF-' || (buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50);
  if (!isDocument && (/^image\//.test(mime) || IMAGE_EXTS.includes(ext))) {
    // Pixels are not read (no OCR): the metadata is what can carry a mark.
    return { kind: 'image', text: '', metadata: await imageMetadataText(buf), readable: true };
  }
  return extractionPool().run(buf, { fileName, mimeType: mime, maxChars: opts.maxChars ?? DEFAULT_MAX_CHARS, timeoutMs: opts.timeoutMs ?? opts.pdfTimeoutMs });
}

const PROBLEM_TEXT: Record<NonNullable<AttachmentText['problem']>, string> = {
  'unsupported-format': '格式不支持自动检查（如 .doc、.wps、压缩包）',
  encrypted: '文件已加密',
  damaged: '文件已损坏或无法解析',
  'no-text-layer': '为扫描件或图片型文档，无可提取的文字',
  'too-large': '文字过多，仅检查了前一部分',
  'over-limit': '',
};

/** The reviewer's message for an attachment that could not (fully) be checked. */
export function unreadableMessage(fileName: string, problem: NonNullable<AttachmentText['problem']>): string {
  if (problem === 'over-limit') {
    return `附件过大或已损坏，需人工审查：「${fileName}」解压后的内容超出自动检查的限制（条目数、解压大小、压缩比或解析时间），系统未检查其内容，须由审核人人工进行保密审查。`;
  }
  return `附件「${fileName}」${PROBLEM_TEXT[problem]}，系统未能完成自动检查，须由审核人人工进行保密审查。`;
}

/** The fields and review finding of one extracted attachment (see attachmentCheckFields). */
export function attachmentFieldsOf(prefix: string, fileName: string, extracted: AttachmentText): { fields: CheckField[]; unreadable: Finding | null } {
  const fields: CheckField[] = [{ field: `${prefix}#name`, text: fileName }];
  if (extracted.text) fields.push({ field: `${prefix}#text`, text: extracted.text });
  if (extracted.metadata) fields.push({ field: `${prefix}#meta`, text: extracted.metadata });
  const unreadable: Finding | null =
    extracted.problem && (!extracted.readable || extracted.problem === 'too-large')
      ? {
          rule: RULES.attachmentUnreadable,
          severity: 'review',
          field: `${prefix}#text`,
          start: 0,
          end: 0,
          excerpt: fileName,
          message: unreadableMessage(fileName, extracted.problem),
        }
      : null;
  return { fields, unreadable };
}

/**
 * Fields to pass to ComplianceChecker.check for one attachment — its file name, its text and its
 * metadata — plus a review finding when the content could not (fully) be read.
 * Field names: `${prefix}#name`, `${prefix}#text`, `${prefix}#meta`.
 */
export async function attachmentCheckFields(
  prefix: string,
  fileName: string,
  buf: Buffer,
  opts: Omit<ExtractOptions, 'fileName'> = {},
): Promise<{ fields: CheckField[]; extracted: AttachmentText; unreadable: Finding | null }> {
  const extracted = await extractAttachmentText(buf, { ...opts, fileName });
  return { ...attachmentFieldsOf(prefix, fileName, extracted), extracted };
}
