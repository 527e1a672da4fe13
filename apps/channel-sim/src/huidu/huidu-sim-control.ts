import express, { Router } from 'express';
import { ControlError, configPatch, control, controlBody, optBool, optNumber, optString } from '../http/sim-http';
import type { HuiduConfig } from './huidu-sim.types';
import type { HuiduSim } from './huidu.sim';

// The Huidu simulator's control API (/_sim/huidu/…): settings, SDK keys and devices (size, online).

export function huiduControlRouter(sim: HuiduSim): Router {
  const r = express.Router();
  r.get(
    '/config',
    control(() => sim.getConfig()),
  );
  r.post(
    '/config',
    control((req) => {
      const b = controlBody(req);
      const patch = configPatch<HuiduConfig>(b, { bools: ['acceptUnknownDevices'], numbers: ['maxDateSkewMs', 'defaultWidth', 'defaultHeight'] });
      return sim.configure(patch);
    }),
  );
  r.get(
    '/keys',
    control(() => ({ keys: sim.listKeys() })),
  );
  r.post(
    '/keys',
    control((req) => {
      const b = controlBody(req);
      sim.addKey(optString(b.sdkKey, 'sdkKey') ?? '', optString(b.sdkSecret, 'sdkSecret') ?? '');
      return { ok: true };
    }),
  );
  r.delete(
    '/keys/:key',
    control((req) => {
      if (!sim.removeKey(String(req.params.key))) throw new ControlError('unknown sdkKey', 404);
      return { ok: true };
    }),
  );
  r.get(
    '/devices',
    control(() => ({ devices: sim.listDevices() })),
  );
  r.post(
    '/devices',
    control((req) => {
      const b = controlBody(req);
      return sim.registerDevice({
        id: optString(b.id, 'id') ?? '',
        width: optNumber(b.width, 'width', 1) ?? 0,
        height: optNumber(b.height, 'height', 1) ?? 0,
        name: optString(b.name, 'name'),
        online: optBool(b.online, 'online'),
      });
    }),
  );
  r.get(
    '/devices/:id',
    control((req) => {
      const d = sim.deviceDetail(String(req.params.id));
      if (!d) throw new ControlError('unknown device', 404);
      return d;
    }),
  );
  r.post(
    '/devices/:id/online',
    control((req) => {
      const online = optBool(controlBody(req).online, 'online');
      if (online === undefined) throw new ControlError('online (boolean) is required');
      sim.setOnline(String(req.params.id), online);
      return { ok: true };
    }),
  );
  r.delete(
    '/devices/:id',
    control((req) => {
      if (!sim.removeDevice(String(req.params.id))) throw new ControlError('unknown device', 404);
      return { ok: true };
    }),
  );
  return r;
}
