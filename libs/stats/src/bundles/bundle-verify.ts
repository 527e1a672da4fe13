import type { KeyObject } from 'crypto';
import { AppError, FieldProblem } from '@app/common/errors/app-error';
import { computeSums, evaluateChecks } from '../report-logic';
import type { ReportTemplate } from '../report-template';
import { BUNDLE_FORMAT, BundleEnvelope } from './bundle.types';
import { canonicalDigest, canonicalJson } from './canonical-json';
import { verifyText } from './ed25519-keys';

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** The shape of an uploaded bundle (400 VALIDATION_FAILED naming each field that is not what a bundle has). */
export function parseEnvelope(raw: unknown): BundleEnvelope {
  const p: FieldProblem[] = [];
  const need = (ok: boolean, field: string, reason: string) => {
    if (!ok) p.push({ field: `bundle.${field}`, reason });
  };
  if (!isObj(raw)) throw AppError.validation([{ field: 'bundle', reason: '请上传报送包（JSON 文件内容）' }]);
  const sig = raw.signature;
  need(isObj(sig) && sig.alg === 'Ed25519' && isStr(sig.keyId) && isStr(sig.value), 'signature', '缺少签名或签名格式不正确');
  const pl = raw.payload;
  if (!isObj(pl)) {
    need(false, 'payload', '缺少报送内容');
    throw AppError.validation(p);
  }
  need(pl.format === BUNDLE_FORMAT, 'payload.format', '不是本系统生成的报送包');
  need(isObj(pl.template) && isStr(pl.template.id), 'payload.template', '缺少报表模板');
  need(isObj(pl.organisation) && isStr(pl.organisation.name) && isStr(pl.organisation.code), 'payload.organisation', '缺少报送机构');
  need(isObj(pl.period) && Number.isInteger(pl.period.year) && isStr(pl.period.from) && isStr(pl.period.to), 'payload.period', '缺少报告期');
  need(isObj(pl.frozen) && isStr(pl.frozen.frozenAt) && !Number.isNaN(Date.parse(pl.frozen.frozenAt)), 'payload.frozen', '缺少封存信息或封存时间无效');
  need(isObj(pl.signoff), 'payload.signoff', '缺少签署信息');
  need(typeof pl.subtree === 'boolean', 'payload.subtree', '缺少统计范围');
  need(
    isObj(pl.figures) && Object.values(pl.figures).every((v) => v === null || (typeof v === 'number' && Number.isFinite(v))),
    'payload.figures',
    '统计数必须是数字',
  );
  need(
    Array.isArray(pl.manual) && pl.manual.every((m) => isObj(m) && isStr(m.cellId) && typeof m.value === 'number'),
    'payload.manual',
    '手工填报项格式不正确',
  );
  need(Array.isArray(pl.checks), 'payload.checks', '缺少校验结果');
  const drillOk =
    isObj(pl.drill) &&
    Object.values(pl.drill).every(
      (d) => isObj(d) && Number.isInteger(d.count) && isStr(d.digest) && Array.isArray(d.items) && d.items.every((i) => isObj(i) && isStr(i.itemId)),
    );
  need(drillOk, 'payload.drill', '明细清单格式不正确');
  if (p.length) throw AppError.validation(p);
  return raw as unknown as BundleEnvelope;
}

/** 422 BUNDLE_TAMPERED unless `key` signed exactly this payload. */
export function assertSignature(env: BundleEnvelope, key: KeyObject): void {
  if (!verifyText(canonicalJson(env.payload), env.signature.value, key)) {
    throw AppError.unprocessable('BUNDLE_TAMPERED', '报送包签名校验失败：内容在签名后被改动，或不是登记的报送单位密钥所签', [
      { field: 'bundle.signature', reason: '签名与报送内容不符（报送包被篡改）' },
    ]);
  }
}

/** 422 BUNDLE_WRONG_PERIOD when the bundle is not the whole year being collected. */
export function assertPeriod(env: BundleEnvelope, year: number): void {
  const pd = env.payload.period;
  if (pd.year !== year || pd.from !== `${year}-01-01` || pd.to !== `${year}-12-31`) {
    throw AppError.unprocessable('BUNDLE_WRONG_PERIOD', `报送期间不符：报送包为${pd.year}年度（${pd.from} 至 ${pd.to}），本次收取的是${year}年度`, [
      { field: 'bundle.payload.period', reason: `报送包为${pd.year}年度，应为${year}年度` },
    ]);
  }
}

