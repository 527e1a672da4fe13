import express, { Request, Response, Router } from 'express';
import { FaultHooks } from '../faults/fault.types';
import { ControlError, SimContext, SimSystem, getBody, jsonObject } from '../http/sim-http';
import { huiduSign, huiduSignMatches } from './huidu-sign';
import { huiduControlRouter } from './huidu-sim-control';
import { HuiduProgramHost, programCall } from './huidu-sim-program';
import { Device, HUIDU_DEFAULTS, HuiduConfig, HuiduDeviceInput } from './huidu-sim.types';

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

export { HUIDU_DEFAULTS } from './huidu-sim.types';
export type { HuiduConfig, HuiduDeviceInput } from './huidu-sim.types';

export class HuiduSim implements SimSystem {
  readonly name = 'huidu' as const;
  readonly router: Router;
  readonly controlRouter: Router;
  readonly faultHooks: FaultHooks;

  private config: HuiduConfig = { ...HUIDU_DEFAULTS };
  private keys = new Map<string, string>();
  private devices = new Map<string, Device>();
  private readonly programHost: HuiduProgramHost;

  constructor(private readonly ctx: SimContext) {
    this.programHost = {
      ctx,
      deviceIds: (req) => this.deviceIds(req),
      deviceProblem: (id) => this.deviceProblem(id),
      device: (id) => this.devices.get(id),
    };
    this.router = this.buildRouter();
    this.controlRouter = huiduControlRouter(this);
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

  /** One device with its programs' full JSON (undefined: no such device). */
  deviceDetail(id: string) {
    const d = this.devices.get(id);
    return d ? this.describeDevice(d, true) : undefined;
  }

  listKeys(): string[] {
    return [...this.keys.keys()];
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
    r.post('/api/program{/:ids}', (req, res) => this.withSign(req, res, () => programCall(this.programHost, req, res)));
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
      programs: withPrograms
        ? [...d.programs.values()].map((p) => p.program)
        : [...d.programs.values()].map((p) => ({ uuid: p.summary.uuid, name: p.summary.name })),
    };
  }

  private deviceIds(req: Request): string[] {
    const fromPath = typeof req.params?.ids === 'string' ? req.params.ids : undefined;
    const fromPathRaw = fromPath ?? /^\/api\/(?:program|device)\/([^/]+)\/?$/.exec(req.path)?.[1];
    const raw =
      (fromPathRaw ? decodeURIComponent(fromPathRaw) : undefined) ??
      (typeof req.query.id === 'string' ? req.query.id : undefined) ??
      (typeof jsonObject(req)?.id === 'string' ? (jsonObject(req)?.id as string) : undefined);
    return raw
      ? raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
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
        return {
          id,
          message: 'ok',
          data: { name: d.name, 'screen.width': String(d.width), 'screen.height': String(d.height), 'screen.rotation': '0', 'version.app': '7.10.78.1' },
        };
      }
      if (method === 'getDeviceStatus') return { id, message: 'ok', data: { 'screen.openStatus': 'true', 'eth.valid': 'true' } };
      return { id, message: 'failed', data: 'kUnsupportMethod' };
    });
    res.json({ method, message: data.every((x) => x.message === 'ok') ? 'ok' : 'failed', data });
  }
}
