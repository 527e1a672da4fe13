import express, { Request, Response, Router } from 'express';
import { FaultHooks } from '../faults/fault-injector';
import { ControlError, SimContext, SimSystem, control, controlBody, getBody, jsonObject, optBool, optNumber, optString, configPatch } from '../http/sim-http';
import { HuiduProgramSummary, areasFit, checkProgram } from './huidu-program';
import { huiduSign, huiduSignMatches } from './huidu-sign';

/**
 * Huidu (灰度) LED controller HTTP SDK, as a device or gateway on port 30080 speaks it:
 * POST /api/program/{ids} with {method: append|remove|update|replace|getAll, data:[program…]},
 * signed with headers sdkKey, date, sign = HMAC-MD5(body + sdkKey + date, sdkSecret). Device ids come
 * from the path, `?id=` or the body's `id`, comma-separated. The answer carries one entry per device:
 * {method, message, data:[{id, message, data:"kSuccess"}]}.
 *
 * Simulator choices where the vendor documents nothing: a signature problem answers HTTP 403
 * {message:"failed", data:"invalid sign" | "invalid sdkKey" | "date out of range"}; a device-level
 * problem makes that device's entry {id, message:"failed", data:"k…: detail"} and the top-level
 * message "failed" (clients must check each device's entry).
 */

export interface HuiduConfig {
  /** how far the `date` header may be from the simulated clock */
  maxDateSkewMs: number;
  /** unknown device ids are created on first use with the default size; false: they fail */
  acceptUnknownDevices: boolean;
  defaultWidth: number;
  defaultHeight: number;
}

export const HUIDU_DEFAULTS: HuiduConfig = {
  maxDateSkewMs: 5 * 60 * 1000,
  acceptUnknownDevices: false,
  defaultWidth: 128,
  defaultHeight: 32,
};

export interface HuiduDeviceInput {
  id: string;
  width: number;
  height: number;
  name?: string;
  online?: boolean;
}

interface StoredProgram {
  program: Record<string, unknown>;
  summary: HuiduProgramSummary;
  updatedAt: string;
}

interface Device {
  id: string;
  name: string;
  width: number;
  height: number;
  online: boolean;
  programs: Map<string, StoredProgram>;
}

const METHODS = ['append', 'remove', 'update', 'replace', 'getAll'];

export class HuiduSim implements SimSystem {
  readonly name = 'huidu' as const;
  readonly router: Router;
  readonly controlRouter: Router;
  readonly faultHooks: FaultHooks;

  private config: HuiduConfig = { ...HUIDU_DEFAULTS };
  private keys = new Map<string, string>();
  private devices = new Map<string, Device>();

  constructor(private readonly ctx: SimContext) {
    this.router = this.buildRouter();
    this.controlRouter = this.buildControlRouter();
    this.faultHooks = {
      accountOf: (req) => {
        const ids = this.deviceIds(req);
        const key = req.header('sdkKey');
        return key ? [...ids, key] : ids;
      },
      renderError: (code, req, res) => {
        const method = typeof jsonObject(req)?.method === 'string' ? (jsonObject(req)?.method as string) : '';
        res.json({ method, message: 'failed', data: code === 'failure' ? 'kFailure: simulated failure' : code });
      },
    };
  }

  // ---------------------------------------------------------------- programmatic controls

  configure(patch: Partial<HuiduConfig>): HuiduConfig {
    const c = { ...this.config, ...patch };
    for (const k of ['maxDateSkewMs', 'defaultWidth', 'defaultHeight'] as const) {
      if (typeof c[k] !== 'number' || !Number.isFinite(c[k]) || c[k] < 0) throw new ControlError(`${k} must be a non-negative number`);
    }
    this.config = c;
    return { ...c };
  }

  getConfig(): HuiduConfig {
    return { ...this.config };
  }

  addKey(sdkKey: string, sdkSecret: string): void {
    if (!sdkKey || !sdkSecret) throw new ControlError('sdkKey and sdkSecret are required');
    this.keys.set(sdkKey, sdkSecret);
  }

  removeKey(sdkKey: string): boolean {
    return this.keys.delete(sdkKey);
  }

