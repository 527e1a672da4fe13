import { Router } from 'express';
import { simControlRouter } from '../control/sim-control-router';
import { ControlError, configPatch, control, controlBody, optNumber, optString } from '../http/sim-http';
import type { WeiboConfig } from './weibo-sim.types';
import type { WeiboSim } from './weibo.sim';

// The Weibo simulator's control API (/_sim/weibo/…): settings, tokens, statuses, and posts made in the
// Weibo app outside the product.

export function weiboControlRouter(sim: WeiboSim): Router {
  return simControlRouter<WeiboConfig>(sim, {
    configPatch: (b) => {
      const patch = configPatch<WeiboConfig>(b, {
        bools: ['acceptUnknownTokens', 'errorCodeAsNumber'],
        numbers: ['postsPerHour', 'duplicateWindowMs', 'maxTextLength', 'maxPicBytes', 'slowUpdateNext', 'slowUpdateRate', 'slowVisibleMs', 'slowUpdateCode'],
      });
      if (b.safeDomains !== undefined) {
        if (!Array.isArray(b.safeDomains)) throw new ControlError('safeDomains must be a list');
        patch.safeDomains = b.safeDomains.map(String);
      }
      return patch;
    },
    collections: [
      {
        path: '/tokens',
        list: { key: 'tokens', list: () => sim.listTokens() },
        create: (b) => {
          const token = optString(b.token, 'token');
          if (!token) throw new ControlError('token is required');
          const expired =
            b.expired === true ? 21327 : b.expired === false || b.expired === undefined ? (b.expired as false | undefined) : optNumber(b.expired, 'expired');
          if (expired !== undefined && expired !== false && expired !== 21327 && expired !== 21315)
            throw new ControlError('expired must be false, true, 21327 or 21315');
          return sim.registerToken({ token, uid: optNumber(b.uid, 'uid', 1), screenName: optString(b.screenName, 'screenName'), expired });
        },
        // revoking a token the simulator never saw still records it as revoked
        remove: (token) => sim.revokeToken(token),
      },
      {
        path: '/statuses',
        list: { key: 'statuses', list: () => sim.allStatuses() },
        // a post made in the Weibo app by the account holder (outside the product)
        create: (b) => sim.postFromApp(optString(b.token, 'token') ?? '', optString(b.text, 'text') ?? ''),
      },
    ],
    routes: (r) => {
      r.post(
        '/tokens/:token/expire',
        control((req) => {
          const code = optNumber(controlBody(req).code, 'code') ?? 21327;
          if (code !== 21327 && code !== 21315) throw new ControlError('code must be 21327 or 21315');
          sim.expireToken(String(req.params.token), code);
          return { ok: true };
        }),
      );
    },
  });
}
