import { ManualCheckError } from '../channel-adapter';

/** What an operator needs to find the post by hand in the Weibo client. */
export interface CheckSubject {
  accountName: string;
  /** ISO time of our first share */
  firstAttempt: string;
  text: string;
  portalUrl: string;
}

/** Beijing time, as the operator reads it in the Weibo client: "2025-03-12 11:05". */
export function beijingTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

function what(s: CheckSubject): string {
  const head = [...s.text.replace(/https?:\/\/\S+/g, '').trim()].slice(0, 24).join('');
  return `账号「${s.accountName}」在 ${beijingTime(s.firstAttempt)}（北京时间）前后发出、正文以“${head}”开头、链接到 ${s.portalUrl} 的微博（微博中的链接显示为 t.cn 短链接）`;
}

/**
 * The share's answer was lost and the latest 5 posts no longer show whether it went out: a person
 * checks in the Weibo client and either records the post or sends it again.
 */
export function checkByHand(s: CheckSubject, shown: number): ManualCheckError {
  return new ManualCheckError(
    'WEIBO_CHECK_BY_HAND',
    `请在微博客户端核实是否已发出：${what(s)}。上次发送没有收到微博的答复，而微博接口只能查到最新的5条微博（现在能看到的${shown}条中没有它，之后该账号又发了新微博），已无法自动核实，因此没有自动重发。` +
      '已发出的，请“登记为已发布”并填写该条微博的地址；确认没有发出的，请“重新发送”。',
  );
}

/**
 * Weibo refused a resend as identical (20019) or similar (20017) content after an attempt whose outcome
 * was unknown: the earlier post exists, but it cannot be found among the latest 5.
 */
export function existsButHidden(s: CheckSubject, code: number, platformMessage: string): ManualCheckError {
  return new ManualCheckError(
    `WEIBO_${code}`,
    `微博答复“与已发微博内容${code === 20017 ? '相似' : '重复'}”（微博错误码 ${code}：${platformMessage}），说明此前发送的这条微博已经发出，` +
      `但在最新的5条微博中找不到它，无法自动取得地址。请在微博客户端找到${what(s)}，“登记为已发布”并填写其地址；不要重新发送。`,
  );
}

/** Weibo answered 20032 (made, "server slow") and the post did not show up in time among the latest 5. */
export function acceptedButHidden(s: CheckSubject): ManualCheckError {
  return new ManualCheckError(
    'WEIBO_20032',
    `微博已受理这条微博（微博错误码 20032：服务器繁忙，稍后可见），它已经发出，但在最新的5条微博中一直没有找到它，无法自动取得地址。` +
      `请在微博客户端找到${what(s)}，“登记为已发布”并填写其地址；不要重新发送。`,
  );
}
