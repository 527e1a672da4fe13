import JSZip from 'jszip';
import mammoth from 'mammoth';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { CheckField, Finding, RULES } from './finding';
import { imageMetadataText } from './image-metadata';
import { htmlToTextWithMap } from './text/html-text';

/**
 * Text of attachments, so the same checks (secrecy marks above all) run on what is attached, not only
 * on the body: PDF via pdf-parse (PDF.js), DOCX via mammoth plus the parts mammoth skips (headers,
 * footers, notes, comments — where "秘密★" and "内部资料" usually sit), XLSX cells (名单 with ID
 * numbers), plain text/HTML, and image metadata. What cannot be read is reported, not skipped:
 * an unreadable attachment needs a human 保密审查.
 */
export type AttachmentKind = 'pdf' | 'docx' | 'xlsx' | 'text' | 'html' | 'image' | 'unsupported';

export interface AttachmentText {
  kind: AttachmentKind;
  /** Main text content. */
  text: string;
  /** Document properties and metadata (title, subject, keywords, author, EXIF/XMP text…), one per line. */
  metadata: string;
  /** False when the content could not be read (encrypted, damaged, scanned without a text layer, unknown format). */
  readable: boolean;
  problem?: 'unsupported-format' | 'encrypted' | 'damaged' | 'no-text-layer' | 'too-large';
  /** Technical detail (English) for logs. */
  detail?: string;
}

export interface ExtractOptions {
  fileName?: string;
  mimeType?: string;
  /** Longest text kept, default 5,000,000 characters. */
  maxChars?: number;
  /** Time allowed for parsing one PDF, default 30,000 ms. */
  pdfTimeoutMs?: number;
}

const DEFAULT_MAX_CHARS = 5_000_000;

function decodeXml(s: string): string {
  return s.replace(/&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));/g, (_m, dec, hex, named) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[named];
  });
}

/** WordprocessingML text runs, paragraphs as lines. */
function wordXmlText(xml: string): string {
  return decodeXml(
    xml
      .replace(/<w:tab\/>/g, '\t')
      .replace(/<w:br\/>|<\/w:p>/g, '\n')
      .replace(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<[^>]+>/g, (_m, t) => t ?? ''),
  ).replace(/\n{3,}/g, '\n\n');
}

/** Text of simple XML elements by tag (core.xml properties, <t> of spreadsheets). */
function xmlElements(xml: string, tag: string): string[] {
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g');
  return [...xml.matchAll(re)].map((m) => decodeXml(m[1].replace(/<[^>]+>/g, '')));
}

async function zipText(zip: JSZip, name: string): Promise<string | null> {
  const f = zip.file(name);
  return f ? f.async('string') : null;
}

async function officeProperties(zip: JSZip): Promise<string[]> {
  const lines: string[] = [];
  const core = await zipText(zip, 'docProps/core.xml');
  if (core) {
    for (const tag of ['dc:title', 'dc:subject', 'cp:keywords', 'dc:description', 'cp:category', 'dc:creator', 'cp:lastModifiedBy']) {
      for (const v of xmlElements(core, tag)) if (v.trim()) lines.push(v.trim());
    }
  }
  const app = await zipText(zip, 'docProps/app.xml');
  if (app) for (const v of xmlElements(app, 'Company')) if (v.trim()) lines.push(v.trim());
  return lines;
}

async function docxText(buf: Buffer, zip: JSZip): Promise<{ text: string; metadata: string }> {
  const body = (await mammoth.extractRawText({ buffer: buf })).value;
  const extra: string[] = [];
  const parts = Object.keys(zip.files)
    .filter((n) => /^word\/(header\d*|footer\d*|footnotes|endnotes|comments)\.xml$/.test(n))
    .sort();
  for (const p of parts) {
    const t = wordXmlText((await zipText(zip, p)) ?? '').trim();
    if (t) extra.push(t);
  }
  return { text: [...extra, body].join('\n'), metadata: (await officeProperties(zip)).join('\n') };
}

