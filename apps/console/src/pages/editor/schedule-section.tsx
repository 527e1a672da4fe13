import type { ReactNode } from 'react';
import { fromBeijingInput, toBeijingInput } from '../../lib/beijing-time';

/** 发布时间: at approval, or at a time of the editor's choosing (Beijing time). */
export function ScheduleSection({
  schedule,
  onSchedule,
  publishAt,
  onPublishAt,
  err,
}: {
  schedule: boolean;
  onSchedule(on: boolean): void;
  publishAt: string;
  onPublishAt(iso: string): void;
  err(field: string): ReactNode;
}) {
  return (
    <section className="card" aria-labelledby="h-schedule">
      <h2 id="h-schedule">发布时间</h2>
      <div className="field-inline">
        <input type="radio" id="when-now" name="when" checked={!schedule} onChange={() => onSchedule(false)} />
        <label htmlFor="when-now">审核通过后立即发布</label>
      </div>
      <div className="field-inline">
        <input type="radio" id="when-later" name="when" checked={schedule} onChange={() => onSchedule(true)} />
        <label htmlFor="when-later">定时发布</label>
      </div>
      {schedule ? (
        <div className="field">
          <label htmlFor="f-publishAt">发布时间（北京时间）</label>
          <input
            id="f-publishAt"
            type="datetime-local"
            value={publishAt ? toBeijingInput(publishAt) : ''}
            onChange={(e) => onPublishAt(e.target.value ? (fromBeijingInput(e.target.value) ?? '') : '')}
            aria-describedby="f-publishAt-err"
          />
          {err('publishAt')}
        </div>
      ) : null}
    </section>
  );
}
