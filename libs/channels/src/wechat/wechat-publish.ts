import * as crypto from 'crypto';
import { XMLParser } from 'fast-xml-parser';
import type { ConfirmResult } from '../channel-adapter';
import { publishStatusError } from './wechat-errors';

/** A publish job's state, from freepublish/get or from the PUBLISHJOBFINISH event. */
export interface PublishInfo {
  publishId: string;
  status: number;
  articleId: string | null;
  items: { idx: number; url: string }[];
  failIdx: number[];
}

/** Accepts both the JSON of freepublish/get and the parsed <PublishEventInfo> of the callback. */
export function readPublishInfo(raw: any): PublishInfo {
  const detail = raw?.article_detail ?? {};
  const items = toArray(detail.item)
    .map((i: any) => ({ idx: Number(i?.idx ?? 1), url: String(i?.article_url ?? '') }))
    .filter((i) => i.url);
  const status = Number(raw?.publish_status);
  return {
    publishId: raw?.publish_id === undefined || raw?.publish_id === null ? '' : String(raw.publish_id),
    status: Number.isFinite(status) ? status : -1,
    articleId: raw?.article_id ? String(raw.article_id) : null,
    items: items.sort((a, b) => a.idx - b.idx),
    failIdx: toArray(raw?.fail_idx).map(Number).filter(Number.isFinite),
  };
}

/**
 * 0 → published (the article's own id and URL); 1 → still publishing; 2..6 → the job ended without a
 * publication: permanent, with the reason in Chinese and the platform's status.
 */
export function publishOutcome(info: PublishInfo): ConfirmResult {
  if (info.status === 0 && info.articleId) {
    return { status: 'published', externalId: info.articleId, externalUrl: info.items[0]?.url ?? null };
  }
  if (info.status === 0 || info.status === 1) return { status: 'pending' };
  throw publishStatusError(info.status, info.failIdx);
}

export interface WechatEvent {
  toUser: string;
  event: string;
  msgType: string;
  info: PublishInfo | null;
}

export const PUBLISH_EVENTS = new Set(['PUBLISHJOBFINISH', 'FREEPUBLISHJOBFINISH']);

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, trimValues: true, processEntities: true });

/** The plaintext-mode event XML pushed to the account's server URL. */
export function parseWechatEvent(xml: string): WechatEvent {
  const doc = parser.parse(xml)?.xml;
  if (!doc || typeof doc !== 'object') throw new Error('not a WeChat event: no <xml> root');
  if (doc.Encrypt) throw new Error('encrypted (safe mode) events are not supported: configure plaintext or compatible mode');
  const info = doc.PublishEventInfo;
  return {
    toUser: String(doc.ToUserName ?? ''),
    event: String(doc.Event ?? ''),
    msgType: String(doc.MsgType ?? ''),
    info: info && typeof info === 'object' ? readPublishInfo(info) : null,
  };
}

/** WeChat's server-URL signature: sha1 of token, timestamp and nonce sorted and concatenated. */
export function wechatSignature(token: string, timestamp: string, nonce: string): string {
  return crypto.createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

export function verifyWechatSignature(token: string, q: { signature?: string; timestamp?: string; nonce?: string }): boolean {
  if (!q.signature || !q.timestamp || !q.nonce) return false;
  const expected = Buffer.from(wechatSignature(token, q.timestamp, q.nonce));
  const given = Buffer.from(String(q.signature).toLowerCase());
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

function toArray<T>(v: T | T[] | undefined | null): T[] {
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}
