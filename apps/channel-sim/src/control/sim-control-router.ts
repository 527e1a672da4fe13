import express, { Router } from 'express';
import { ControlError, control, controlBody, optBool } from '../http/sim-http';

/** What a simulator offers its control router: its settings. */
export interface ControlledSim<C> {
  getConfig(): C;
  configure(patch: Partial<C>): C;
}

/**
 * One kind of thing a simulator keeps (devices, accounts, tokens, …), under `path`. Each route is there
 * only when its function is given, so a simulator answers no route it did not have before.
 */
export interface SimCollection {
  /** e.g. '/devices' */
  path: string;
  /** GET path → `{ [key]: list() }` */
  list?: { key: string; list: () => unknown };
  /** POST path with the JSON body → what it returns */
  create?: (body: Record<string, unknown>) => unknown;
  /** GET path/:id → the detail; undefined or null: 404 `unknown` */
  detail?: (id: string) => unknown;
  /** DELETE path/:id → `{ ok: true }`; false: 404 `unknown` */
  remove?: (id: string) => boolean | void;
  /** POST path/:id/online `{ online }` (required boolean) → `{ ok: true }` */
  setOnline?: (id: string, online: boolean) => void;
  /** the 404 answer for an id detail or remove does not know, e.g. 'unknown device' */
  unknown?: string;
}

export interface SimControlExtras<C> {
  /** POST /config: the validated patch the body asks for (sim-http's configPatch, plus any own settings) */
  configPatch: (body: Record<string, unknown>) => Partial<C>;
  collections?: SimCollection[];
  /** the simulator's own routes, added after the shared ones */
  routes?: (r: Router) => void;
}

/**
 * A simulator's control API (/_sim/<system>/…): GET and POST /config, then each collection's list,
 * create, detail, remove and online routes, then the simulator's own routes.
 */
export function simControlRouter<C>(sim: ControlledSim<C>, extras: SimControlExtras<C>): Router {
  const r = express.Router();
  r.get(
    '/config',
    control(() => sim.getConfig()),
  );
  r.post(
    '/config',
    control((req) => sim.configure(extras.configPatch(controlBody(req)))),
  );
  for (const c of extras.collections ?? []) collectionRoutes(r, c);
  extras.routes?.(r);
  return r;
}

function collectionRoutes(r: Router, c: SimCollection): void {
  const unknown = () => new ControlError(c.unknown ?? 'unknown id', 404);
  const { list, create, detail, remove, setOnline } = c;
  if (list) {
    r.get(
      c.path,
      control(() => ({ [list.key]: list.list() })),
    );
  }
  if (create) {
    r.post(
      c.path,
      control((req) => create(controlBody(req))),
    );
  }
  if (detail) {
    r.get(
      `${c.path}/:id`,
      control((req) => {
        const d = detail(String(req.params.id));
        if (d === undefined || d === null) throw unknown();
        return d;
      }),
    );
  }
  if (setOnline) {
    r.post(
      `${c.path}/:id/online`,
      control((req) => {
        const online = optBool(controlBody(req).online, 'online');
        if (online === undefined) throw new ControlError('online (boolean) is required');
        setOnline(String(req.params.id), online);
        return { ok: true };
      }),
    );
  }
  if (remove) {
    r.delete(
      `${c.path}/:id`,
      control((req) => {
        if (remove(String(req.params.id)) === false) throw unknown();
        return { ok: true };
      }),
    );
  }
}
