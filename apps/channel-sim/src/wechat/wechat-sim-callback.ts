import * as crypto from 'crypto';
import { WechatSimAccountExtras } from './wechat-sim-account-extras';
import { Account, CallbackDelivery, PublishJob, WechatSimState } from './wechat-sim.types';

// The PUBLISHJOBFINISH (or FREEPUBLISHJOBFINISH) event pushed to the account's server URL when a publish
// job ends: signed with the account's Token when one is set, encrypted per its callback security mode,
// retried `callbackAttempts` times.

export function deliverCallback(s: WechatSimState, job: PublishJob): void {
  const a = s.accounts.get(job.appid);
  if (!a?.callbackUrl) return;
  const { body, encrypt } = s.extras.callbackBody(a.appid, a.ghid, callbackXml(s, a, job));
  const d: CallbackDelivery = {
    publishId: job.publishId,
    appid: job.appid,
    url: a.callbackUrl,
    event: s.config.callbackEvent,
    attempts: 0,
    delivered: false,
    body,
    at: new Date(s.ctx.clock.now()).toISOString(),
  };
  s.callbacks.push(d);
  const attempt = async () => {
    if (s.closed) return;
    d.attempts++;
    const url = new URL(d.url);
    if (a.callbackToken) {
      const timestamp = String(Math.floor(s.ctx.clock.now() / 1000));
      const nonce = String(crypto.randomInt(100000000, 2000000000));
      const signature = crypto.createHash('sha1').update([a.callbackToken, timestamp, nonce].sort().join('')).digest('hex');
      url.searchParams.set('signature', signature);
      url.searchParams.set('timestamp', timestamp);
      url.searchParams.set('nonce', nonce);
      url.searchParams.set('openid', 'mphelper');
      if (encrypt) WechatSimAccountExtras.signEncrypted(url, a.callbackToken, encrypt);
    }
    try {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body, signal: AbortSignal.timeout(5000) });
      await r.text().catch(() => '');
      // recorded together, once the answer has been read: a reader never sees a status without its outcome
      d.lastStatus = r.status;
      if (r.ok) {
        d.delivered = true;
        return;
      }
    } catch (e) {
      d.lastError = String((e as Error).message ?? e);
    }
    if (d.attempts < s.config.callbackAttempts) s.timers.after(s.config.callbackRetryDelayMs, () => void attempt());
  };
  void attempt();
}

function callbackXml(s: WechatSimState, a: Account, job: PublishJob): string {
  const cdata = (text: string) => `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
  const lines = [
    '<xml>',
    `<ToUserName>${cdata(a.ghid)}</ToUserName>`,
    `<FromUserName>${cdata('mphelper')}</FromUserName>`,
    `<CreateTime>${Math.floor((job.finishedAt ?? s.ctx.clock.now()) / 1000)}</CreateTime>`,
    `<MsgType>${cdata('event')}</MsgType>`,
    `<Event>${cdata(s.config.callbackEvent)}</Event>`,
    '<PublishEventInfo>',
    `<publish_id>${job.publishId}</publish_id>`,
    `<publish_status>${job.status}</publish_status>`,
  ];
  if (job.status === 0) {
    lines.push(`<article_id>${cdata(job.articleId as string)}</article_id>`, '<article_detail>', `<count>${job.items.length}</count>`);
    for (const i of job.items) lines.push('<item>', `<idx>${i.idx}</idx>`, `<article_url>${cdata(i.url)}</article_url>`, '</item>');
    lines.push('</article_detail>');
  }
  for (const f of job.failIdx) lines.push(`<fail_idx>${f}</fail_idx>`);
  lines.push('</PublishEventInfo>', '</xml>');
  return lines.join('\n');
}