  registerDevice(input: HuiduDeviceInput) {
    if (!input.id || /[,\s/]/.test(input.id)) throw new ControlError('id is required and may not contain commas, spaces or slashes');
    if (!Number.isInteger(input.width) || !Number.isInteger(input.height) || input.width <= 0 || input.height <= 0) {
      throw new ControlError('width and height must be positive integers');
    }
    const d = this.devices.get(input.id) ?? { id: input.id, name: input.id, width: input.width, height: input.height, online: true, programs: new Map() };
    d.width = input.width;
    d.height = input.height;
    if (input.name !== undefined) d.name = input.name;
    if (input.online !== undefined) d.online = input.online;
    this.devices.set(d.id, d);
    return this.describeDevice(d, false);
  }

  removeDevice(id: string): boolean {
    return this.devices.delete(id);
  }

  setOnline(id: string, online: boolean): void {
    const d = this.devices.get(id);
    if (!d) throw new ControlError('unknown device', 404);
    d.online = online;
  }

  /** The device's current programs, full JSON as last accepted. */
  devicePrograms(id: string): Record<string, unknown>[] | undefined {
    const d = this.devices.get(id);
    return d ? [...d.programs.values()].map((p) => p.program) : undefined;
  }

  listDevices() {
    return [...this.devices.values()].map((d) => this.describeDevice(d, false));
  }

  reset(): void {
    this.config = { ...HUIDU_DEFAULTS };
    this.keys.clear();
    this.devices.clear();
  }

  close(): void {
    /* no timers */
  }

  // ---------------------------------------------------------------- protocol

  private buildRouter(): Router {
    const r = express.Router();
    r.get('/api/device/list', (req, res) => this.withSign(req, res, () => this.deviceList(res)));
    r.post('/api/device{/:ids}', (req, res) => this.withSign(req, res, () => this.deviceCall(req, res)));
    r.post('/api/program{/:ids}', (req, res) => this.withSign(req, res, () => this.programCall(req, res)));
    r.use((_req, res) => {
      res.status(404).json({ message: 'failed', data: 'not found' });
    });
    return r;
  }

  private describeDevice(d: Device, withPrograms: boolean) {
    return {
      id: d.id,
      name: d.name,
      width: d.width,
      height: d.height,
      online: d.online,
      programs: withPrograms ? [...d.programs.values()].map((p) => p.program) : [...d.programs.values()].map((p) => ({ uuid: p.summary.uuid, name: p.summary.name })),
    };
  }

  private deviceIds(req: Request): string[] {
    const fromPath = typeof req.params?.ids === 'string' ? req.params.ids : undefined;
    const fromPathRaw = fromPath ?? /^\/api\/(?:program|device)\/([^/]+)\/?$/.exec(req.path)?.[1];
    const raw =
      (fromPathRaw ? decodeURIComponent(fromPathRaw) : undefined) ??
      (typeof req.query.id === 'string' ? req.query.id : undefined) ??
      (typeof jsonObject(req)?.id === 'string' ? (jsonObject(req)?.id as string) : undefined);
    return raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
  }

  private withSign(req: Request, res: Response, fn: () => void): void {
    const sdkKey = req.header('sdkKey');
    const secret = sdkKey ? this.keys.get(sdkKey) : undefined;
    if (!sdkKey || secret === undefined) {
      res.status(403).json({ message: 'failed', data: 'invalid sdkKey' });
      return;
    }
    const date = req.header('date');
    if (!date) {
      res.status(403).json({ message: 'failed', data: 'date missing' });
      return;
    }
    const t = Date.parse(date);
    // Dates in a format JavaScript cannot read (e.g. Java's Date.toString with "CST") are not
    // checked for skew; the signature still covers them.
    if (Number.isFinite(t) && Math.abs(this.ctx.clock.now() - t) > this.config.maxDateSkewMs) {
      res.status(403).json({ message: 'failed', data: 'date out of range' });
      return;
    }
    const expected = huiduSign(getBody(req).raw.toString('utf8'), sdkKey, date, secret);
    if (!huiduSignMatches(expected, req.header('sign'))) {
      res.status(403).json({ message: 'failed', data: 'invalid sign' });
      return;
    }
    fn();
  }

  private deviceFor(id: string): Device | undefined {
    let d = this.devices.get(id);
    if (!d && this.config.acceptUnknownDevices) {
      d = { id, name: id, width: this.config.defaultWidth, height: this.config.defaultHeight, online: true, programs: new Map() };
      this.devices.set(id, d);
    }
    return d;
  }

