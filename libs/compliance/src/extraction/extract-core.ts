import * as path from 'path';
import { htmlToTextWithMap } from '../text/html-text';
import type { AttachmentText, ExtractionRequest } from './attachment-text.types';
import type { ExtractionLimits } from './extraction-limits';
import { docxText, xlsxText } from './office-text';
import { ExtractionRefused, readZipTextParts } from './zip-guard';

/**
 * The extraction itself, run inside the extraction thread (extraction-thread.ts): PDF via pdf-parse
 * (PDF.js), DOCX via mammoth plus the parts mammoth skips (headers, footers, notes, comments — where
 * "秘密★" and "内部资料" usually sit), XLSX cells, plain text and HTML. ZIP containers go through
 * zip-guard first. Relative imports only: the thread loads this file without the path aliases.
 */
async function pdfText(data: Uint8Array): Promise<AttachmentText> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PDFParse } = require('pdf-parse') as typeof import('pdf-parse');
  const parser = new PDFParse({ data, verbosity: 0 });
  try {
    let result: { text: string; total: number };
    try {
      result = await parser.getText({ pageJoiner: '' });
    } catch (e) {
      const name = (e as Error)?.name ?? 'Error';
      const message = String((e as Error)?.message ?? e);
      const encrypted = /password/i.test(name) || /password/i.test(message);
      return { kind: 'pdf', text: '', metadata: '', readable: false, problem: encrypted ? 'encrypted' : 'damaged', detail: `${name}: ${message}` };
    }
    let info: Record<string, unknown> = {};
    try {
      info = ((await parser.getInfo()).info as Record<string, unknown>) ?? {};
    } catch {
      // properties are optional
    }
    const meta = ['Title', 'Subject', 'Keywords', 'Author', 'Creator']
      .map((k) => (typeof info[k] === 'string' ? (info[k] as string).trim() : ''))
      .filter(Boolean);
    const text = result.text.trim();
    if (!text && result.total > 0) {
      return { kind: 'pdf', text: '', metadata: meta.join('\n'), readable: false, problem: 'no-text-layer', detail: `${result.total} page(s) without text` };
    }
    return { kind: 'pdf', text, metadata: meta.join('\n'), readable: true };
  } finally {
    try {
      await parser.destroy();
    } catch {
      // nothing to release
    }
  }
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

export async function extractInThread(req: ExtractionRequest, limits: ExtractionLimits): Promise<AttachmentText> {
  const buf = Buffer.from(req.data.buffer, req.data.byteOffset, req.data.byteLength);
  const ext = path.extname(req.fileName).toLowerCase();
  const mime = req.mimeType.toLowerCase();
  try {
    if (buf.subarray(0, 5).toString('latin1') === '%PDF-') return truncate(await pdfText(req.data), req.maxChars);
    if (buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50 /* PK\3\4 */) {
      const zip = readZipTextParts(buf, limits);
      if (zip.parts.has('word/document.xml')) return truncate({ kind: 'docx', readable: true, ...(await docxText(zip)) }, req.maxChars);
      if (zip.parts.has('xl/workbook.xml')) return truncate({ kind: 'xlsx', readable: true, ...xlsxText(zip) }, req.maxChars);
      return { kind: 'unsupported', text: '', metadata: '', readable: false, problem: 'unsupported-format', detail: 'zip without a known office document' };
    }
    if (['.html', '.htm'].includes(ext) || mime === 'text/html') {
      return truncate({ kind: 'html', text: htmlToTextWithMap(decodePlain(buf)).text, metadata: '', readable: true }, req.maxChars);
    }
    if (['.txt', '.csv', '.md', '.json', '.xml'].includes(ext) || mime.startsWith('text/')) {
      return truncate({ kind: 'text', text: decodePlain(buf), metadata: '', readable: true }, req.maxChars);
    }
  } catch (e) {
    if (e instanceof ExtractionRefused) return { kind: 'unsupported', text: '', metadata: '', readable: false, problem: e.problem, detail: e.message };
    return { kind: 'unsupported', text: '', metadata: '', readable: false, problem: 'damaged', detail: (e as Error)?.message };
  }
  return { kind: 'unsupported', text: '', metadata: '', readable: false, problem: 'unsupported-format', detail: `${ext || mime || 'unknown'} not supported` };
}
