import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { AdapterAccount } from '../channel-adapter';

export const WECHAT_LIMITS = { title: 32, author: 16, digest: 128, contentChars: 20_000, contentBytes: 1024 * 1024, sourceUrlBytes: 1024 } as const;

/** What the editor may override for WeChat (channelOverrides.wechat). */
export interface WechatOverrides {
  title?: string;
  digest?: string;
  author?: string;
  coverUrl?: string;
}

export interface WechatFields {
  title: string;
  author: string;
  digest: string;
  /** Where each value came from, for the preview. */
  sources: { title: 'override' | 'item'; author: 'override' | 'account' | 'item' | 'none'; digest: 'override' | 'summary' | 'none' };
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
  if (!t) problems.push({ field: 'channelOverrides.wechat.title', reason: '微信标题不能为空' });
  if (t > WECHAT_LIMITS.title) {
    problems.push({
      field: f.sources.title === 'override' ? 'channelOverrides.wechat.title' : 'title',
      reason:
        f.sources.title === 'override'
          ? `微信标题不能超过${WECHAT_LIMITS.title}字（当前${t}字）`
          : `标题有${t}字，超过微信的${WECHAT_LIMITS.title}字上限，请在“微信”设置中填写不超过${WECHAT_LIMITS.title}字的短标题`,
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
