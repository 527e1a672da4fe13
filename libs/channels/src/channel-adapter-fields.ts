import type { FieldProblem } from '../../common/src/errors/field-problem.types';
import type { ChannelField } from './channel-adapter.types';

// Pure TypeScript (type imports only, by relative path): the API validates saved values with it and
// the console (apps/console) checks the same rules before sending.

type Values = Record<string, unknown>;

export interface FieldCheckOptions {
  /** Prefix of every problem's field: 'settings', 'credentials', 'channelOverrides.<type>'. */
  prefix: string;
  /** The stored values: a value equal to the stored one is not checked again (an account saved before a rule can still be renamed). */
  prev?: Values;
  /** Values `showWhen` reads when the field is not in this form (a credential shown for one protocol of the settings). */
  context?: Values;
  /** Only the kind of each value (text, number, list …), not its bounds: for drafts, which may be unfinished. */
  shapeOnly?: boolean;
  /** Counts characters for a field's `lengthRule` (without it such a field's length is left to the adapter). */
  lengthOf?: (rule: string, text: string) => number;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Absent, as a form leaves an untouched field: undefined, null or empty text. */
export function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

const chars = (s: string) => Array.from(s).length;

/** The value a `showWhen` condition looks at: in this form, else the context, else the controlling field's default. */
function controlling(key: string, values: Values, fields: ChannelField[], context?: Values): unknown {
  if (!isBlank(values[key])) return values[key];
  if (context && !isBlank(context[key])) return context[key];
  return fields.find((f) => f.key === key)?.default;
}

/** Whether a field applies given the form's (and the context's) values. */
export function isShown(field: ChannelField, values: Values, fields: ChannelField[], context?: Values): boolean {
  if (!field.showWhen) return true;
  const v = controlling(field.showWhen.key, values, fields, context);
  return field.showWhen.values.some((x) => same(x, v));
}

function optionLabels(f: ChannelField): string {
  return (f.options ?? []).map((o) => o.label.replace(/（.*$/, '')).join('、');
}

/** The problem with one present value, in Chinese, or null. */
function valueProblem(f: ChannelField, v: unknown, o: FieldCheckOptions): string | null {
  const textRule = (s: string): string | null => {
    if (o.shapeOnly) return null;
    // a platform's own counting (lengthRule) is the adapter's to check when no counter is given
    const n = !f.lengthRule ? chars(s) : o.lengthOf ? o.lengthOf(f.lengthRule, s) : null;
    if (f.maxLength !== undefined && n !== null && n > f.maxLength) return `不能超过${f.maxLength}字（现${n}字）`;
    if (f.pattern && !new RegExp(f.pattern).test(s)) return f.patternHelp ?? '格式不正确';
    return null;
  };
  const inOptions = (x: unknown) => (f.options ?? []).some((op) => same(op.value, x));
  switch (f.type) {
    case 'string':
    case 'secret':
    case 'text':
      if (typeof v === 'number' && f.alsoInteger && Number.isInteger(v) && v >= 0) return null;
      if (typeof v !== 'string') return '应为文字';
      return textRule(v);
    case 'url':
      if (typeof v !== 'string') return '应为网址';
      if (!o.shapeOnly && !/^https?:\/\/[^\s/]+[^\s]*$/.test(v.trim())) return '应为以 http:// 或 https:// 开头的网址';
      return textRule(v);
    case 'image':
      return typeof v === 'string' ? null : '应为图片地址';
    case 'datetime':
      if (typeof v !== 'string') return '应为日期时间';
      return o.shapeOnly || !Number.isNaN(Date.parse(v)) ? null : '应为日期时间，如 2026-03-01T08:00:00+08:00';
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return '应为数字';
      if (o.shapeOnly) return null;
      if (f.integer && !Number.isInteger(v)) return '应为整数';
      if (f.min !== undefined && v < f.min) return f.max !== undefined ? `应在${f.min}到${f.max}之间` : `不能小于${f.min}`;
      if (f.max !== undefined && v > f.max) return f.min !== undefined ? `应在${f.min}到${f.max}之间` : `不能大于${f.max}`;
      return null;
    case 'boolean':
      return typeof v === 'boolean' ? null : '应为“是”或“否”';
    case 'select':
      if (typeof v !== 'string' && typeof v !== 'number') return '应为一个选项';
      if (o.shapeOnly || !f.options) return null;
      return inOptions(v) ? null : `应为以下之一：${optionLabels(f)}`;
    case 'multiselect':
    case 'list': {
      if (!Array.isArray(v)) return '应为列表';
      if (o.shapeOnly) return null;
      if (f.min !== undefined && v.length < f.min) return `至少${f.min}项`;
      if (f.max !== undefined && v.length > f.max) return `最多${f.max}项`;
      if (f.type === 'multiselect') return f.options && !v.every(inOptions) ? `只能从以下选择：${optionLabels(f)}` : null;
      for (const [i, x] of v.entries()) {
        if (typeof x !== 'string' || !x.trim()) return `第${i + 1}项应为非空文字`;
        const p = textRule(x);
        if (p) return `第${i + 1}项${p}`;
      }
      return null;
    }
    case 'timeRanges': {
      if (!Array.isArray(v)) return '应为时段列表';
      if (o.shapeOnly) return null;
      // the shape only: order and overlaps are the adapter's to judge (it names the entry)
      const hhmm = /^\d{1,2}:\d{2}(:\d{2})?$/;
      const ok = v.every((h) => h && typeof h === 'object' && hhmm.test(String((h as Values).start)) && hhmm.test(String((h as Values).end)));
      return ok ? null : '每个时段应为 HH:MM-HH:MM';
    }
  }
  return null;
}

/**
 * Problems of `values` against the declared fields, each naming `<prefix>.<key>` with a Chinese reason.
 * Keys the schema does not declare are left alone (adapters read optional tuning keys too).
 */
export function fieldProblems(fields: ChannelField[], values: Values | null | undefined, o: FieldCheckOptions): FieldProblem[] {
  const vals = values ?? {};
  const out: FieldProblem[] = [];
  for (const f of fields) {
    const v = vals[f.key];
    const field = `${o.prefix}.${f.key}`;
    if (o.prev && same(v, o.prev[f.key])) continue;
    if (isBlank(v) || (Array.isArray(v) && !v.length && f.required)) {
      if (f.required && !o.shapeOnly && isShown(f, vals, fields, o.context)) out.push({ field, reason: `请填写“${f.label}”` });
      continue;
    }
    const p = valueProblem(f, v, o);
    if (p) out.push({ field, reason: `${f.label}${p}` });
  }
  return out;
}

/**
 * The first problem of each field only (a schema and an adapter's own rule may both name one; an
 * entry of a list, `hours[0]` or `hours.0`, counts as its list).
 */
export function firstPerField(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  const base = (field: string) => field.replace(/(\[\d+\]|\.\d+)+$/, '');
  return problems.filter((p) => (seen.has(base(p.field)) ? false : (seen.add(base(p.field)), true)));
}
