/**
 * A channel preview's metadata (ChannelPreview.meta, written by each adapter's preview()) in words: each
 * key a label, each value in the words users read — where a text came from, sizes, limits, an LED
 * screen's setup and display window — never a code, a JSON object or a vendor's program. Keys the
 * console has no words for are left out (the preview itself shows the content).
 */
import type { ChannelCapabilities } from './types';
import { fmtBytes, fmtTime, KIND_LABELS } from './labels';

export interface MetaLine {
  label: string;
  value: string;
  /** The value is an address to open. */
  href?: string;
}

type Cap = Pick<ChannelCapabilities, 'settingsSchema'> | undefined;

const TEXT_SOURCE: Record<string, string> = { override: '编辑单独填写', generated: '由标题、摘要和网站链接生成', derived: '由标题生成' };
const PICTURE_SOURCE: Record<string, string> = {
  override: '编辑选定的图片',
  body: '正文中的第一张图片',
  cover: '信息的封面图片',
  'title-card': '按标题生成的图片',
};
const WECHAT_SOURCES: Record<string, [string, Record<string, string>]> = {
  title: ['标题', { override: '微信标题（单独填写）', item: '信息标题' }],
  author: ['作者', { override: '单独填写', account: '账号的默认作者', item: '信息的发布机构', none: '不署名' }],
  digest: ['摘要', { override: '单独填写', summary: '信息摘要', none: '无' }],
};
const LIMIT_WORDS: Record<string, string> = { title: '标题', author: '作者', digest: '摘要', contentChars: '正文' };
const WEEKDAYS = ['', '一', '二', '三', '四', '五', '六', '日'];

type Fmt = (v: unknown, cap: Cap) => string | null;
const str: Fmt = (v) => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : null);
const num: Fmt = (v) => (typeof v === 'number' ? String(v) : null);
const bytes: Fmt = (v) => (typeof v === 'number' ? fmtBytes(v) : null);
const yesNo: Fmt = (v) => (v === true ? '是' : v === false ? '否' : typeof v === 'number' ? String(v) : null);
const from =
  (m: Record<string, string>, none = '无'): Fmt =>
  (v) =>
    v === null || v === undefined ? none : typeof v === 'string' ? (m[v] ?? '其他') : null;

const KEYS: Record<string, [string, Fmt] | null> = {
  title: ['标题', str],
  titleChars: ['标题字数', num],
  author: ['作者', str],
  digest: ['摘要', str],
  sources: [
    '内容来源',
    (v) =>
      v && typeof v === 'object'
        ? Object.entries(v as Record<string, string>)
            .map(([k, s]) => (WECHAT_SOURCES[k] ? `${WECHAT_SOURCES[k][0]}：${WECHAT_SOURCES[k][1][s] ?? '其他'}` : null))
            .filter(Boolean)
            .join('；')
        : null,
  ],
  source: ['文本来源', from(TEXT_SOURCE)],
  maxLength: ['字数上限', num],
  remaining: ['剩余字数', num],
  contentChars: ['正文字数', num],
  contentBytes: ['正文大小', bytes],
  shortened: ['正文已截短（附阅读原文）', yesNo],
  imageCount: ['正文图片数', num],
  linksAsText: ['链接改为文字', yesNo],
  coverSource: ['封面来源', from(PICTURE_SOURCE)],
  thumbBytes: ['封面大小', bytes],
  picSource: ['配图来源', from(PICTURE_SOURCE)],
  picBytes: ['配图大小', bytes],
  limits: [
    '渠道限制',
    (v) =>
      v && typeof v === 'object'
        ? Object.entries(v as Record<string, number>)
            .map(([k, n]) => `${LIMIT_WORDS[k] ?? '其他'} ${n} 字`)
            .join('，')
        : null,
  ],
  gazette: ['公报', str],
  section: ['公报栏目', (v) => str(v, undefined) ?? '未确定'],
  nextIssue: ['将编入', str],
  issue: ['期次', str],
  kinds: ['刊登类别', (v) => (Array.isArray(v) ? v.map((k) => KIND_LABELS[String(k)] ?? '其他').join('、') : null)],
  pages: ['分屏数', num],
  frames: ['帧数', num],
  priority: ['优先级', num],
  emergency: ['紧急插播', yesNo],
  // shown by the preview itself, or what the outside system receives (an LED controller's program)
  length: null,
  limit: null,
  crops: null,
  program: null,
};
const LINKS: Record<string, string> = { url: '网页地址', portalUrl: '网站链接', contentSourceUrl: '阅读原文链接' };

