import express, { Router } from 'express';
import { SimClock } from '../clock/sim-clock';
import { FaultController } from '../faults/fault-injector';
import { FaultSpec, FaultSpecError } from '../faults/fault.types';
import { ControlError, SimSystem, control, controlBody, optBool, optNumber, optString } from '../http/sim-http';
import { SYSTEM_NAMES, SimRecords, SystemName } from '../records/sim-records';

/**
 * The JSON control API under /_sim: records (the judge), faults, the request log, the simulated
 * clock, reset, and each simulator's own helpers under /_sim/<system>.
 */
export function controlApi(deps: {
  records: SimRecords;
  faults: FaultController;
  clock: SimClock;
  systems: SimSystem[];
  baseUrls: () => Record<string, string>;
  reset: () => void;
}): Router {
  const { records, faults, clock, systems } = deps;
  const r = express.Router();
  r.use(express.json({ limit: '1mb' }));

  const systemParam = (v: unknown): SystemName | undefined => {
    const s = optString(v, 'system');
    if (s === undefined || s === '') return undefined;
    if (!SYSTEM_NAMES.includes(s as SystemName)) throw new ControlError(`unknown system "${s}"`);
    return s as SystemName;
  };

  r.get(
    '/',
    control(() => ({ systems: SYSTEM_NAMES, baseUrls: deps.baseUrls(), now: new Date(clock.now()).toISOString() })),
  );

  r.get(
    '/records',
    control((req) => {
      const includeDeleted = optBool(req.query.includeDeleted, 'includeDeleted');
      const list = records.list({
        system: systemParam(req.query.system),
        account: optString(req.query.account, 'account'),
        externalId: optString(req.query.externalId, 'externalId'),
        includeDeleted,
      });
      return { count: list.length, records: list };
    }),
  );
  r.delete(
    '/records',
    control(() => {
      records.clear();
      return { ok: true };
    }),
  );

  r.get(
    '/faults',
    control(() => ({ faults: faults.list() })),
  );
  r.post(
    '/faults',
    control((req, res) => {
      try {
        const f = faults.add(controlBody(req) as FaultSpec);
        res.status(201);
        return { fault: f };
      } catch (e) {
        if (e instanceof FaultSpecError) throw new ControlError(e.message);
        throw e;
      }
    }),
  );
  r.post(
    '/faults/seed',
    control((req) => {
      faults.setSeed(optNumber(controlBody(req).seed, 'seed'));
      return { ok: true };
    }),
  );
  r.delete(
    '/faults',
    control((req) => {
      faults.clear(systemParam(req.query.system));
      return { ok: true };
    }),
  );
  r.delete(
    '/faults/:id',
    control((req) => {
      if (!faults.remove(String(req.params.id))) throw new ControlError('unknown fault id', 404);
      return { ok: true };
    }),
  );

  r.get(
    '/requests',
    control((req) => {
      const list = faults.requests({ system: systemParam(req.query.system), path: optString(req.query.path, 'path') });
      return { count: list.length, requests: list };
    }),
  );
  r.delete(
    '/requests',
    control(() => {
      faults.clearRequests();
      return { ok: true };
    }),
  );

  r.get(
    '/clock',
    control(() => ({ now: new Date(clock.now()).toISOString(), epochMs: clock.now(), offsetMs: clock.offset() })),
  );
  r.post(
    '/clock/advance',
    control((req) => {
      const ms = optNumber(controlBody(req).ms, 'ms');
      if (ms === undefined) throw new ControlError('ms is required');
      const now = clock.advance(ms);
      return { now: new Date(now).toISOString(), epochMs: now };
    }),
  );
  r.post(
    '/clock/set',
    control((req) => {
      const b = controlBody(req);
      const t = typeof b.time === 'string' ? Date.parse(b.time) : optNumber(b.epochMs, 'epochMs');
      if (t === undefined || !Number.isFinite(t)) throw new ControlError('time (ISO) or epochMs is required');
      const now = clock.set(t);
      return { now: new Date(now).toISOString(), epochMs: now };
    }),
  );
  r.post(
    '/clock/reset',
    control(() => {
      clock.reset();
      return { ok: true };
    }),
  );

  r.post(
    '/reset',
    control(() => {
      deps.reset();
      return { ok: true };
    }),
  );

  for (const s of systems) r.use(`/${s.name}`, s.controlRouter);
  r.use((_req, res) => {
    res.status(404).json({ error: 'unknown control route' });
  });
  return r;
}