async function xlsxText(zip: JSZip): Promise<{ text: string; metadata: string }> {
  const sharedXml = (await zipText(zip, 'xl/sharedStrings.xml')) ?? '';
  const shared = [...sharedXml.matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => xmlElements(m[1], 't').join(''));
  const sheets = Object.keys(zip.files)
    .filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n))
    .sort((a, b) => Number(/(\d+)\.xml$/.exec(a)![1]) - Number(/(\d+)\.xml$/.exec(b)![1]));
  const lines: string[] = [];
  for (const s of sheets) {
    const xml = (await zipText(zip, s)) ?? '';
    for (const row of xml.matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)) {
      const cells: string[] = [];
      for (const c of row[1].matchAll(/<c((?:\s[^>]*)?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const attrs = c[1] ?? '';
        const inner = c[2] ?? '';
        const type = /\st="([^"]+)"/.exec(attrs)?.[1];
        const v = xmlElements(inner, 'v')[0];
        if (type === 's' && v !== undefined) cells.push(shared[Number(v)] ?? '');
        else if (type === 'inlineStr') cells.push(xmlElements(inner, 't').join(''));
        else if (v !== undefined) cells.push(v);
      }
      if (cells.some((x) => x !== '')) lines.push(cells.join('\t'));
    }
    for (const h of xmlElements(xml, 'oddHeader').concat(xmlElements(xml, 'oddFooter'))) lines.push(h.replace(/&[A-Z]/g, ' '));
  }
  return { text: lines.join('\n'), metadata: (await officeProperties(zip)).join('\n') };
}

/**
 * PDF parsing runs in a worker thread: PDF.js is CPU-heavy and a hostile PDF must not stall or
 * exhaust the API process (the worker has its own heap limit and is terminated on timeout). It also
 * keeps PDF.js's ESM-only internals out of the caller's module system (jest, swc-node).
 */
