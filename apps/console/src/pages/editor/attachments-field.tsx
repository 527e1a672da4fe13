import { type ReactNode, useState } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import { ApiError, upload } from '../../lib/api';
import { fmtBytes } from '../../lib/labels';
import type { Attachment } from '../../lib/types';

/** 附件: uploaded first (POST /uploads), listed with their size, each removable. */
export function AttachmentsField({ value, onChange, err }: { value: Attachment[]; onChange(v: Attachment[]): void; err(field: string): ReactNode }) {
  const [attachError, setAttachError] = useState<ApiError>();
  const add = async (files: FileList | null) => {
    if (!files?.length) return;
    setAttachError(undefined);
    try {
      const added: Attachment[] = [];
      for (const f of [...files]) {
        const r = await upload(f, 'attachment');
        added.push({ name: r.name, url: r.url, mime: r.mime, size: r.size });
      }
      onChange([...value, ...added]);
    } catch (e) {
      setAttachError(e as ApiError);
    }
  };
  return (
    <div className="field">
      <label htmlFor="f-attach">附件（PDF、OFD、Word、Excel、WPS、压缩包）</label>
      {value.length ? (
        <ul className="attachments" data-testid="attachments">
          {value.map((a, i) => (
            <li key={a.url}>
              <a href={a.url} target="_blank" rel="noopener noreferrer">
                {a.name}
              </a>{' '}
              <span className="muted">{fmtBytes(a.size)}</span>{' '}
              <button type="button" className="btn btn-small" onClick={() => onChange(value.filter((_, j) => j !== i))} aria-label={`移除附件 ${a.name}`}>
                移除
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <input
        id="f-attach"
        type="file"
        multiple
        onChange={(e) => {
          void add(e.target.files);
          e.target.value = '';
        }}
        data-testid="attachment-input"
      />
      <ErrorBanner error={attachError} />
      {err('attachments')}
    </div>
  );
}