  private deviceProblem(id: string): { id: string; message: string; data: string } | undefined {
    const d = this.deviceFor(id);
    if (!d) return { id, message: 'failed', data: 'kDeviceNotExist: device not found' };
    if (!d.online) return { id, message: 'failed', data: 'kDeviceOffline: device not online' };
    return undefined;
  }

  private deviceList(res: Response): void {
    const online = [...this.devices.values()].filter((d) => d.online).map((d) => d.id);
    res.json({ total: String(online.length), message: 'ok', data: online });
  }

  private deviceCall(req: Request, res: Response): void {
    const body = jsonObject(req);
    const method = typeof body?.method === 'string' ? body.method : '';
    if (!body || !method) {
      res.json({ method, message: 'failed', data: 'invalid json' });
      return;
    }
    const ids = this.deviceIds(req);
    if (ids.length === 0) {
      res.json({ method, message: 'failed', data: 'device id missing' });
      return;
    }
    const data = ids.map((id) => {
      const problem = this.deviceProblem(id);
      if (problem) return problem;
      const d = this.devices.get(id) as Device;
      if (method === 'getDeviceProperty') {
        return { id, message: 'ok', data: { name: d.name, 'screen.width': String(d.width), 'screen.height': String(d.height), 'screen.rotation': '0', 'version.app': '7.10.78.1' } };
      }
      if (method === 'getDeviceStatus') return { id, message: 'ok', data: { 'screen.openStatus': 'true', 'eth.valid': 'true' } };
      return { id, message: 'failed', data: 'kUnsupportMethod' };
    });
    res.json({ method, message: data.every((x) => x.message === 'ok') ? 'ok' : 'failed', data });
  }

  private programCall(req: Request, res: Response): void {
    const parsed = getBody(req);
    const body = jsonObject(req);
    const method = typeof body?.method === 'string' ? body.method : '';
    if (parsed.error || !body) {
      res.json({ method, message: 'failed', data: 'invalid json' });
      return;
    }
    if (!METHODS.includes(method)) {
      res.json({ method, message: 'failed', data: 'kUnsupportMethod' });
      return;
    }
    const ids = this.deviceIds(req);
    if (ids.length === 0) {
      res.json({ method, message: 'failed', data: 'device id missing' });
      return;
    }
    const list = body.data === undefined || body.data === null ? [] : body.data;
    if (!Array.isArray(list)) {
      res.json({ method, message: 'failed', data: 'kInvalidParam: data must be an array' });
      return;
    }

    if (method === 'getAll') {
      const data = ids.map((id) => {
        const problem = this.deviceProblem(id);
        if (problem) return problem;
        const d = this.devices.get(id) as Device;
        return { id, message: 'ok', data: { item: [...d.programs.values()].map((p) => ({ id: p.summary.uuid, name: p.summary.name })) } };
      });
      res.json({ method, message: data.every((x) => x.message === 'ok') ? 'ok' : 'failed', data });
      return;
    }

    if (method === 'remove') {
      const uuids: string[] = [];
      for (let i = 0; i < list.length; i++) {
        const p = list[i] as Record<string, unknown> | null;
        const uuid = p && typeof p === 'object' ? (p.uuid ?? p.id) : undefined;
        if (typeof uuid !== 'string' || !uuid) {
          res.json({ method, message: 'failed', data: `kInvalidParam: data[${i}].uuid required` });
          return;
        }
        uuids.push(uuid);
      }
      const data = ids.map((id) => {
        const problem = this.deviceProblem(id);
        if (problem) return problem;
        const d = this.devices.get(id) as Device;
        for (const u of uuids) {
          d.programs.delete(u);
          this.ctx.records.markDeleted((r) => r.system === 'huidu' && r.account === id && r.externalId === u, 'removed');
        }
        return { id, message: 'ok', data: 'kSuccess' };
      });
      res.json({ method, message: data.every((x) => x.message === 'ok') ? 'ok' : 'failed', data });
      return;
    }

    // append / update / replace: the whole request is checked before any device changes.
    const programs: { program: Record<string, unknown>; summary: HuiduProgramSummary }[] = [];
    for (let i = 0; i < list.length; i++) {
      const c = checkProgram(list[i], i);
      if (!c.ok) {
        res.json({ method, message: 'failed', data: `kInvalidParam: ${c.error}` });
        return;
      }
      if (programs.some((p) => p.summary.uuid === c.summary.uuid)) {
        res.json({ method, message: 'failed', data: `kInvalidParam: data[${i}].uuid duplicated in request` });
        return;
      }
      programs.push({ program: JSON.parse(JSON.stringify(list[i])) as Record<string, unknown>, summary: c.summary });
    }
    if (programs.length === 0 && method !== 'replace') {
      res.json({ method, message: 'failed', data: 'kInvalidParam: data is empty' });
      return;
    }

    const data = ids.map((id) => {
      const problem = this.deviceProblem(id);
      if (problem) return problem;
      const d = this.devices.get(id) as Device;
      for (const p of programs) {
        const fit = areasFit(p.summary, d.width, d.height);
        if (fit) return { id, message: 'failed', data: `kInvalidArea: program ${p.summary.uuid}: ${fit}` };
      }
      if (method === 'update') {
        const missing = programs.find((p) => !d.programs.has(p.summary.uuid));
        if (missing) return { id, message: 'failed', data: `kProgramNotExist: ${missing.summary.uuid}` };
      }
      if (method === 'replace') {
        const keep = new Set(programs.map((p) => p.summary.uuid));
        for (const uuid of [...d.programs.keys()]) {
          if (!keep.has(uuid)) {
            d.programs.delete(uuid);
            this.ctx.records.markDeleted((r) => r.system === 'huidu' && r.account === id && r.externalId === uuid, 'removed by replace');
          }
        }
      }
      const at = new Date(this.ctx.clock.now()).toISOString();
      for (const p of programs) {
        const existed = d.programs.has(p.summary.uuid);
        if (existed) {
          this.ctx.records.markDeleted((r) => r.system === 'huidu' && r.account === id && r.externalId === p.summary.uuid, `superseded by ${method}`);
        }
        d.programs.set(p.summary.uuid, { program: p.program, summary: p.summary, updatedAt: at });
        this.ctx.records.add({
          system: 'huidu',
          account: id,
          externalId: p.summary.uuid,
          title: p.summary.name,
          text: p.summary.texts.join('\n'),
          action: method,
          meta: { texts: p.summary.texts, images: p.summary.images, areas: p.summary.areas, sdkKey: req.header('sdkKey'), replacedExisting: existed },
        });
      }
      this.ctx.log(`huidu: ${method} ${programs.length} program(s) on ${id}`);
      return { id, message: 'ok', data: 'kSuccess' };
    });
    res.json({ method, message: data.every((x) => x.message === 'ok') ? 'ok' : 'failed', data });
  }

