import { Router } from 'express';
import { simControlRouter } from '../control/sim-control-router';
import { configPatch, optBool, optNumber, optString } from '../http/sim-http';
import type { HuiduConfig } from './huidu-sim.types';
import type { HuiduSim } from './huidu.sim';

// The Huidu simulator's control API (/_sim/huidu/…): settings, SDK keys and devices (size, online).

export function huiduControlRouter(sim: HuiduSim): Router {
  return simControlRouter<HuiduConfig>(sim, {
    configPatch: (b) => configPatch<HuiduConfig>(b, { bools: ['acceptUnknownDevices'], numbers: ['maxDateSkewMs', 'defaultWidth', 'defaultHeight'] }),
    collections: [
      {
        path: '/keys',
        list: { key: 'keys', list: () => sim.listKeys() },
        create: (b) => {
          sim.addKey(optString(b.sdkKey, 'sdkKey') ?? '', optString(b.sdkSecret, 'sdkSecret') ?? '');
          return { ok: true };
        },
        remove: (key) => sim.removeKey(key),
        unknown: 'unknown sdkKey',
      },
      {
        path: '/devices',
        list: { key: 'devices', list: () => sim.listDevices() },
        create: (b) =>
          sim.registerDevice({
            id: optString(b.id, 'id') ?? '',
            width: optNumber(b.width, 'width', 1) ?? 0,
            height: optNumber(b.height, 'height', 1) ?? 0,
            name: optString(b.name, 'name'),
            online: optBool(b.online, 'online'),
          }),
        detail: (id) => sim.deviceDetail(id),
        setOnline: (id, online) => sim.setOnline(id, online),
        remove: (id) => sim.removeDevice(id),
        unknown: 'unknown device',
      },
    ],
  });
}
