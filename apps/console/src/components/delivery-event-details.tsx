import { callWords, eventMessage } from '../lib/delivery-words';
import type { DeliveryEventRecord } from '../../../../libs/domain/src/entities/delivery-event.types';

type EventParts = Pick<DeliveryEventRecord, 'call' | 'response' | 'errorCode' | 'message' | 'durationMs'>;

/**
 * What one delivery event did, in words (the call, how long it took, the message), and the raw call,
 * answer and error code folded under 技术详情 for support.
 */
export function DeliveryEventDetails({ e }: { e: EventParts }) {
  const message = eventMessage(e.message, e.errorCode);
  const raw = [
    e.call && `调用：${e.call}`,
    e.response && `返回：${e.response}`,
    e.errorCode && `错误代码：${e.errorCode}`,
    e.message && message !== e.message && `原文：${e.message}`,
  ].filter(Boolean);
  return (
    <>
      {e.call ? (
        <div className="small">
          {callWords(e.call)}
          {e.durationMs !== null ? `（用时 ${e.durationMs} 毫秒）` : ''}
        </div>
      ) : null}
      {message ? <div className={e.errorCode ? 'err-text' : 'muted'}>{message}</div> : null}
      {raw.length ? (
        <details className="tech-details">
          <summary className="small muted">技术详情</summary>
          <pre className="mono small">{raw.join('\n')}</pre>
        </details>
      ) : null}
    </>
  );
}