  // ---------------------------------------------------------------- control API

  private buildControlRouter(): Router {
    const r = express.Router();
    r.get('/config', control(() => this.getConfig()));
    r.post(
      '/config',
      control((req) => {
        const b = controlBody(req);
        const patch = configPatch<HuiduConfig>(b, { bools: ['acceptUnknownDevices'], numbers: ['maxDateSkewMs', 'defaultWidth', 'defaultHeight'] });
        return this.configure(patch);
      }),
    );
    r.get('/keys', control(() => ({ keys: [...this.keys.keys()] })));
    r.post(
      '/keys',
      control((req) => {
        const b = controlBody(req);
        this.addKey(optString(b.sdkKey, 'sdkKey') ?? '', optString(b.sdkSecret, 'sdkSecret') ?? '');
        return { ok: true };
      }),
    );
    r.delete(
      '/keys/:key',
      control((req) => {
        if (!this.removeKey(String(req.params.key))) throw new ControlError('unknown sdkKey', 404);
        return { ok: true };
      }),
    );
    r.get('/devices', control(() => ({ devices: this.listDevices() })));
    r.post(
      '/devices',
      control((req) => {
        const b = controlBody(req);
        return this.registerDevice({
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
        const d = this.devices.get(String(req.params.id));
        if (!d) throw new ControlError('unknown device', 404);
        return this.describeDevice(d, true);
      }),
    );
    r.post(
      '/devices/:id/online',
      control((req) => {
        const online = optBool(controlBody(req).online, 'online');
        if (online === undefined) throw new ControlError('online (boolean) is required');
        this.setOnline(String(req.params.id), online);
        return { ok: true };
      }),
    );
    r.delete(
      '/devices/:id',
      control((req) => {
        if (!this.removeDevice(String(req.params.id))) throw new ControlError('unknown device', 404);
        return { ok: true };
      }),
    );
    return r;
  }
}
