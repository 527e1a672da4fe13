import type { ImageType } from '../http/image-type';

// The Weibo simulator's settings, records and the platform's error table (sources: weibo.sim.ts's
// header and libs/channels/src/weibo/PLATFORM.md). Declarations only; the behaviour is in weibo.sim.ts.

export interface WeiboConfig {
  /** unknown tokens become a new user on first use; false: only registered tokens */
  acceptUnknownTokens: boolean;
  /** the app's bound safe domains: a status must link to one of them */
  safeDomains: string[];
  /** accepted posts per user in any sliding hour; 0 = unlimited */
  postsPerHour: number;
  /** identical text by the same user within this window is refused with 20019 */
  duplicateWindowMs: number;
  errorCodeAsNumber: boolean;
  maxTextLength: number;
  maxPicBytes: number;
  /** the next N accepted shares answer 20032 (made, but "server slow") */
  slowUpdateNext: number;
  /** probability of a 20032 answer on any accepted share */
  slowUpdateRate: number;
  /** how long a post answered 20032 stays out of the timelines and statuses/show (simulated clock) */
  slowVisibleMs: number;
  /** the code of "Update success, while server slow now": 20032 (current tables) or 20020 (an older official table) */
  slowUpdateCode: number;
}

/**
 * user_timeline returns only the latest 5 posts: open.weibo.com/wiki/2/statuses/user_timeline
 * ("此接口最多只返回最新的5条数据", quoted verbatim by SDKs: PLATFORM.md §2). Not configurable: the
 * simulator is never kinder than the platform.
 */
export const WEIBO_TIMELINE_MAX = 5;

/**
 * What share answers to a #话题#. share does not allow topics (open.weibo.com/wiki/2/statuses/share:
 * "文本中不能包含“#话题词#”"; PLATFORM.md §1); no source names the error code, so the simulator answers the
 * platform's generic "parameter value invalid" (10017, error tables) and takes nothing.
 */
export const WEIBO_TOPIC_ERROR = { code: 10017, error: "Parameter (status)'s value invalid, expect (text without #topic#), see doc for more info!" };

export const WEIBO_DEFAULTS: WeiboConfig = {
  acceptUnknownTokens: true,
  safeDomains: ['127.0.0.1', 'localhost'],
  postsPerHour: 30,
  duplicateWindowMs: 24 * 3600 * 1000,
  errorCodeAsNumber: false,
  maxTextLength: 140,
  maxPicBytes: 5 * 1024 * 1024,
  slowUpdateNext: 0,
  slowUpdateRate: 0,
  slowVisibleMs: 2 * 60_000,
  slowUpdateCode: 20032,
};

export const SLOW_UPDATE_ERROR = 'Update success, while server slow now, please wait 1-2 minutes';

export interface WeiboTokenInput {
  token: string;
  uid?: number;
  screenName?: string;
  /** the token is expired: calls get this error code */
  expired?: 21327 | 21315 | false;
}

export interface WeiboUser {
  token: string;
  uid: number;
  screenName: string;
  state: 'ok' | 'expired' | 'revoked';
  expiredCode: 21327 | 21315;
}

export interface Pic {
  id: string;
  type: ImageType;
  bytes: Buffer;
}

export interface WeiboStatus {
  id: number;
  uid: number;
  /** as shown: every URL a t.cn link */
  text: string;
  /** as sent */
  sentText: string;
  createdAt: number;
  /** before this (simulated clock) timelines and show do not list it (a 20032 answer) */
  visibleAt: number;
  source: 'api' | 'app';
  pic?: Pic;
  rip?: string;
  deleted: boolean;
}

export const ERRORS: Record<number, { status: number; error: string }> = {
  10014: { status: 403, error: 'Insufficient app permissions!' },
  10016: { status: 400, error: 'Miss required parameter (status) , see doc for more info!' },
  10017: { status: 400, error: 'appkey not bind domain!' },
  10022: { status: 403, error: 'IP requests out of rate limit!' },
  10023: { status: 403, error: 'User requests out of rate limit!' },
  10024: { status: 403, error: 'User requests for (statuses/share) out of rate limit!' },
  20005: { status: 400, error: 'Unsupported image type, only suport JPG, GIF, PNG!' },
  20006: { status: 400, error: 'Image size too large.' },
  20012: { status: 400, error: 'Text too long, please input text less than 140 characters!' },
  20016: { status: 400, error: 'Out of limit!' },
  20017: { status: 400, error: 'Similar content!' },
  20018: { status: 400, error: 'Contain illegal website!' },
  20019: { status: 400, error: 'Repeat content!' },
  20020: { status: 400, error: 'Contain advertising!' },
  20021: { status: 400, error: 'Content is illegal!' },
  // error tables (PLATFORM.md §4): the post was made; it shows after a while
  20032: { status: 400, error: SLOW_UPDATE_ERROR },
  20101: { status: 400, error: 'Target weibo does not exist!' },
  21301: { status: 401, error: 'auth faild!' },
  21315: { status: 401, error: 'Token expired' },
  21327: { status: 401, error: 'expired_token' },
  21332: { status: 401, error: 'invalid_access_token' },
};
