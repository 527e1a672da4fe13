import type { ReactNode } from 'react';
import { CATEGORIES, DISCLOSURE_ATTRS, KIND_LABELS, KINDS, VALIDITIES } from '../../lib/labels';
import type { Item, ItemDetail } from '../../lib/types';
import type { Form } from './editor-form';

const fid = (f: string) => `f-${f}`;

/** 政务公开目录信息: 索引号, kind, 文号, 发布机构, 成文日期, 主题分类, 公开属性, 有效性 + 废止日期, the policy an interpretation explains. */
export function MetadataSection({
  form,
  item,
  update,
  err,
  policies,
}: {
  form: Form;
  item: ItemDetail | null;
  update<K extends keyof Form>(k: K, v: Form[K]): void;
  err(field: string): ReactNode;
  policies: Item[];
}) {
  const isInterpretation = form.kind === 'interpretation';
  return (
    <section className="card" aria-labelledby="h-meta">
      <h2 id="h-meta">政务公开目录信息</h2>
      <div className="grid-2">
        <div className="field">
          <span className="label">索引号</span>
          <output className="mono" aria-live="polite">
            {item?.indexNo ?? '保存后按本机构规则自动生成'}
          </output>
        </div>
        <div className="field">
          <label htmlFor={fid('kind')}>信息类别</label>
          <select id={fid('kind')} value={form.kind} onChange={(e) => update('kind', e.target.value)} aria-describedby={`${fid('kind')}-err`}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
          {err('kind')}
        </div>
        <div className="field">
          <label htmlFor={fid('docNo')}>文号</label>
          <input
            id={fid('docNo')}
            value={form.docNo}
            placeholder="如 示政办发〔2026〕12号"
            onChange={(e) => update('docNo', e.target.value)}
            aria-describedby={`${fid('docNo')}-err`}
          />
          {err('docNo')}
        </div>
        <div className="field">
          <label htmlFor={fid('issuingBody')}>发布机构</label>
          <input
            id={fid('issuingBody')}
            value={form.issuingBody}
            onChange={(e) => update('issuingBody', e.target.value)}
            aria-describedby={`${fid('issuingBody')}-err`}
          />
          {err('issuingBody')}
        </div>
        <div className="field">
          <label htmlFor={fid('writtenDate')}>成文日期</label>
          <input
            id={fid('writtenDate')}
            type="date"
            value={form.writtenDate}
            onChange={(e) => update('writtenDate', e.target.value)}
            aria-describedby={`${fid('writtenDate')}-err`}
          />
          {err('writtenDate')}
        </div>
        <div className="field">
          <label htmlFor={fid('category')}>主题分类</label>
          <input
            id={fid('category')}
            list="category-list"
            value={form.category}
            onChange={(e) => update('category', e.target.value)}
            aria-describedby={`${fid('category')}-err`}
          />
          <datalist id="category-list">
            {CATEGORIES.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
          {err('category')}
        </div>
        <div className="field">
          <label htmlFor={fid('disclosureAttr')}>公开属性</label>
          <select id={fid('disclosureAttr')} value={form.disclosureAttr} onChange={(e) => update('disclosureAttr', e.target.value)}>
            {DISCLOSURE_ATTRS.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
          {err('disclosureAttr')}
        </div>
        <div className="field">
          <label htmlFor={fid('validity')}>有效性</label>
          <select id={fid('validity')} value={form.validity} onChange={(e) => update('validity', e.target.value)}>
            {VALIDITIES.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
          {err('validity')}
        </div>
        {form.validity === '废止' || form.validity === '失效' || form.repealedDate ? (
          <div className="field">
            <label htmlFor={fid('repealedDate')}>废止日期</label>
            <input
              id={fid('repealedDate')}
              type="date"
              value={form.repealedDate}
              onChange={(e) => update('repealedDate', e.target.value)}
              aria-describedby={`${fid('repealedDate')}-err`}
            />
            {err('repealedDate')}
          </div>
        ) : null}
        {isInterpretation ? (
          <div className="field">
            <label htmlFor={fid('policyItemId')}>
              所解读的政策文件 <span className="req">（政策解读必填）</span>
            </label>
            <select
              id={fid('policyItemId')}
              value={form.policyItemId}
              onChange={(e) => update('policyItemId', e.target.value)}
              aria-describedby={`${fid('policyItemId')}-err`}
            >
              <option value="">请选择</option>
              {policies.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.title}（{p.indexNo}）
                </option>
              ))}
            </select>
            {err('policyItemId')}
          </div>
        ) : null}
      </div>
    </section>
  );
}
