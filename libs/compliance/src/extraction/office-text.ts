import JSZip from 'jszip';
import mammoth from 'mammoth';
import type { ZipTextParts } from './zip-guard';

/**
 * Text of DOCX and XLSX from their already inflated, size-checked XML parts (zip-guard.ts). Mammoth
 * gets an archive rebuilt from those parts only, so it never inflates anything the guard did not see.
 */
function decodeXml(s: string): string {
  return s.replace(/&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));/g, (_m, dec, hex, named) => {
    if (dec || hex) {
      const cp = dec ? Number(dec) : parseInt(hex, 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    }
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[named];
  });
}

/** WordprocessingML text runs, paragraphs as lines. */
export function wordXmlText(xml: string): string {
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

function part(zip: ZipTextParts, name: string): string | null {
  const b = zip.parts.get(name);
  return b ? b.toString('utf8') : null;
}

function officeProperties(zip: ZipTextParts): string[] {
  const lines: string[] = [];
  const core = part(zip, 'docProps/core.xml');
  if (core) {
    for (const tag of ['dc:title', 'dc:subject', 'cp:keywords', 'dc:description', 'cp:category', 'dc:creator', 'cp:lastModifiedBy']) {
      for (const v of xmlElements(core, tag)) if (v.trim()) lines.push(v.trim());
    }
  }
  const app = part(zip, 'docProps/app.xml');
  if (app) for (const v of xmlElements(app, 'Company')) if (v.trim()) lines.push(v.trim());
  return lines;
}

export async function docxText(zip: ZipTextParts): Promise<{ text: string; metadata: string }> {
  const rebuilt = new JSZip();
  for (const [name, data] of zip.parts) rebuilt.file(name, data);
  const body = (await mammoth.extractRawText({ buffer: await rebuilt.generateAsync({ type: 'nodebuffer', compression: 'STORE' }) })).value;
  const extra: string[] = [];
  const parts = [...zip.parts.keys()].filter((n) => /^word\/(header\d*|footer\d*|footnotes|endnotes|comments)\.xml$/.test(n)).sort();
  for (const p of parts) {
    const t = wordXmlText(part(zip, p) ?? '').trim();
    if (t) extra.push(t);
  }
  return { text: [...extra, body].join('\n'), metadata: officeProperties(zip).join('\n') };
}

export function xlsxText(zip: ZipTextParts): { text: string; metadata: string } {
  const sharedXml = part(zip, 'xl/sharedStrings.xml') ?? '';
  const shared = [...sharedXml.matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => xmlElements(m[1], 't').join(''));
  const sheets = [...zip.parts.keys()]
    .filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n))
    .sort((a, b) => Number(/(\d+)\.xml$/.exec(a)![1]) - Number(/(\d+)\.xml$/.exec(b)![1]));
  const lines: string[] = [];
  for (const s of sheets) {
    const xml = part(zip, s) ?? '';
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
  return { text: lines.join('\n'), metadata: officeProperties(zip).join('\n') };
}
