import type { Request, Response, Router } from 'express';
import { ControlError, jsonObject, optBool, optNumber, optString } from '../http/sim-http';
import { wechatError } from './wechat-errors';
import { simEncrypt, simMsgSignature } from './wechat-sim-crypto';

/**
 * Per-account behaviours the issue-13 research found on the real platform (libs/channels/src/wechat/PLATFORM.md),
 * kept beside wechat.sim.ts: rights that depend on verification, a title byte limit some accounts show,
 * the callback security mode, and the read-only endpoints an account check calls.
 */
export type CallbackMode = 'plain' | 'compat' | 'safe';

export interface WechatAccountExtras {
  /**
   * false: an unverified account (or one whose verification lapsed). Since July 2025 freepublish/*
   * answers 48001 for 个人主体 / 未认证 accounts ("2025年7月起，个人主体账号、企业主体未认证账号及不支持认证的账号将被回收以上接口的调用权限",
   * https://developers.weixin.qq.com/doc/subscription/guide/product/publish.html; symptom 48001:
   * https://developers.weixin.qq.com/community/develop/doc/00086674924c70ae301480a106ec00). 群发 needs a
   * verified account too (https://developers.weixin.qq.com/doc/service/api/notify/message/api_sendall, 认证 only).
   */
  verified: boolean;
  /** false: a verified account without the 群发 interface (message/mass/* → 48001) */
  massSend: boolean;
  /**
   * Practitioners report 45003 at about 64 UTF-8 bytes although the doc says 32 characters
   * (PLATFORM.md §6, "stated by practitioners only"): set to model such an account.
   */
  titleMaxBytes?: number;
  encodingAesKey?: string;
  /**
   * 明文 / 兼容 / 安全 (https://developers.weixin.qq.com/doc/subscription/guide/dev/push/encryption.md):
   * compat carries the plain fields and <Encrypt>, safe only <Encrypt>; both add encrypt_type=aes and msg_signature.
   */
  callbackMode: CallbackMode;
}

const EXTRA_KEYS = ['verified', 'massSend', 'titleMaxBytes', 'encodingAesKey', 'callbackMode'] as const;
const DEFAULTS: WechatAccountExtras = { verified: true, massSend: true, callbackMode: 'plain' };

export class WechatSimAccountExtras {
  private readonly byAppid = new Map<string, WechatAccountExtras>();

  get(appid: string): WechatAccountExtras {
    return this.byAppid.get(appid) ?? { ...DEFAULTS };
  }

  set(appid: string, patch: Partial<WechatAccountExtras>): WechatAccountExtras {
    const next = { ...this.get(appid) };
    for (const k of EXTRA_KEYS) if (patch[k] !== undefined) (next as unknown as Record<string, unknown>)[k] = patch[k];
    if (!['plain', 'compat', 'safe'].includes(next.callbackMode)) throw new ControlError('callbackMode must be plain, compat or safe');
    if (
      next.callbackMode !== 'plain' &&
      !(next.encodingAesKey && Buffer.from(`${next.encodingAesKey}=`, 'base64').length === 32 && next.encodingAesKey.length === 43)
    ) {
      throw new ControlError('compat and safe callback modes need a 43-character encodingAesKey');
    }
    this.byAppid.set(appid, next);
    return next;
  }

  /** The extras fields of a control-API /accounts body. */
  static fromControl(b: Record<string, unknown>): Partial<WechatAccountExtras> {
    return {
      verified: optBool(b.verified, 'verified'),
      massSend: optBool(b.massSend, 'massSend'),
      titleMaxBytes: optNumber(b.titleMaxBytes, 'titleMaxBytes', 1),
      encodingAesKey: optString(b.encodingAesKey, 'encodingAesKey'),
      callbackMode: optString(b.callbackMode, 'callbackMode') as CallbackMode | undefined,
    };
  }

  delete(appid: string): void {
    this.byAppid.delete(appid);
  }

  clear(): void {
    this.byAppid.clear();
  }

