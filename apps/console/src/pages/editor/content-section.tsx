import { type ReactNode, useMemo, useState } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import type { ApiError } from '../../lib/api';
import { charCount } from '../../lib/text';
import type { ItemDetail, Organisation } from '../../lib/types';
import { AttachmentsField } from './attachments-field';
import type { Form } from './editor-form';
import type { HighlightTerm } from './findings-highlight';
import { RichText } from './rich-text';

const fid = (f: string) => `f-${f}`;

/** 内容: the organisation it is written for, 标题, 摘要, 正文 (open body findings highlighted), 附件. */
export function ContentSection({
  form,
  item,
  editorOrgs,
  onOrganisation,
  update,
  err,
  error,
}: {
  form: Form;
  item: ItemDetail | null;
  editorOrgs: Organisation[];
  onOrganisation(organisationId: string): void;
  update<K extends keyof Form>(k: K, v: Form[K]): void;
  err(field: string): ReactNode;
  error: ApiError | undefined;
}) {
  const [imageError, setImageError] = useState<ApiError>();
  const terms = useMemo<HighlightTerm[]>(() => {
    if (!item) return [];
    const decode = (s: string) => new DOMParser().parseFromString(`<body>${s}</body>`, 'text/html').body.textContent ?? '';
    return item.findings
      .filter((f) => f.field === 'bodyHtml' && f.status === 'open')
      .map((f) => ({ text: decode(item.bodyHtml.slice(f.start, f.end)), severity: f.severity, message: f.message }))
      .filter((t) => t.text.trim());
  }, [item]);

  return (
    <section className="card" aria-labelledby="h-content">
      <h2 id="h-content">内容</h2>
      <div className="field">
        <label htmlFor={fid('organisationId')}>所属机构</label>
        <select id={fid('organisationId')} value={form.organisationId} disabled={!!item} onChange={(e) => onOrganisation(e.target.value)}>
          {editorOrgs.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
        {err('organisationId')}
      </div>
      <div className="field">
        <label htmlFor={fid('title')}>
          标题 <span className="req">（必填）</span> <span className="counter">{charCount(form.title)} / 200</span>
        </label>
        <input
          id={fid('title')}
          value={form.title}
          onChange={(e) => update('title', e.target.value)}
          required
          maxLength={200}
          aria-describedby={`${fid('title')}-err`}
          aria-invalid={!!error?.forField('title').length}
        />
        {err('title')}
      </div>
      <div className="field">
        <label htmlFor={fid('summary')}>
          摘要 <span className="counter">{charCount(form.summary)} / 500</span>
        </label>
        <textarea
          id={fid('summary')}
          rows={2}
          value={form.summary}
          onChange={(e) => update('summary', e.target.value)}
          maxLength={500}
          aria-describedby={`${fid('summary')}-err`}
        />
        {err('summary')}
      </div>
      <div className="field">
        <span className="label" id="body-label">
          正文
        </span>
        <RichText
          value={form.bodyHtml}
          onChange={(html) => update('bodyHtml', html)}
          terms={terms}
          describedBy={`${fid('bodyHtml')}-err`}
          onUploadError={setImageError}
        />
        <ErrorBanner error={imageError} />
        {err('bodyHtml')}
      </div>
      <AttachmentsField value={form.attachments} onChange={(v) => update('attachments', v)} err={err} />
    </section>
  );
}
