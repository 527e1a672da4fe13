import type { ImageType } from '../http/image-type';
import type { SimContext, TimerSet } from '../http/sim-http';
import type { WechatSimAccountExtras } from './wechat-sim-account-extras';

// The WeChat simulator's settings, records, limits and shared state (sources: wechat.sim.ts's header,
// CHANNELS.md and libs/channels/src/wechat/PLATFORM.md). Declarations only; the behaviour is in the
// wechat-sim-*.ts files beside this one.

export interface WechatConfig {
  /** unknown appids get an account on first use (any secret); false: only registered appids */
  acceptUnknownAppids: boolean;
  tokenTtlS: number;
  /** how long a superseded token keeps working */
  tokenOverlapS: number;
  /** time from freepublish/submit to the end of the publish job */
  publishDelayMs: number;
  /** live responses send publish_id as a number, the docs as a string */
  publishIdType: 'number' | 'string';
  callbackEvent: 'PUBLISHJOBFINISH' | 'FREEPUBLISHJOBFINISH';
  callbackAttempts: number;
  callbackRetryDelayMs: number;
  stableForceRefreshPerDay: number;
  stableForceRefreshMinIntervalS: number;
  /**
   * What the token endpoints answer to a wrong AppSecret: 40125 "invalid appsecret", or 40001 (the global
   * code list: "AppSecret 错误或者 AppSecret 不属于这个公众号"; PLATFORM.md §5). The adapter must read both as a
   * credentials error, never as "refresh the token and retry".
   */
  wrongSecretErrcode: number;
}

export const WECHAT_DEFAULTS: WechatConfig = {
  acceptUnknownAppids: true,
  tokenTtlS: 7200,
  tokenOverlapS: 300,
  publishDelayMs: 200,
  publishIdType: 'number',
  callbackEvent: 'PUBLISHJOBFINISH',
  callbackAttempts: 3,
  callbackRetryDelayMs: 500,
  stableForceRefreshPerDay: 20,
  stableForceRefreshMinIntervalS: 30,
  wrongSecretErrcode: 40125,
};

export interface WechatAccountInput {
  appid: string;
  /** absent: any secret is accepted for this appid */
  secret?: string;
  ghid?: string;
  ipWhitelistFail?: boolean;
  /** freepublish/delete answers 48001 */
  deleteUnauthorized?: boolean;
  callbackUrl?: string | null;
  /** the Token configured on the platform: the callback then carries signature/timestamp/nonce */
  callbackToken?: string | null;
}

export interface Account {
  appid: string;
  secret?: string;
  ghid: string;
  ipWhitelistFail: boolean;
  deleteUnauthorized: boolean;
  callbackUrl?: string;
  callbackToken?: string;
  forceRefreshes: number[];
  registered: boolean;
}

export interface TokenRec {
  token: string;
  appid: string;
  kind: 'normal' | 'stable';
  issuedAt: number;
  expiresAt: number;
  supersededAt?: number;
  revoked?: boolean;
}

export interface StoredImage {
  id: string;
  appid: string;
  bytes: Buffer;
  type: ImageType;
  url: string;
  /** uploadimg, or add_material type */
  kind: 'uploadimg' | 'thumb' | 'image';
  mediaId?: string;
}

export interface Article {
  title: string;
  author: string;
  digest: string;
  content: string;
  content_source_url: string;
  thumb_media_id: string;
  need_open_comment: number;
  only_fans_can_comment: number;
  pic_crop_235_1?: string;
  pic_crop_1_1?: string;
  strippedImages: number;
}

export interface Draft {
  mediaId: string;
  appid: string;
  articles: Article[];
  state: 'draft' | 'publishing';
  createdAt: number;
  updatedAt: number;
}

export interface PublishItem {
  idx: number;
  url: string;
  deleted: boolean;
}

export interface PublishJob {
  publishId: number;
  msgDataId: number;
  appid: string;
  draftMediaId: string;
  articles: Article[];
  status: number;
  articleId?: string;
  items: PublishItem[];
  failIdx: number[];
  submittedAt: number;
  finishedAt?: number;
}

export interface PublishFailure {
  appid?: string;
  status: 2 | 3 | 4;
  failIdx?: number[];
  remaining: number;
}

export interface CallbackDelivery {
  publishId: number;
  appid: string;
  url: string;
  event: string;
  attempts: number;
  delivered: boolean;
  lastStatus?: number;
  lastError?: string;
  body: string;
  at: string;
}

export const UPLOADIMG_MAX = 1024 * 1024;
export const THUMB_MAX = 64 * 1024;
export const IMAGE_MAX = 10 * 1024 * 1024;
export const CONTENT_MAX_CHARS = 20000;
export const CONTENT_MAX_BYTES = 1024 * 1024;
export const DAY_MS = 24 * 3600 * 1000;

/** Everything the WeChat simulator holds; the wechat-sim-*.ts behaviours read and change it. */
export interface WechatSimState {
  readonly ctx: SimContext;
  readonly timers: TimerSet;
  /** verification-dependent rights, title byte limit, callback security mode (issue 13) */
  readonly extras: WechatSimAccountExtras;
  config: WechatConfig;
  closed: boolean;
  readonly accounts: Map<string, Account>;
  readonly tokens: Map<string, TokenRec>;
  readonly images: Map<string, StoredImage>;
  readonly materials: Map<string, StoredImage>;
  readonly drafts: Map<string, Draft>;
  readonly jobs: Map<string, PublishJob>;
  readonly jobsByMsgId: Map<number, PublishJob>;
  failures: PublishFailure[];
  callbacks: CallbackDelivery[];
  publishSeq: number;
  msgSeq: number;
}
