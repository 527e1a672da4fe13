import type { Request, Response } from 'express';

// Shapes of the 群发 simulator (wechat-mass.sim.ts).

export interface WechatMassConfig {
  /** submission → end of the send job */
  jobDelayMs: number;
  /** the doc reading: a draft media_id is taken by sendall/preview (and consumed by a send) */
  acceptDraftMediaId: boolean;
  protectionTimeoutMs: number;
  retryTooFastMs: number;
  tempMediaTtlMs: number;
}

export const WECHAT_MASS_DEFAULTS: WechatMassConfig = {
  jobDelayMs: 200,
  acceptDraftMediaId: false,
  protectionTimeoutMs: 30 * 60_000,
  retryTooFastMs: 60_000,
  tempMediaTtlMs: 3 * 24 * 3600_000,
};

/** What the mass module needs of the WeChat simulator that hosts it. */
export interface WechatMassHost {
  withAuth(req: Request, res: Response, fn: (appid: string) => void): void;
  account(appid: string): { ghid: string; callbackUrl?: string; callbackToken?: string } | undefined;
  /** the draft validation (limits, content) with a thumb check of the caller's choosing */
  validateArticle(appid: string, raw: unknown, single: boolean, thumbOk: (id: string) => boolean): MassArticle | { errcode: number; errmsg: string };
  draft(mediaId: string): { appid: string; state: string; articles: MassArticle[] } | undefined;
  consumeDraft(mediaId: string): void;
  /** the account's callback security mode (明文 / 兼容 / 安全): the body to push and its Encrypt */
  wrap?(appid: string, ghid: string, xml: string): { body: string; encrypt: string | null };
}

export interface MassArticle {
  title: string;
  author: string;
  digest: string;
  content: string;
  content_source_url: string;
  thumb_media_id: string;
}

export interface MassAccountSettings {
  accountType: 'subscription' | 'service';
  protection: boolean;
}

export type MassStatus = 'SENDING' | 'SEND_SUCCESS' | 'SEND_FAIL' | 'DELETE';

export interface MassMessage {
  msgId: number;
  msgDataId: number;
  appid: string;
  clientMsgId: string;
  mediaId: string;
  articles: MassArticle[];
  isToAll: boolean;
  tagId: number | null;
  status: MassStatus;
  eventStatus?: string;
  awaitingAdmin: boolean;
  submittedAt: number;
  finishedAt?: number;
  urls: string[];
  deletedIdx: number[];
}

export interface Upload {
  mediaId: string;
  appid: string;
  kind: 'thumb' | 'news';
  articles?: MassArticle[];
  createdAt: number;
}