export function previewMetaLines(meta: Record<string, unknown> | undefined, cap?: Cap): MetaLine[] {
  const out: MetaLine[] = [];
  for (const [k, v] of Object.entries(meta ?? {})) {
    if (LINKS[k]) {
      if (typeof v === 'string' && v) out.push({ label: LINKS[k], value: v, href: /^https?:\/\//.test(v) ? v : undefined });
    } else if (k === 'screen') out.push(...screenLines(v, cap));
    else if (k === 'display') out.push(...displayLines(v));
    else if (KEYS[k]) {
      const value = KEYS[k]![1](v, cap);
      if (value) out.push({ label: KEYS[k]![0], value });
    }
  }
  return out;
}

/** An LED screen's setup, its settings in the words of the channel's own account form. */
function screenLines(v: unknown, cap: Cap): MetaLine[] {
  if (!v || typeof v !== 'object') return [];
  const s = v as Record<string, unknown>;
  // the option's name without its explanation in brackets (which names transports: HTTP, 内网…)
  const option = (key: string) =>
    cap?.settingsSchema
      .find((f) => f.key === key)
      ?.options?.find((o) => o.value === s[key])
      ?.label.replace(/（.*$/, '');
  const lines: MetaLine[] = [{ label: '显示屏', value: [s.name, s.location].filter(Boolean).join('，') }];
  if (typeof s.width === 'number' && typeof s.height === 'number') lines.push({ label: '分辨率', value: `${s.width} × ${s.height} 像素` });
  if (s.colourMode) lines.push({ label: '颜色', value: option('colourMode') ?? '其他' });
  if (s.protocol) lines.push({ label: '接入方式', value: option('protocol') ?? '其他' });
  return lines;
}

/** When and how an LED entry plays: its window, days, hours, priority. */
function displayLines(v: unknown): MetaLine[] {
  if (!v || typeof v !== 'object') return [];
  const d = v as {
    textSource?: string;
    from?: string;
    to?: string;
    weekdays?: number[];
    hours?: { start: string; end: string }[];
    priority?: number;
    emergency?: boolean;
  };
  const lines: MetaLine[] = [];
  if (d.textSource) lines.push({ label: '上屏文字', value: TEXT_SOURCE[d.textSource] ?? '其他' });
  if (d.from && d.to) lines.push({ label: '显示时段', value: `${fmtTime(d.from)} 至 ${fmtTime(d.to)}` });
  if (d.weekdays?.length)
    lines.push({ label: '播放日', value: d.weekdays.length === 7 ? '每天' : `每周${d.weekdays.map((n) => WEEKDAYS[n] ?? '').join('、')}` });
  if (d.hours?.length) lines.push({ label: '每天播放', value: d.hours.map((h) => `${h.start}—${h.end}`).join('，') });
  if (typeof d.priority === 'number') lines.push({ label: '优先级', value: String(d.priority) });
  if (typeof d.emergency === 'boolean') lines.push({ label: '紧急插播', value: d.emergency ? '是' : '否' });
  return lines;
}

/** A preview image's name (`frame-2.png`, `thumb`, `pic`) in words. */
export function previewImageName(name: string): string {
  const frame = /^frame-(\d+)\.png$/.exec(name);
  if (frame) return `第 ${frame[1]} 屏`;
  return ({ thumb: '封面', pic: '配图', cover: '封面' } as Record<string, string>)[name] ?? '图片';
}