  /** 48001 "api unauthorized" for an interface this account has no right to (see `verified`, `massSend`). */
  denied(appid: string, path: string, body?: Record<string, unknown>): { errcode: number; errmsg: string } | null {
    const x = this.get(appid);
    const massPath =
      path.startsWith('/cgi-bin/message/mass/') || (path === '/cgi-bin/openapi/quota/get' && String(body?.cgi_path ?? '').startsWith('/cgi-bin/message/mass/'));
    if (path.startsWith('/cgi-bin/freepublish/') && !x.verified) return wechatError(48001);
    // Whether quota/get answers 48001 for an interface the account lacks is not documented
    // (PLATFORM.md §3 "not found"): modelled as 48001, the code the platform uses for missing rights.
    if (massPath && (!x.verified || !x.massSend)) return wechatError(48001);
    return null;
  }

  /** draft/add title check beyond the documented 32 characters (titleMaxBytes). */
  titleError(appid: string, title: string): { errcode: number; errmsg: string } | null {
    const max = this.get(appid).titleMaxBytes;
    return max !== undefined && Buffer.byteLength(title, 'utf8') > max ? wechatError(45003) : null;
  }

  /** The pushed body in the account's mode, and the Encrypt value a msg_signature must cover. */
  callbackBody(appid: string, ghid: string, plainXml: string): { body: string; encrypt: string | null } {
    const x = this.get(appid);
    if (x.callbackMode === 'plain' || !x.encodingAesKey) return { body: plainXml, encrypt: null };
    const encrypt = simEncrypt(x.encodingAesKey, appid, plainXml);
    if (x.callbackMode === 'safe')
      return { body: `<xml>\n<ToUserName><![CDATA[${ghid}]]></ToUserName>\n<Encrypt><![CDATA[${encrypt}]]></Encrypt>\n</xml>`, encrypt };
    return { body: plainXml.replace(/<\/xml>\s*$/, `<Encrypt><![CDATA[${encrypt}]]></Encrypt>\n</xml>`), encrypt };
  }

  /** Adds encrypt_type / msg_signature to a push URL already carrying timestamp and nonce. */
  static signEncrypted(url: URL, token: string, encrypt: string): void {
    url.searchParams.set('encrypt_type', 'aes');
    url.searchParams.set('msg_signature', simMsgSignature(token, url.searchParams.get('timestamp') ?? '', url.searchParams.get('nonce') ?? '', encrypt));
  }
}

type WithAuth = (req: Request, res: Response, fn: (a: { appid: string }) => void) => void;

/**
 * Read-only endpoints an account check uses (PLATFORM.md §3): they change nothing on the account.
 * - GET /cgi-bin/get_api_domain_ip, /cgi-bin/getcallbackip → {ip_list}
 *   (https://developers.weixin.qq.com/doc/offiaccount/subscription/guide/dev/Get_the_WeChat_server_IP_address.html);
 * - GET /cgi-bin/draft/count → {total_count} (https://developers.weixin.qq.com/doc/service/api/draftbox/draftmanage/api_draft_count);
 * - POST /cgi-bin/openapi/quota/get {cgi_path} → {quota:{daily_limit,used,remain}}; 76021 unknown cgi_path
 *   (https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/openApi/get_api_quota.html).
 */
export function registerWechatCheckRoutes(r: Router, withAuth: WithAuth, draftCount: (appid: string) => number): void {
  r.get('/cgi-bin/get_api_domain_ip', (req, res) => withAuth(req, res, () => res.json({ ip_list: ['101.89.47.18', '101.91.34.103'] })));
  r.get('/cgi-bin/getcallbackip', (req, res) => withAuth(req, res, () => res.json({ ip_list: ['106.55.206.146', '106.55.206.211'] })));
  r.get('/cgi-bin/draft/count', (req, res) => withAuth(req, res, (a) => res.json({ total_count: draftCount(a.appid) })));
  r.post('/cgi-bin/openapi/quota/get', (req, res) =>
    withAuth(req, res, () => {
      const path = jsonObject(req)?.cgi_path;
      if (typeof path !== 'string' || !path.startsWith('/')) {
        res.json(wechatError(76021, 'cgi_path not found'));
        return;
      }
      const limit = path.startsWith('/cgi-bin/message/mass/') ? 100 : 10000;
      res.json({ errcode: 0, errmsg: 'ok', quota: { daily_limit: limit, used: 0, remain: limit } });
    }),
  );
}
