import express, { Router } from 'express';
import { ControlError, control, controlBody, optBool, optNumber, optString } from '../http/sim-http';
import type { WechatMassSim } from './wechat-mass.sim';
import type { MassAccountSettings, WechatMassConfig } from './wechat-mass.types';

/** Control API of the 群发 simulator, under /_sim/wechat/mass (apps/channel-sim/README.md). */
export function massControlRouter(sim: WechatMassSim): Router {
  const r = express.Router();
  r.get(
    '/config',
    control(() => sim.getConfig()),
  );
  r.post(
    '/config',
    control((req) => {
      const b = controlBody(req);
      const patch: Partial<WechatMassConfig> = {};
      for (const k of ['jobDelayMs', 'protectionTimeoutMs', 'retryTooFastMs', 'tempMediaTtlMs'] as const) {
        const v = optNumber(b[k], k, 0);
        if (v !== undefined) patch[k] = v;
      }
      const d = optBool(b.acceptDraftMediaId, 'acceptDraftMediaId');
      if (d !== undefined) patch.acceptDraftMediaId = d;
      return sim.configure(patch);
    }),
  );
  r.post(
    '/accounts',
    control((req) => {
      const b = controlBody(req);
      const appid = optString(b.appid, 'appid');
      if (!appid) throw new ControlError('appid is required');
      return sim.setAccount(appid, {
        accountType: optString(b.accountType, 'accountType') as MassAccountSettings['accountType'] | undefined,
        protection: optBool(b.protection, 'protection'),
      });
    }),
  );
  r.post(
    '/failures',
    control((req) => sim.failNext({ status: optString(controlBody(req).status, 'status') ?? 'send fail', appid: optString(controlBody(req).appid, 'appid') })),
  );
  r.post(
    '/confirm',
    control((req) => sim.confirmProtection(Number(controlBody(req).msgId), optBool(controlBody(req).approve, 'approve') ?? true)),
  );
  r.get(
    '/messages',
    control(() => ({ messages: sim.messages() })),
  );
  r.get(
    '/previews',
    control(() => ({ previews: sim.previews() })),
  );
  r.get(
    '/callbacks',
    control(() => ({ deliveries: sim.callbacks() })),
  );
  return r;
}
