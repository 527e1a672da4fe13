import { Router } from 'express';
import { simControlRouter } from '../control/sim-control-router';
import { configPatch, optBool, optString } from '../http/sim-http';
import type { NovastarConfig } from './novastar-sim.types';
import type { NovastarSim } from './novastar.sim';

// The NovaStar simulator's control API (/_sim/novastar/…): settings, apps (AppKey/AppSecret) and
// players (register, online/offline, what each screen shows).

export function novastarControlRouter(sim: NovastarSim): Router {
  return simControlRouter<NovastarConfig>(sim, {
    configPatch: (b) => configPatch<NovastarConfig>(b, { numbers: ['maxCurTimeSkewSec'] }),
    collections: [
      {
        path: '/apps',
        create: (b) => {
          sim.addApp(optString(b.appKey, 'appKey') ?? '', optString(b.appSecret, 'appSecret') ?? '');
          return { ok: true };
        },
      },
      {
        path: '/players',
        list: { key: 'players', list: () => sim.listPlayers() },
        create: (b) =>
          sim.registerPlayer({
            playerId: optString(b.playerId, 'playerId') ?? '',
            name: optString(b.name, 'name'),
            sn: optString(b.sn, 'sn'),
            online: optBool(b.online, 'online'),
          }),
        // showing() answers 404 'unknown player' itself
        detail: (id) => sim.showing(id),
        setOnline: (id, online) => sim.setOnline(id, online),
      },
    ],
  });
}
