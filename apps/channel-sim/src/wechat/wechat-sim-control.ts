import { Response, Router } from 'express';
import { simControlRouter } from '../control/sim-control-router';
import { ControlError, configPatch, control, controlBody, optBool, optNumber, optString } from '../http/sim-http';
import { WechatSimAccountExtras } from './wechat-sim-account-extras';
import type { WechatConfig } from './wechat-sim.types';
import type { WechatSim } from './wechat.sim';

// The WeChat simulator's control API (/_sim/wechat/…): settings, accounts, token expiry and revocation,
// queued publish failures, what was published, the callback deliveries, 群发 controls and uploaded media.

export function wechatControlRouter(sim: WechatSim, serveImage: (id: string, res: Response) => void): Router {
  return simControlRouter<WechatConfig>(sim, {
    configPatch: (b) => {
      const patch = configPatch<WechatConfig>(b, {
        bools: ['acceptUnknownAppids'],
        numbers: [
          'tokenTtlS',
          'tokenOverlapS',
          'publishDelayMs',
          'callbackAttempts',
          'callbackRetryDelayMs',
          'stableForceRefreshPerDay',
          'stableForceRefreshMinIntervalS',
          'wrongSecretErrcode',
        ],
      });
      const pit = optString(b.publishIdType, 'publishIdType');
      if (pit !== undefined) patch.publishIdType = pit as WechatConfig['publishIdType'];
      const ev = optString(b.callbackEvent, 'callbackEvent');
      if (ev !== undefined) patch.callbackEvent = ev as WechatConfig['callbackEvent'];
      return patch;
    },
    collections: [
      {
        path: '/accounts',
        list: { key: 'accounts', list: () => sim.listAccounts() },
        create: (b) => {
          const appid = optString(b.appid, 'appid');
          if (!appid) throw new ControlError('appid is required');
          return sim.registerAccount({
            appid,
            secret: optString(b.secret, 'secret'),
            ghid: optString(b.ghid, 'ghid'),
            ipWhitelistFail: optBool(b.ipWhitelistFail, 'ipWhitelistFail'),
            deleteUnauthorized: optBool(b.deleteUnauthorized, 'deleteUnauthorized'),
            callbackUrl: b.callbackUrl === null ? null : optString(b.callbackUrl, 'callbackUrl'),
            callbackToken: b.callbackToken === null ? null : optString(b.callbackToken, 'callbackToken'),
            ...WechatSimAccountExtras.fromControl(b),
          });
        },
        remove: (appid) => sim.removeAccount(appid),
        unknown: 'unknown appid',
      },
      { path: '/publications', list: { key: 'publications', list: () => sim.publications() } },
      { path: '/callbacks', list: { key: 'deliveries', list: () => sim.callbackDeliveries() } },
    ],
    routes: (r) => {
      r.post(
        '/expire-tokens',
        control((req) => ({ expired: sim.expireTokens(optString(controlBody(req).appid, 'appid')) })),
      );
      r.post(
        '/revoke-tokens',
        control((req) => ({ revoked: sim.revokeTokens(optString(controlBody(req).appid, 'appid')) })),
      );
      r.post(
        '/publish-failures',
        control((req) => {
          const b = controlBody(req);
          const status = optNumber(b.status, 'status', 2, 4);
          if (status === undefined) throw new ControlError('status (2, 3 or 4) is required');
          const failIdx = Array.isArray(b.failIdx) ? b.failIdx.map(Number) : undefined;
          sim.failNextPublish({ status: status as 2 | 3 | 4, appid: optString(b.appid, 'appid'), failIdx, count: optNumber(b.count, 'count', 1) });
          return { ok: true };
        }),
      );
      r.use('/mass', sim.mass.controlRouter);
      r.get('/media/:id', (req, res) => serveImage(String(req.params.id), res));
    },
  });
}
