import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { bodyText } from '../wechat/wechat-body';
import { fitWeibo, WEIBO_MAX_LENGTH, weiboLength } from './weibo-length';

export interface ComposedStatus {
  text: string;
  length: number;
  source: 'override' | 'generated';
  problems: FieldProblem[];
}

export function weiboOverride(v: ItemSnapshot): string | undefined {
  const t = v.channelOverrides?.weibo?.text;
  return typeof t === 'string' && t.trim() ? t.trim() : undefined;
}

/**
 * The status text: the editor's own text (channelOverrides.weibo.text), or 【title】 + summary (or the
 * body's text) cut to fit; always ending with the item's portal URL, which is also the URL on the
 * app's bound safe domain that Weibo requires. An editor's text is never cut: too long is a problem.
 */
export function composeWeiboStatus(v: ItemSnapshot, portalUrl: string, max = WEIBO_MAX_LENGTH): ComposedStatus {
  const tail = ` ${portalUrl}`;
  const override = weiboOverride(v);
  const problems: FieldProblem[] = [];
  if (override) {
    const text = override.includes(portalUrl) ? override : `${override}${tail}`;
    const length = weiboLength(text);
    if (length > max) {
      const room = max - weiboLength(tail);
      problems.push({
        field: 'channelOverrides.weibo.text',
        reason: `微博文字加上信息链接共${length}字，超过${max}字上限，请将文字删减到${Math.max(0, room)}字以内（两个英文字符计1字）`,
      });
    }
    problems.push(...topicProblems(override, 'channelOverrides.weibo.text'));
    return { text, length, source: 'override', problems };
  }
  const room = max - weiboLength(tail);
  if (room < 8) {
    problems.push({ field: 'portalUrl', reason: `信息的网站链接过长（${weiboLength(portalUrl)}字），微博正文放不下` });
  }
  const title = v.title.replace(/\s+/g, ' ').trim();
  const about = (v.summary?.trim() || bodyText(v.bodyHtml ?? '')).replace(/\s+/g, ' ').trim();
  let head = `【${title}】`;
  if (weiboLength(head) > room) head = `【${fitWeibo(title, Math.max(0, room - 2))}】`;
  const body = about ? fitWeibo(about, room - weiboLength(head)) : '';
  const text = `${head}${body === '…' ? '' : body}${tail}`;
  // a topic that survived the cut, named by where the editor can remove it
  if (topicsIn(text).length) {
    for (const [field, value] of [
      ['title', title],
      ['summary', v.summary ?? ''],
      ['bodyHtml', v.summary?.trim() ? '' : about],
    ] as const) {
      problems.push(...topicProblems(value, field));
    }
  }
  return { text, length: weiboLength(text), source: 'generated', problems };
}

/** #话题# in a text (links left out: a URL's #fragment is no topic). */
export function topicsIn(text: string): string[] {
  return text.replace(/https?:\/\/\S+/gi, ' ').match(/#[^#\n]+#/g) ?? [];
}

/**
 * statuses/share does not allow #话题# (open.weibo.com/wiki/2/statuses/share; PLATFORM.md): refused at
 * submit, so the editor removes it before review rather than the post failing after approval.
 */
function topicProblems(text: string, field: string): FieldProblem[] {
  const topics = topicsIn(text);
  if (!topics.length) return [];
  return [
    {
      field,
      reason: `微博文字中的${topics.map((t) => `“${t}”`).join('、')}是话题格式，微博分享接口（statuses/share）不允许发布话题，请去掉两侧的“#”或改用其他符号（如【】）`,
    },
  ];
}

/** Text without URLs and spaces, to recognise our post after the platform shortened its links. */
export function withoutUrls(text: string): string {
  return text.replace(/https?:\/\/\S+/gi, '').replace(/\s+/g, '');
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** created_at as Weibo writes it: "Tue May 31 17:46:55 +0800 2011". NaN when unreadable. */
export function parseWeiboDate(s: unknown): number {
  const m = /^\w{3} (\w{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/.exec(String(s ?? '').trim());
  if (!m || MONTHS[m[1]] === undefined) return Number.NaN;
  const offset = (m[6] === '-' ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8])) * 60_000;
  return Date.UTC(Number(m[9]), MONTHS[m[1]], Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) - offset;
}
