import * as crypto from 'crypto';
import type { MassMessage } from './wechat-mass.types';
import { WechatSimAccountExtras } from './wechat-sim-account-extras';

/**
 * MASSSENDJOBFINISH as pushed to the account's server URL. Shape from a live capture (community doc
 * 00000c2a54c2a83059ecb9ba056c00; PLATFORM.md §1.6): <MsgID> with a capital D, Status "send success" |
 * "send fail" | "err(n)" (chanxuehong/wechat mp/message/mass/event.go), counts, CopyrightCheckResult and
 * ArticleUrlResult.
 */
export function massEventXml(ghid: string, m: MassMessage, now: number): string {
  const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
  const total = m.status === 'SEND_SUCCESS' ? 1000 : 0;
  return [
    '<xml>',
    `<ToUserName>${cdata(ghid)}</ToUserName>`,
    `<FromUserName>${cdata('mphelper')}</FromUserName>`,
    `<CreateTime>${Math.floor((m.finishedAt ?? now) / 1000)}</CreateTime>`,
    `<MsgType>${cdata('event')}</MsgType>`,
    `<Event>${cdata('MASSSENDJOBFINISH')}</Event>`,
    `<MsgID>${m.msgId}</MsgID>`,
    `<Status>${cdata(m.eventStatus ?? 'send fail')}</Status>`,
    `<TotalCount>${total}</TotalCount><FilterCount>${total}</FilterCount><SentCount>${total}</SentCount><ErrorCount>0</ErrorCount>`,
    '<CopyrightCheckResult><Count>0</Count><ResultList></ResultList><CheckState>0</CheckState></CopyrightCheckResult>',
    `<ArticleUrlResult><Count>${m.urls.length}</Count><ResultList>`,
    ...m.urls.map((u, i) => `<item><ArticleIdx>${i + 1}</ArticleIdx><ArticleUrl>${cdata(u)}</ArticleUrl></item>`),
    '</ResultList></ArticleUrlResult>',
    '</xml>',
  ].join('\n');
}

export interface MassPush {
  url: string;
  body: string;
  attempts: number;
  delivered: boolean;
  status?: number;
}

/**
 * POSTs the event, signed like the platform (signature = sha1 of the sorted token, timestamp, nonce;
 * msg_signature over Encrypt in 兼容/安全 mode), retrying a server URL that does not answer 2xx (3 tries).
 */
export function pushMassEvent(
  p: MassPush,
  o: { token?: string; encrypt: string | null; now: () => number; closed: () => boolean; after: (ms: number, fn: () => void) => void },
): void {
  const attempt = async () => {
    if (o.closed()) return;
    p.attempts++;
    const url = new URL(p.url);
    if (o.token) {
      const timestamp = String(Math.floor(o.now() / 1000));
      const nonce = String(crypto.randomInt(100000000, 2000000000));
      url.searchParams.set('signature', crypto.createHash('sha1').update([o.token, timestamp, nonce].sort().join('')).digest('hex'));
      url.searchParams.set('timestamp', timestamp);
      url.searchParams.set('nonce', nonce);
      url.searchParams.set('openid', 'mphelper');
      if (o.encrypt) WechatSimAccountExtras.signEncrypted(url, o.token, o.encrypt);
    }
    try {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: p.body, signal: AbortSignal.timeout(5000) });
      await r.text().catch(() => '');
      p.status = r.status; // with its outcome, once the answer has been read (as the publish callbacks)
      if (r.ok) return void (p.delivered = true);
    } catch {
      // retried below, as the platform retries a server URL that does not answer
    }
    if (p.attempts < 3) o.after(500, () => void attempt());
  };
  void attempt();
}
