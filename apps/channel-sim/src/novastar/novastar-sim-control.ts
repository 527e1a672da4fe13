import express, { Router } from 'express';
import { ControlError, configPatch, control, controlBody, optBool, optString } from '../http/sim-http';
import type { NovastarConfig } from './novastar-sim.types';
import type { NovastarSim } from './novastar.sim';

// The NovaStar simulator's control API (/_sim/novastar/…): settings, apps (AppKey/AppSecret) and
// players (register, online/offline, what each screen shows).

export function novastarControlRouter(sim: NovastarSim): Router {
  const r = express.Router();
  r.get(
    '/config',
    control(() => sim.getConfig()),
  );
  r.post(
    '/config',
    control((req) => sim.configure(configPatch<NovastarConfig>(controlBody(req), { numbers: ['maxCurTimeSkewSec'] }))),
  );
  r.post(
    '/apps',
    control((req) => {
      const b = controlBody(req);
      sim.addApp(optString(b.appKey, 'appKey') ?? '', optString(b.appSecret, 'appSecret') ?? '');
      return { ok: true };
    }),
  );
  r.get(
    '/players',
    control(() => ({ players: sim.listPlayers() })),
  );
  r.post(
    '/players',
    control((req) => {
      const b = controlBody(req);
      return sim.registerPlayer({
        playerId: optString(b.playerId, 'playerId') ?? '',
        name: optString(b.name, 'name'),
        sn: optString(b.sn, 'sn'),
        online: optBool(b.online, 'online'),
      });
    }),
  );
  r.get(
    '/players/:id',
    control((req) => sim.showing(String(req.params.id))),
  );
  r.post(
    '/players/:id/online',
    control((req) => {
      const online = optBool(controlBody(req).online, 'online');
      if (online === undefined) throw new ControlError('online (boolean) is required');
      sim.setOnline(String(req.params.id), online);
      return { ok: true };
    }),
  );
  return r;
}
