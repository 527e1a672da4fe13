import { AppError, FieldProblem } from '@app/common/errors/app-error';
import { parseDate } from './period';
import type { CheckResult, Signoff } from './report-doc.types';
import type { ManualType, ReportTemplate } from './report-template';
import { parseSignedInteger } from './signed-manual';

/** Manual values are kept as decimal strings (numeric in Postgres) so 万元 amounts stay exact. */
export type ManualValue = string;

const MAX_VALUE = 1e12;

/** Validates one manual value against its type; returns the canonical decimal string or a reason. */
export function parseManualValue(type: ManualType, v: unknown): { value: ManualValue } | { reason: string } {
  if (type === 'signedInteger') return parseSignedInteger(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { reason: '必须是数字' };
    if (v < 0) return { reason: type === 'integer' ? '不能为负数（须为非负整数）' : '不能为负数' };
    if (type === 'integer' && !Number.isInteger(v)) return { reason: '必须是非负整数' };
    if (v > MAX_VALUE) return { reason: '数值过大' };
    if (type === 'decimal' && Math.round(v * 10000) / 10000 !== v) return { reason: '最多保留4位小数' };
    return { value: String(v) };
  }
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^-/.test(s) && /^-\d+(\.\d+)?$/.test(s)) return { reason: type === 'integer' ? '不能为负数（须为非负整数）' : '不能为负数' };
    if (type === 'integer') {
      if (!/^\d+$/.test(s)) return { reason: '必须是非负整数' };
    } else if (!/^\d+(\.\d{1,4})?$/.test(s)) {
      return { reason: /^\d+\.\d+$/.test(s) ? '最多保留4位小数' : '必须是数字' };
    }
    if (Number(s) > MAX_VALUE) return { reason: '数值过大' };
    return { value: s.replace(/^0+(?=\d)/, '') };
  }
  return { reason: type === 'integer' ? '必须是非负整数' : '必须是数字' };
}

/**
 * Validates a manual-entry request body {entries: {cellId: value | null}} against a template.
 * null removes an entry. Every problem is reported at once (400 VALIDATION_FAILED).
 */
export function validateManualEntries(tpl: ReportTemplate, entries: unknown): Map<string, ManualValue | null> {
  const problems: FieldProblem[] = [];
  const out = new Map<string, ManualValue | null>();
  if (!entries || typeof entries !== 'object' || Array.isArray(entries)) {
    throw AppError.validation([{ field: 'entries', reason: '必须是“单元格编号: 数值”的对象' }]);
  }
  const keys = Object.keys(entries as object);
  if (!keys.length) throw AppError.validation([{ field: 'entries', reason: '不能为空' }]);
  for (const cellId of keys) {
    const field = `entries.${cellId}`;
    const hit = tpl.cellIndex.get(cellId);
    if (!hit) {
      problems.push({ field, reason: '报表中没有该单元格' });
      continue;
    }
    if (!hit.cell.manual) {
      problems.push({ field, reason: '该单元格由系统计算，不能手工填报' });
      continue;
    }
    const v = (entries as Record<string, unknown>)[cellId];
    if (v === null) {
      out.set(cellId, null);
      continue;
    }
    const r = parseManualValue(hit.cell.manual, v);
    if ('reason' in r) problems.push({ field, reason: r.reason });
    else out.set(cellId, r.value);
  }
  if (problems.length) throw AppError.validation(problems);
  return out;
}

/** Validates the sign-off of a freeze (all five fields of the official footer). */
export function validateSignoff(raw: unknown): Signoff {
  const s = (raw ?? {}) as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const text = (k: keyof Signoff, label: string, max = 50) => {
    const v = s[k];
    if (typeof v !== 'string' || !v.trim()) problems.push({ field: `signoff.${k}`, reason: `请填写${label}` });
    else if (v.trim().length > max) problems.push({ field: `signoff.${k}`, reason: `${label}过长` });
    return typeof v === 'string' ? v.trim() : '';
  };
  const out: Signoff = {
    unitHead: text('unitHead', '单位负责人'),
    reviewer: text('reviewer', '审核人'),
    preparer: text('preparer', '填报人'),
    phone: text('phone', '联系电话', 30),
    filledDate: text('filledDate', '填报日期', 10),
  };
  if (out.phone && !/^[0-9+()\- 转]{5,30}$/.test(out.phone)) problems.push({ field: 'signoff.phone', reason: '联系电话格式不正确' });
  if (out.filledDate && !parseDate(out.filledDate)) problems.push({ field: 'signoff.filledDate', reason: '日期格式应为 YYYY-MM-DD' });
  if (problems.length) throw AppError.validation(problems);
  return out;
}

/** Exact decimal arithmetic on 万元 amounts: work in 1/10000 units. */
const SCALE = 10000;
function scaled(v: number | null | undefined): number {
  return Math.round((v ?? 0) * SCALE);
}

/** Fills every `sum` cell from the cells it adds up (templates are acyclic, checked at load). */
export function computeSums(tpl: ReportTemplate, values: Map<string, number | null>): void {
  const resolve = (id: string): number => {
    const known = values.get(id);
    const cell = tpl.cellIndex.get(id)!.cell;
    if (!cell.sum) return known ?? 0;
    if (known !== undefined && known !== null) return known;
    const total = cell.sum.reduce((s, ref) => s + scaled(resolve(ref)), 0) / SCALE;
    values.set(id, total);
    return total;
  };
  for (const { cell } of tpl.cellIndex.values()) if (cell.sum) resolve(cell.id);
}

function fmt(v: number): string {
  return String(Math.round(v * SCALE) / SCALE);
}

/** Evaluates the template's checks; missing values count as 0. */
export function evaluateChecks(tpl: ReportTemplate, values: Map<string, number | null>): CheckResult[] {
  return tpl.checks.map((c) => {
    const l = c.lhs.reduce((s, id) => s + scaled(values.get(id)), 0);
    const r = c.rhs.reduce((s, id) => s + scaled(values.get(id)), 0);
    const ok = c.op === '=' ? l === r : c.op === '<=' ? l <= r : l >= r;
    const side = (ids: string[]) => (ids.length ? ids.map((id) => fmt(values.get(id) ?? 0)).join(' + ') : '0');
    const sym = c.op === '=' ? (ok ? '=' : '≠') : c.op === '<=' ? (ok ? '≤' : '>') : ok ? '≥' : '<';
    return {
      id: c.id,
      label: c.label,
      severity: c.severity,
      ok,
      op: c.op,
      lhs: l / SCALE,
      rhs: r / SCALE,
      detail: `${side(c.lhs)} ${sym} ${side(c.rhs)}`,
    };
  });
}
