import { escapeHtml } from '../http/sim-http';
import type { Pic, WeiboStatus } from './weibo-sim.types';
import { weiboDate } from './weibo-text';

// How the Weibo simulator shows a status: the API's status object (statuses/share, user_timeline,
// show) and the public page a status URL opens. Pure functions of the status and the simulator's base URL.

export function statusUrl(baseUrl: string, s: WeiboStatus): string {
  return `${baseUrl}/weibo/u/${s.uid}/${s.id}`;
}

export function picUrl(baseUrl: string, p: Pic, size: 'thumbnail' | 'bmiddle' | 'large'): string {
  const ext = p.type === 'jpeg' ? 'jpg' : p.type;
  return `${baseUrl}/weibo/sinaimg/${size}/${p.id}.${ext}`;
}

export function statusObject(baseUrl: string, s: WeiboStatus, screenName = `政务微博${String(s.uid).slice(-4)}`) {
  return {
    created_at: weiboDate(s.createdAt),
    id: s.id,
    idstr: String(s.id),
    mid: String(s.id),
    text: s.text,
    source: '<a href="http://app.weibo.com" rel="nofollow">政务公开发布</a>',
    favorited: false,
    truncated: false,
    in_reply_to_status_id: '',
    in_reply_to_user_id: '',
    in_reply_to_screen_name: '',
    ...(s.pic
      ? {
          thumbnail_pic: picUrl(baseUrl, s.pic, 'thumbnail'),
          bmiddle_pic: picUrl(baseUrl, s.pic, 'bmiddle'),
          original_pic: picUrl(baseUrl, s.pic, 'large'),
          pic_ids: [s.pic.id],
        }
      : { pic_ids: [] }),
    geo: null,
    user: { id: s.uid, idstr: String(s.uid), screen_name: screenName, name: screenName, verified: true, verified_type: 1 },
    reposts_count: 0,
    comments_count: 0,
    attitudes_count: 0,
    visible: { type: 0, list_id: 0 },
  };
}

/** The public page of a status (null: no such status for that user). */
export function statusPage(baseUrl: string, s: WeiboStatus | null): string {
  if (!s) return '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>微博</title></head><body><p>该微博不存在</p></body></html>';
  const body = s.deleted
    ? '<p>抱歉，此微博已被作者删除。</p>'
    : `<p>${escapeHtml(s.text)}</p>${s.pic ? `<img src="${escapeHtml(picUrl(baseUrl, s.pic, 'bmiddle'))}" alt="">` : ''}<p class="time">${escapeHtml(weiboDate(s.createdAt))}</p>`;
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>微博</title></head><body><article>${body}</article></body></html>`;
}
