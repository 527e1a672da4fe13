import { EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';

/**
 * 索引号 from the organisation's scheme. Tokens: {orgCode}, {yyyy}, {mm}, {seq:N} (per organisation
 * and year, zero-padded to N digits). The sequence row is locked by the UPSERT, so two editors never
 * get the same number.
 */
export function validateScheme(scheme: string): void {
  if (!/\{seq(:\d)?\}/.test(scheme)) {
    throw AppError.validation([{ field: 'indexScheme', reason: 'must contain {seq} or {seq:N}' }]);
  }
  const unknown = [...scheme.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).filter((t) => !/^(orgCode|yyyy|mm|seq(:\d)?)$/.test(t));
  if (unknown.length) throw AppError.validation([{ field: 'indexScheme', reason: `unknown token {${unknown[0]}}` }]);
}

export function formatIndexNo(scheme: string, orgCode: string, year: number, month: number, seq: number): string {
  return scheme
    .replace(/\{orgCode\}/g, orgCode)
    .replace(/\{yyyy\}/g, String(year))
    .replace(/\{mm\}/g, String(month).padStart(2, '0'))
    .replace(/\{seq(?::(\d))?\}/g, (_, n) => String(seq).padStart(n ? Number(n) : 1, '0'));
}

export async function nextIndexNo(em: EntityManager, org: { id: string; code: string; indexScheme: string }, at: Date): Promise<string> {
  const bj = new Date(at.getTime() + 8 * 3600_000);
  const year = bj.getUTCFullYear();
  const rows = await em.query(
    `INSERT INTO index_sequences (organisation_id, year, last_seq) VALUES ($1, $2, 1)
     ON CONFLICT (organisation_id, year) DO UPDATE SET last_seq = index_sequences.last_seq + 1
     RETURNING last_seq`,
    [org.id, year],
  );
  return formatIndexNo(org.indexScheme, org.code, year, bj.getUTCMonth() + 1, rows[0].last_seq);
}