/**
 * What the signature cannot vouch for: that the sender's numbers hang together under this
 * installation's copy of the template. Per computed cell the list of items is digested and counted
 * (BUNDLE_TAMPERED when a digest or a count is off); sums are re-added, the template's checks re-run
 * and the bundle's own check results compared (BUNDLE_CHECKS_FAILED).
 */
export function verifyContent(env: BundleEnvelope, tpl: ReportTemplate): void {
  const pl = env.payload;
  const digestProblems: FieldProblem[] = [];
  const arith: FieldProblem[] = [];
  for (const id of Object.keys(pl.figures))
    if (!tpl.cellIndex.has(id)) arith.push({ field: `bundle.payload.figures.${id}`, reason: '本级报表模板中没有该单元格' });
  for (const id of Object.keys(pl.drill))
    if (!tpl.cellIndex.get(id)?.cell.metric) digestProblems.push({ field: `bundle.payload.drill.${id}`, reason: '该单元格不是计算项，不应有明细' });
  const values = new Map<string, number | null>();
  for (const { cell } of tpl.cellIndex.values()) {
    const v = pl.figures[cell.id];
    if (v === undefined) {
      arith.push({ field: `bundle.payload.figures.${cell.id}`, reason: '缺少该单元格' });
      continue;
    }
    if (cell.metric) {
      const d = pl.drill[cell.id];
      if (!d) digestProblems.push({ field: `bundle.payload.drill.${cell.id}`, reason: '缺少该单元格的明细清单' });
      else if (canonicalDigest(d.items) !== d.digest)
        digestProblems.push({ field: `bundle.payload.drill.${cell.id}.digest`, reason: '明细清单的摘要与内容不符' });
      else if (d.items.length !== d.count || d.count !== v)
        digestProblems.push({ field: `bundle.payload.drill.${cell.id}`, reason: `明细${d.items.length}条，与统计数${v}不符` });
    }
    if (!cell.sum) values.set(cell.id, v);
  }
  const manualById = new Map(pl.manual.map((m) => [m.cellId, m]));
  for (const m of pl.manual) {
    const cell = tpl.cellIndex.get(m.cellId)?.cell;
    if (!cell?.manual) arith.push({ field: `bundle.payload.manual.${m.cellId}`, reason: '该单元格不是手工填报项' });
    else if (pl.figures[m.cellId] !== m.value)
      arith.push({ field: `bundle.payload.manual.${m.cellId}`, reason: `填报值${m.value}与统计数${pl.figures[m.cellId]}不符` });
  }
  for (const { cell } of tpl.cellIndex.values()) {
    if (cell.manual && pl.figures[cell.id] !== null && pl.figures[cell.id] !== undefined && !manualById.has(cell.id)) {
      arith.push({ field: `bundle.payload.manual.${cell.id}`, reason: '手工填报数缺少填报人记录' });
    }
  }
  if (digestProblems.length) {
    throw AppError.unprocessable(
      'BUNDLE_TAMPERED',
      `报送包明细校验未通过：${digestProblems[0].field.replace(/^bundle\.payload\./, '')} ${digestProblems[0].reason}`,
      digestProblems,
    );
  }
  if (!arith.length) {
    computeSums(tpl, values);
    for (const { cell } of tpl.cellIndex.values()) {
      if (cell.sum && Math.abs((values.get(cell.id) ?? 0) - (pl.figures[cell.id] ?? 0)) > 1e-9) {
        arith.push({ field: `bundle.payload.figures.${cell.id}`, reason: `合计应为${values.get(cell.id)}，报送包为${pl.figures[cell.id]}` });
      }
    }
    const declared = new Map(pl.checks.map((c) => [c.id, c]));
    for (const c of evaluateChecks(tpl, values)) {
      if (c.severity === 'error' && !c.ok) arith.push({ field: `bundle.payload.checks.${c.id}`, reason: `${c.label}：${c.detail}` });
      else if (declared.has(c.id) && declared.get(c.id)!.ok !== c.ok)
        arith.push({ field: `bundle.payload.checks.${c.id}`, reason: `校验结果与报送包所附不符（${c.detail}）` });
    }
  }
  if (arith.length) {
    throw AppError.unprocessable('BUNDLE_CHECKS_FAILED', `报送包数字校验未通过：${arith[0].field.replace(/^bundle\.payload\./, '')} ${arith[0].reason}`, arith);
  }
}
