import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { ChannelError, PermanentError, type AdapterAccount } from '../channel-adapter';

export const WECHAT_LIMITS = { title: 32, author: 16, digest: 128, contentChars: 20_000, contentBytes: 1024 * 1024, sourceUrlBytes: 1024 } as const;

/** What the editor may override for WeChat (channelOverrides.wechat). */
export interface WechatOverrides {
  title?: string;
  digest?: string;
  author?: string;
  coverUrl?: string;
}

/**
 * The account's title limit: `settings.titleMaxChars` (default and maximum 32, the documented rule:
 * "标题，总长度不超过32个字", api_draft_add) and optionally `settings.titleMaxBytes` for an account whose
 * practice shows a byte limit (practitioners report 45003 at about 64 UTF-8 bytes; PLATFORM.md §6).
 */
export interface WechatTitleLimits {
  chars: number;
  bytes?: number;
}

/** The title limit practitioners report, used only to suggest a length after a 45003. */
const REPORTED_TITLE_BYTES = 64;

export function wechatTitleLimits(account: Pick<AdapterAccount, 'settings'>): WechatTitleLimits {
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
  const chars = int(account.settings.titleMaxChars);
  const bytes = int(account.settings.titleMaxBytes);
  return { chars: chars !== undefined && chars <= WECHAT_LIMITS.title ? chars : WECHAT_LIMITS.title, ...(bytes !== undefined ? { bytes } : {}) };
}

export interface WechatFields {
  title: string;
  author: string;
  digest: string;
  /** Where each value came from, for the preview. */
  sources: { title: 'override' | 'item'; author: 'override' | 'account' | 'item' | 'none'; digest: 'override' | 'summary' | 'none' };
  /** the account's title limit (absent: the documented 32 characters) */
  limits?: WechatTitleLimits;
}

/** Characters as WeChat counts them: Unicode code points. */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function truncateChars(s: string, max: number, ellipsis = '…'): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  return chars.slice(0, Math.max(0, max - charLength(ellipsis))).join('') + ellipsis;
}

export function wechatOverrides(v: ItemSnapshot): WechatOverrides {
  const o = (v.channelOverrides?.wechat ?? {}) as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' && x.trim() ? x.trim() : undefined);
  return { title: str(o.title), digest: str(o.digest), author: str(o.author), coverUrl: str(o.coverUrl) };
}

/**
 * Title, author and digest as they will be sent. Titles are never cut silently (a cut title can
 * change the meaning of an official notice): too long is a problem for the editor. A digest taken
 * from the item's summary is shortened to fit; an editor's own digest is not.
 */
export function wechatFields(v: ItemSnapshot, account: AdapterAccount): WechatFields {
  const o = wechatOverrides(v);
  const accountAuthor = typeof account.settings.author === 'string' && account.settings.author.trim() ? account.settings.author.trim() : undefined;
  const summary = (v.summary ?? '').replace(/\s+/g, ' ').trim();
  return {
    title: o.title ?? v.title.trim(),
    author: o.author ?? accountAuthor ?? (v.issuingBody ?? '').trim(),
    digest: o.digest ?? truncateChars(summary, WECHAT_LIMITS.digest),
    limits: wechatTitleLimits(account),
    sources: {
      title: o.title ? 'override' : 'item',
      author: o.author ? 'override' : accountAuthor ? 'account' : v.issuingBody?.trim() ? 'item' : 'none',
      digest: o.digest ? 'override' : summary ? 'summary' : 'none',
    },
  };
}

/** Field problems (Chinese), with the field named as the editor sees it. */
export function wechatFieldProblems(f: WechatFields): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const t = charLength(f.title);
  const max = f.limits?.chars ?? WECHAT_LIMITS.title;
  if (!t) problems.push({ field: 'channelOverrides.wechat.title', reason: '微信标题不能为空' });
  if (t > max) {
    problems.push({
      field: f.sources.title === 'override' ? 'channelOverrides.wechat.title' : 'title',
      reason:
        f.sources.title === 'override'
          ? `微信标题不能超过${max}字（当前${t}字）`
          : `标题有${t}字，超过微信的${max}字上限，请在“微信”设置中填写不超过${max}字的短标题`,
    });
  } else if (f.limits?.bytes !== undefined && Buffer.byteLength(f.title, 'utf8') > f.limits.bytes) {
    const b = Buffer.byteLength(f.title, 'utf8');
    const hint = Math.floor(f.limits.bytes / 3);
    problems.push({
      field: f.sources.title === 'override' ? 'channelOverrides.wechat.title' : 'title',
      reason:
        f.sources.title === 'override'
          ? `该公众号的微信标题不能超过${f.limits.bytes}字节（约${hint}个汉字，当前${b}字节）`
          : `标题有${b}字节，超过该公众号的${f.limits.bytes}字节上限（约${hint}个汉字），请在“微信”设置中填写短标题`,
    });
  }
  const a = charLength(f.author);
  if (a > WECHAT_LIMITS.author) {
    problems.push({
      field: 'channelOverrides.wechat.author',
      reason:
        f.sources.author === 'override'
          ? `微信作者不能超过${WECHAT_LIMITS.author}字（当前${a}字）`
          : `作者“${f.author}”有${a}字，超过微信的${WECHAT_LIMITS.author}字上限，请在“微信”设置中填写作者`,
    });
  }
  const d = charLength(f.digest);
  if (d > WECHAT_LIMITS.digest) {
    problems.push({ field: 'channelOverrides.wechat.digest', reason: `微信摘要不能超过${WECHAT_LIMITS.digest}字（当前${d}字）` });
  }
  return problems;
}

/**
 * draft/add answered 45003 (title size out of limit) although the title passed our check: the editor's
 * fix is a shorter WeChat title (channelOverrides.wechat.title). Permanent: the same title is refused again.
 */
export function titleTooLongError(f: WechatFields, errmsg?: string): PermanentError {
  const chars = charLength(f.title);
  const bytes = Buffer.byteLength(f.title, 'utf8');
  const limits = f.limits ?? { chars: WECHAT_LIMITS.title };
  const n = Math.max(1, Math.min(limits.chars, Math.floor((limits.bytes ?? REPORTED_TITLE_BYTES) / 3), chars - 1));
  const raw = (errmsg ?? '').replace(/\s*rid:\s*\S+.*$/, '').trim();
  return new PermanentError(
    'WECHAT_45003',
    `标题过长：请在"微信标题"中缩短至 ${n} 字以内（微信公众平台拒绝了当前标题：${chars}字、${bytes}字节；字段 channelOverrides.wechat.title；微信错误码 45003${raw ? `：${raw}` : ''}）`,
  );
}

/** A draft/add failure as the editor should read it (45003 → shorten the WeChat title); others unchanged. */
export function draftAddError(e: unknown, f: WechatFields): unknown {
  return e instanceof ChannelError && e.code === 'WECHAT_45003' ? titleTooLongError(f, e.message.replace(/^.*微信错误码 45003：?/, '').replace(/）$/, '')) : e;
}
