import * as path from 'path';
import type { CheckField } from '@app/compliance/finding';
import type { Item } from '@app/domain/entities/item.entity';

/**
 * What of an item the content checks read, as checker fields with stable names (the names stored in
 * compliance_findings.field, and the paths the one-click redaction writes back to).
 */
export type ItemTextFields = Pick<Item, 'title' | 'summary' | 'bodyHtml' | 'docNo' | 'issuingBody' | 'channelOverrides'>;

const MAX_DEPTH = 4;

/** Every string inside the channel overrides, with its dotted path (`channelOverrides.weibo.text`). */
export function overrideStrings(overrides: Record<string, unknown> | null | undefined): { field: string; text: string }[] {
  const out: { field: string; text: string }[] = [];
  const walk = (v: unknown, at: string, depth: number) => {
    if (typeof v === 'string') {
      if (v.trim()) out.push({ field: at, text: v });
    } else if (v && typeof v === 'object' && depth < MAX_DEPTH) {
      for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`, depth + 1);
    }
  };
  for (const [ch, o] of Object.entries(overrides ?? {})) walk(o, `channelOverrides.${ch}`, 1);
  return out;
}

export function itemTextFields(item: ItemTextFields): CheckField[] {
  const fields: CheckField[] = [
    { field: 'title', text: item.title ?? '' },
    { field: 'summary', text: item.summary ?? '' },
    { field: 'bodyHtml', text: item.bodyHtml ?? '', html: true },
    { field: 'docNo', text: item.docNo ?? '' },
    { field: 'issuingBody', text: item.issuingBody ?? '' },
    ...overrideStrings(item.channelOverrides).map((o) => ({ ...o, html: /html$/i.test(o.field) })),
  ];
  return fields.filter((f) => f.text);
}

/** Fields whose text the one-click redaction may rewrite (attachments and renditions are not ours to edit). */
export function isRedactableField(field: string): boolean {
  return ['title', 'summary', 'bodyHtml', 'docNo'].includes(field) || /^channelOverrides\.[^.]+(\.[^.]+)+$/.test(field);
}

export function getFieldText(item: ItemTextFields, field: string): string | null {
  if (field === 'title' || field === 'summary' || field === 'bodyHtml' || field === 'docNo') return item[field] ?? null;
  if (!field.startsWith('channelOverrides.')) return null;
  let v: unknown = item.channelOverrides;
  for (const k of field.split('.').slice(1)) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return typeof v === 'string' ? v : null;
}

/** Returns the item's fields with one field replaced (a fresh channelOverrides object, so the ORM sees the change). */
export function setFieldText(item: ItemTextFields, field: string, text: string): Partial<ItemTextFields> {
  if (field === 'title' || field === 'summary' || field === 'bodyHtml' || field === 'docNo') return { [field]: text };
  const keys = field.split('.').slice(1);
  const root: Record<string, unknown> = structuredClone(item.channelOverrides ?? {});
  let v: Record<string, unknown> = root;
  for (const k of keys.slice(0, -1)) {
    if (!v[k] || typeof v[k] !== 'object') throw new Error(`no such field ${field}`);
    v = v[k] as Record<string, unknown>;
  }
  v[keys[keys.length - 1]] = text;
  return { channelOverrides: root as ItemTextFields['channelOverrides'] };
}

/**
 * The file on disk behind a URL of our own portal's uploads (`<portal base>/uploads/...` or the same
 * path without the origin), or null for anything else. Never a path outside <portalDir>/uploads.
 */
export function hostedUploadPath(url: string, portalBaseUrl: string, portalDir: string): string | null {
  const base = portalBaseUrl.replace(/\/+$/, '');
  let basePath: string;
  try {
    basePath = new URL(base).pathname.replace(/\/+$/, '');
  } catch {
    return null;
  }
  const raw = url.trim().split(/[?#]/)[0];
  let rel: string | null = null;
  if (raw.startsWith(`${base}/uploads/`)) rel = raw.slice(base.length + 1);
  else if (raw.startsWith(`${basePath}/uploads/`)) rel = raw.slice(basePath.length + 1);
  else if (raw.startsWith('/site/uploads/')) rel = raw.slice('/site/'.length);
  if (!rel) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').some((s) => s === '..' || s === '.')) return null;
  const root = path.resolve(portalDir, 'uploads');
  const full = path.resolve(portalDir, decoded);
  return full.startsWith(root + path.sep) ? full : null;
}

/** `src` of every <img> in the body (entities in the attribute decoded). */
export function imageSources(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    const v = (m[1] ?? m[2] ?? m[3] ?? '')
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'");
    if (v) out.push(v);
  }
  return out;
}