const PDF_WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const { PDFParse } = require(workerData.modulePath);
(async () => {
  const parser = new PDFParse({ data: workerData.data, verbosity: 0 });
  try {
    const result = await parser.getText({ pageJoiner: '' });
    let info = {};
    try { info = (await parser.getInfo()).info || {}; } catch (e) {}
    const meta = {};
    for (const k of ['Title', 'Subject', 'Keywords', 'Author', 'Creator']) if (typeof info[k] === 'string') meta[k] = info[k];
    parentPort.postMessage({ ok: true, text: result.text, total: result.total, meta });
  } catch (e) {
    parentPort.postMessage({ ok: false, name: (e && e.name) || 'Error', message: String((e && e.message) || e) });
  } finally {
    try { await parser.destroy(); } catch (e) {}
  }
})();
`;

type PdfWorkerReply =
  | { ok: true; text: string; total: number; meta: Record<string, string> }
  | { ok: false; name: string; message: string };

function runPdfWorker(buf: Buffer, timeoutMs: number): Promise<PdfWorkerReply> {
  const data = new Uint8Array(buf); // a copy we can hand over
  const worker = new Worker(PDF_WORKER_SOURCE, {
    eval: true,
    workerData: { modulePath: require.resolve('pdf-parse'), data },
    transferList: [data.buffer as ArrayBuffer],
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  let timer: NodeJS.Timeout | undefined;
  return new Promise<PdfWorkerReply>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, name: 'TimeoutError', message: `PDF parsing took longer than ${timeoutMs} ms` }), timeoutMs);
    worker.once('message', (m: PdfWorkerReply) => resolve(m));
    worker.once('error', (e) => resolve({ ok: false, name: e.name, message: e.message }));
    worker.once('exit', (code) => resolve({ ok: false, name: 'WorkerExit', message: `worker exited with code ${code}` }));
  }).finally(() => {
    clearTimeout(timer);
    void worker.terminate();
  });
}

async function pdfText(buf: Buffer, timeoutMs: number): Promise<AttachmentText> {
  const r = await runPdfWorker(buf, timeoutMs);
  if (!r.ok) {
    const encrypted = /password/i.test(r.name) || /password/i.test(r.message);
    return { kind: 'pdf', text: '', metadata: '', readable: false, problem: encrypted ? 'encrypted' : 'damaged', detail: `${r.name}: ${r.message}` };
  }
  const meta = ['Title', 'Subject', 'Keywords', 'Author', 'Creator'].map((k) => r.meta[k]?.trim()).filter((v): v is string => !!v);
  const text = r.text.trim();
  if (!text && r.total > 0) {
    return { kind: 'pdf', text: '', metadata: meta.join('\n'), readable: false, problem: 'no-text-layer', detail: `${r.total} page(s) without text` };
  }
  return { kind: 'pdf', text, metadata: meta.join('\n'), readable: true };
}

function decodePlain(buf: Buffer): string {
  const utf8 = new TextDecoder('utf-8').decode(buf);
  const bad = (utf8.match(/\ufffd/g) ?? []).length;
  if (bad === 0 || bad < utf8.length / 1000) return utf8.replace(/^\ufeff/, '');
  // Chinese office machines still write GBK/GB18030 text files.
  try {
    return new TextDecoder('gb18030').decode(buf);
  } catch {
    return utf8;
  }
}

function truncate(r: AttachmentText, maxChars: number): AttachmentText {
  if (r.text.length <= maxChars) return r;
  return { ...r, text: r.text.slice(0, maxChars), problem: r.problem ?? 'too-large', detail: `text truncated to ${maxChars} characters` };
}

export async function extractAttachmentText(buf: Buffer, opts: ExtractOptions = {}): Promise<AttachmentText> {
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const ext = path.extname(opts.fileName ?? '').toLowerCase();
  const mime = (opts.mimeType ?? '').toLowerCase();
  try {
    if (buf.subarray(0, 5).toString('latin1') === '%PDF-') return truncate(await pdfText(buf, opts.pdfTimeoutMs ?? 30_000), maxChars);
    if (buf.readUInt32LE(0) === 0x04034b50 /* PK\3\4 */) {
      const zip = await JSZip.loadAsync(buf);
      if (zip.file('word/document.xml')) return truncate({ kind: 'docx', readable: true, ...(await docxText(buf, zip)) }, maxChars);
      if (zip.file('xl/workbook.xml')) return truncate({ kind: 'xlsx', readable: true, ...(await xlsxText(zip)) }, maxChars);
      return { kind: 'unsupported', text: '', metadata: '', readable: false, problem: 'unsupported-format', detail: 'zip without a known office document' };
    }
    if (/^image\//.test(mime) || ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.heic', '.avif'].includes(ext)) {
      // Pixels are not read (no OCR): the metadata is what can carry a mark.
      return { kind: 'image', text: '', metadata: await imageMetadataText(buf), readable: true };
    }
    if (['.html', '.htm'].includes(ext) || mime === 'text/html') {
      return truncate({ kind: 'html', text: htmlToTextWithMap(decodePlain(buf)).text, metadata: '', readable: true }, maxChars);
    }
    if (['.txt', '.csv', '.md', '.json', '.xml'].includes(ext) || mime.startsWith('text/')) {
      return truncate({ kind: 'text', text: decodePlain(buf), metadata: '', readable: true }, maxChars);
    }
  } catch (e) {
    return { kind: 'unsupported', text: '', metadata: '', readable: false, problem: 'damaged', detail: (e as Error)?.message };
  }
  return { kind: 'unsupported', text: '', metadata: '', readable: false, problem: 'unsupported-format', detail: `${ext || mime || 'unknown'} not supported` };
}

const PROBLEM_TEXT: Record<NonNullable<AttachmentText['problem']>, string> = {
  'unsupported-format': '格式不支持自动检查（如 .doc、.wps、压缩包）',
  encrypted: '文件已加密',
  damaged: '文件已损坏或无法解析',
  'no-text-layer': '为扫描件或图片型文档，无可提取的文字',
  'too-large': '文字过多，仅检查了前一部分',
};

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
          message: `附件「${fileName}」${PROBLEM_TEXT[extracted.problem]}，系统未能完成自动检查，须由审核人人工进行保密审查。`,
        }
      : null;
  return { fields, extracted, unreadable };
}
