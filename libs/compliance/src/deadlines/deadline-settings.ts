/**
 * Per-organisation settings of the deadline and staleness checks, read from organisations.settings
 * (jsonb) with defaults, so a county can tune them without a deployment:
 *
 *   portalColumns: [{ name: '通知公告', periodDays: 14 }, …]   or   { '通知公告': 14, … }
 *   portalColumnDefaultDays: 30          period of a column without its own, and of unconfigured ones
 *   newMediaMaxIdleDays: 14              政务新媒体 “两周无更新”
 *   interpretationKinds: ['regulation', 'normative']   kinds whose policies need a 政策解读
 */
export const DEFAULT_PORTAL_COLUMN_DAYS = 30;
export const DEFAULT_NEW_MEDIA_IDLE_DAYS = 14;
export const DEFAULT_INTERPRETATION_KINDS = ['regulation', 'normative'];

export interface PortalColumnSetting {
  name: string;
  periodDays: number;
}

function positiveInt(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 3660 ? n : null;
}

/** `fallback`: the channel's own rule (capabilities.staleness.maxDays) when the organisation set none. */
export function portalColumnDefaultDays(settings: Record<string, unknown> | null | undefined, fallback = DEFAULT_PORTAL_COLUMN_DAYS): number {
  return positiveInt(settings?.portalColumnDefaultDays) ?? fallback;
}

/**
 * The configured columns, or null when none are configured (then every 主题分类 the portal has
 * published in is watched with the default period). Malformed entries are skipped, not fatal: a typo
 * in one column's settings must not hide the others' warnings.
 */
export function configuredPortalColumns(
  settings: Record<string, unknown> | null | undefined,
  fallback = DEFAULT_PORTAL_COLUMN_DAYS,
): PortalColumnSetting[] | null {
  const raw = settings?.portalColumns;
  if (raw === undefined || raw === null) return null;
  const def = portalColumnDefaultDays(settings, fallback);
  const out = new Map<string, number>();
  if (Array.isArray(raw)) {
    for (const c of raw) {
      if (typeof c === 'string' && c.trim()) out.set(c.trim(), def);
      else if (c && typeof c === 'object' && typeof (c as { name?: unknown }).name === 'string' && (c as { name: string }).name.trim()) {
        out.set((c as { name: string }).name.trim(), positiveInt((c as { periodDays?: unknown }).periodDays) ?? def);
      }
    }
  } else if (typeof raw === 'object') {
    for (const [name, days] of Object.entries(raw as Record<string, unknown>)) if (name.trim()) out.set(name.trim(), positiveInt(days) ?? def);
  } else {
    return null;
  }
  return [...out].map(([name, periodDays]) => ({ name, periodDays }));
}

/** `fallback`: the channel's own rule (capabilities.staleness.maxDays) when the organisation set none. */
export function newMediaMaxIdleDays(settings: Record<string, unknown> | null | undefined, fallback = DEFAULT_NEW_MEDIA_IDLE_DAYS): number {
  return positiveInt(settings?.newMediaMaxIdleDays) ?? fallback;
}

export function interpretationKinds(settings: Record<string, unknown> | null | undefined): string[] {
  const v = settings?.interpretationKinds;
  return Array.isArray(v) && v.every((k) => typeof k === 'string') && v.length ? (v as string[]) : DEFAULT_INTERPRETATION_KINDS;
}
