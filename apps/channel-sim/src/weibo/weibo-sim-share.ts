import { isIP } from 'net';
import { sniffImage } from '../http/image-type';
import { ParsedBody, randomHex } from '../http/sim-http';
import { hasSafeDomainUrl, hasTopic, weiboLength } from './weibo-text';
import { Pic, WEIBO_TOPIC_ERROR, WeiboConfig } from './weibo-sim.types';

// What statuses/share refuses from the request alone, before the account's state is looked at (rate
// limit, duplicates: weibo.sim.ts). The order is the order the checks answer in.

export type ShareCheck = { ok: true; text: string; rip: string; pic?: Pic } | { ok: false; code: number; message?: string };

export function checkShareRequest(body: ParsedBody, config: WeiboConfig): ShareCheck {
  const text = body.fields.status;
  if (!text) return { ok: false, code: 10016 };
  if (weiboLength(text) > config.maxTextLength) return { ok: false, code: 20012 };
  if (!hasSafeDomainUrl(text, config.safeDomains)) return { ok: false, code: 10017 };
  // `rip` is required ("rip true … 请传操作用户的真实有效IP", open.weibo.com/wiki/2/statuses/share, current
  // revision; an older revision had it optional: the stricter reading).
  const rip = body.fields.rip;
  if (!rip) return { ok: false, code: 10016, message: 'Miss required parameter (rip) , see doc for more info!' };
  if (!isIP(rip)) {
    return {
      ok: false,
      code: 10017,
      message: `Parameter (rip)'s value invalid, expect (IP address like 211.156.0.1) , but get (${rip}) , see doc for more info!`,
    };
  }
  // A #话题# is refused ("文本中不能包含“#话题词#”", open.weibo.com/wiki/2/statuses/share; PLATFORM.md §1).
  if (hasTopic(text)) return { ok: false, code: WEIBO_TOPIC_ERROR.code, message: WEIBO_TOPIC_ERROR.error };
  const file = body.files.pic;
  if (!file) return { ok: true, text, rip };
  const type = sniffImage(file.data);
  if (type !== 'jpeg' && type !== 'png' && type !== 'gif') return { ok: false, code: 20005 };
  if (file.data.length >= config.maxPicBytes) return { ok: false, code: 20006 };
  return { ok: true, text, rip, pic: { id: `${randomHex(4)}ly1g${randomHex(10)}`, type, bytes: Buffer.from(file.data) } };
}
