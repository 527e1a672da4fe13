import { useState } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api } from '../../lib/api';
import { useAsync, useSubmit } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import type { LedScreen, LedScreenDetail, LedSync } from './led-types';
import { platformWords } from '../../lib/delivery-words';

const COLOUR: Record<string, string> = { single: '单色', dual: '双色', full: '全彩' };

/** 政务大厅LED显示屏: each screen's current program as the frames the server rendered, and the last acknowledgement. */
export function LedPanel() {
  const screens = useAsync(() => api.get<LedScreen[]>('/led/screens'), []);
  if (screens.loading && !screens.data) return <Loading what="显示屏" />;
  if (screens.error) return <ErrorBanner error={screens.error} />;
  if (!screens.data?.length) return <p className="muted">没有登记的LED显示屏。</p>;
  return (
    <div className="led-screens" data-testid="led-panel">
      {screens.data.map((s) => (
        <Screen key={s.id} s={s} onChanged={() => void screens.reload()} />
      ))}
    </div>
  );
}

function Screen({ s, onChanged }: { s: LedScreen; onChanged(): void }) {
  const detail = useAsync(() => api.get<LedScreenDetail>(`/led/screens/${s.id}`), [s.id, s.currentVersion]);
  const [notice, setNotice] = useState('');
  const pull = s.settings.protocol === 'pull';
  const acked = pull ? s.lastFetchVersion : s.lastPushVersion;
  const ackAt = pull ? s.lastFetchAt : (detail.data?.program?.ackedAt ?? s.lastPushAt);
  const sync = useSubmit(async () => {
    const r = await api.post<LedSync>(`/led/screens/${s.id}/sync`);
    setNotice(`节目版本 ${r.version}${r.pushed ? '，已推送到控制器' : ''}${r.expired ? `，移除过期条目 ${r.expired} 条` : ''}`);
    onChanged();
    await detail.reload();
  });
  return (
    <section className="card" aria-labelledby={`led-${s.id}`} data-screen={s.id}>
      <div className="page-head">
        <h3 id={`led-${s.id}`}>
          {s.name} <small className="muted">{s.settings.location}</small>
        </h3>
        <button type="button" className="btn btn-small" onClick={() => void sync.run()}>
          立即更新
        </button>
      </div>
      <p>
        {s.settings.width}×{s.settings.height} · {COLOUR[s.settings.colourMode] ?? s.settings.colourMode} ·{' '}
        {pull ? '播放端拉取' : `控制器推送（${s.settings.deviceId}）`} · 在播 {s.activeEntries} 条
      </p>
      <p data-testid="led-ack">
        当前节目版本：{s.currentVersion ?? '—'}；{pull ? '播放端最近拉取' : '控制器最近确认'}：{ackAt ? `${fmtTime(ackAt)}（版本 ${acked ?? '—'}）` : '从未'}
        {s.currentVersion && acked !== s.currentVersion ? <strong className="err-text">，最新版本尚未{pull ? '拉取' : '确认'}</strong> : null}
      </p>
      {s.status !== 'active' ? <p className="alert alert-error">屏幕需处理：{platformWords(s.statusReason)}</p> : null}
      {s.lastError ? (
        <p className="alert alert-warn">
          最近错误（{fmtTime(s.lastErrorAt)}）：{s.lastError}
        </p>
      ) : null}
      <ErrorBanner error={sync.error ?? detail.error} />
      {notice ? <p className="alert alert-ok">{notice}</p> : null}
      {detail.data?.program?.emergency ? <p className="alert alert-error">正在紧急插播</p> : null}
      <div className="preview-images">
        {(detail.data?.frames ?? []).slice(0, 8).map((f) => (
          <figure key={f.n}>
            <img className="pixelated led-frame" src={f.url} alt={`第 ${f.n} 幅：${f.text}`} width={Math.min(f.width * 3, 640)} />
            <figcaption>
              第 {f.n} 幅 · {f.text}
            </figcaption>
          </figure>
        ))}
      </div>
      {detail.data?.entries.length ? (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">条目</th>
              <th scope="col">显示时段</th>
              <th scope="col">优先级</th>
              <th scope="col">状态</th>
            </tr>
          </thead>
          <tbody>
            {detail.data.entries.slice(0, 20).map((e) => (
              <tr key={e.id}>
                <th scope="row">
                  {e.emergency ? <strong className="err-text">【紧急】</strong> : null}
                  {e.text}
                </th>
                <td>
                  {fmtTime(e.displayFrom)} – {fmtTime(e.displayTo)}
                </td>
                <td>{e.priority}</td>
                <td>{e.status === 'active' ? '在播' : `已移除${e.removedReason ? `（${e.removedReason}）` : ''}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
