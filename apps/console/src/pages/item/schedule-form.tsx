import { FormEvent, useState } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import { api } from '../../lib/api';
import { useSubmit } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import { fromBeijingInput, toBeijingInput } from '../../lib/beijing-time';

/**
 * 定时发布 of an approved item that has not gone out yet: move the time (its deliveries follow) or
 * call it off (deliveries not yet sent are cancelled). Reviewers, operators and admins.
 */
export function ScheduleForm({ id, publishAt, onDone }: { id: string; publishAt: string; onDone(msg: string): void }) {
  const [when, setWhen] = useState(toBeijingInput(publishAt));
  const [reason, setReason] = useState('');
  const { run, error } = useSubmit(async (path: string, body: unknown, msg: string) => {
    await api.post(`/items/${id}/${path}`, body);
    onDone(msg);
  });
  const move = (e: FormEvent) => {
    e.preventDefault();
    const iso = fromBeijingInput(when);
    if (!iso) return;
    void run('schedule', { publishAt: iso }, `发布时间已调整为 ${fmtTime(iso)}`);
  };
  return (
    <section className="card" aria-labelledby="h-schedule">
      <h2 id="h-schedule">定时发布：{fmtTime(publishAt)}</h2>
      <ErrorBanner error={error} />
      <form className="inline-form" onSubmit={move}>
        <label htmlFor="sch-when">调整为（北京时间）</label>
        <input id="sch-when" type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} required />
        <button type="submit" className="btn" disabled={!when}>
          调整时间
        </button>
        <button type="button" className="btn" onClick={() => void run('schedule', { publishAt: null }, '已改为立即发布')}>
          立即发布
        </button>
      </form>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run('schedule/cancel', { reason: reason.trim() }, '已取消定时发布');
        }}
      >
        <label htmlFor="sch-reason">取消原因</label>
        <input id="sch-reason" value={reason} onChange={(e) => setReason(e.target.value)} required />
        <button type="submit" className="btn btn-danger" disabled={!reason.trim()}>
          取消定时发布
        </button>
      </form>
    </section>
  );
}
