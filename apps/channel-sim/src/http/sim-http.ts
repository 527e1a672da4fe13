import * as crypto from 'crypto';
import express, { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { SimClock } from '../clock/sim-clock';
import { FaultController } from '../faults/fault-injector';
import { FaultHooks } from '../faults/fault.types';
import { SimRecords, SystemName } from '../records/sim-records';
import { MultipartError, MultipartPart, parseMultipart } from './multipart';

/** What every simulator gets from the server that hosts it. */
export interface SimContext {
  records: SimRecords;
  faults: FaultController;
  clock: SimClock;
  /** e.g. http://127.0.0.1:3100, known once the server listens */
  baseUrl: () => string;
  log: (msg: string) => void;
}

/** One simulated outside system, mounted under `/${name}` with its controls under `/_sim/${name}`. */
export interface SimSystem {
  readonly name: SystemName;
  /** the protocol routes (paths as on the real system) */
  readonly router: Router;
  /** JSON control routes for tests and operators */
  readonly controlRouter: Router;
  readonly faultHooks: FaultHooks;
  /** forget all state and return to the default configuration */
  reset(): void;
  /** stop timers; the server is going away */
  close(): void;
}

export interface UploadedFile {
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** The request body as the simulators read it: raw bytes plus whatever parse applies. */
export interface ParsedBody {
  raw: Buffer;
  kind: 'empty' | 'json' | 'form' | 'multipart' | 'other';
  /** JSON value (any shape), or form / multipart text fields */
  json?: unknown;
  fields: Record<string, string>;
  files: Record<string, UploadedFile>;
  /** set when the body could not be parsed as its content type says */
  error?: string;
}

const bodies = new WeakMap<Request, ParsedBody>();

export function getBody(req: Request): ParsedBody {
  return bodies.get(req) ?? { raw: Buffer.alloc(0), kind: 'empty', fields: {}, files: {} };
}

/**
 * Reads the whole body once (the Huidu signature covers the exact bytes) and parses it by content
 * type. Like the real WeChat API, a body without a JSON content type that looks like JSON is read as
 * JSON.
 */
export function bodyReader(limit = '25mb'): RequestHandler[] {
  const raw = express.raw({ type: () => true, limit });
  const parse: RequestHandler = (req, _res, next) => {
    const buf = Buffer.isBuffer(req.body) ? (req.body as Buffer) : Buffer.alloc(0);
    bodies.set(req, parseBody(buf, String(req.headers['content-type'] ?? '')));
    next();
  };
  return [raw, parse];
}

export function parseBody(raw: Buffer, contentType: string): ParsedBody {
  const out: ParsedBody = { raw, kind: 'empty', fields: {}, files: {} };
  if (raw.length === 0) return out;
  const ct = contentType.toLowerCase();
  if (ct.startsWith('multipart/')) {
    out.kind = 'multipart';
    try {
      for (const p of parseMultipart(raw, contentType)) addPart(out, p);
    } catch (e) {
      out.error = e instanceof MultipartError ? e.message : String(e);
    }
    return out;
  }
  if (ct.startsWith('application/x-www-form-urlencoded')) {
    out.kind = 'form';
    for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) out.fields[k] = v;
    return out;
  }
  const text = raw.toString('utf8');
  if (ct.includes('json') || /^\s*[[{]/.test(text)) {
    out.kind = 'json';
    try {
      out.json = JSON.parse(text);
      if (out.json && typeof out.json === 'object' && !Array.isArray(out.json)) {
        for (const [k, v] of Object.entries(out.json as Record<string, unknown>)) {
          if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.fields[k] = String(v);
        }
      }
    } catch (e) {
      out.error = `invalid JSON: ${(e as Error).message}`;
    }
    return out;
  }
  out.kind = 'other';
  return out;
}

function addPart(out: ParsedBody, p: MultipartPart): void {
  if (p.filename !== undefined || (p.contentType && !p.contentType.startsWith('text/'))) {
    out.files[p.name] = { filename: p.filename, contentType: p.contentType, data: p.data };
  } else {
    out.fields[p.name] = p.data.toString('utf8');
  }
}

/** The JSON object of the body, or undefined when the body is not a JSON object. */
export function jsonObject(req: Request): Record<string, unknown> | undefined {
  const b = getBody(req);
  return b.json && typeof b.json === 'object' && !Array.isArray(b.json) ? (b.json as Record<string, unknown>) : undefined;
}

export function randomToken(bytes = 24): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

export function randomHex(bytes = 8): string {
  return crypto.randomBytes(bytes).toString('hex');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Number of Unicode code points (what "32 characters" means to a Chinese platform). */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Control-API handler wrapper: thrown errors become 400 JSON answers. */
export function control(fn: (req: Request, res: Response) => unknown): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    try {
      const out = fn(req, res);
      if (!res.headersSent) res.json(out ?? { ok: true });
    } catch (e) {
      if (e instanceof ControlError) res.status(e.status).json({ error: e.message });
      else next(e);
    }
  };
}

export class ControlError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Reads a JSON control body as an object (control routes use express.json()). */
export function controlBody(req: Request): Record<string, unknown> {
  const b = req.body as unknown;
  if (b === undefined || b === null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw new ControlError('expected a JSON object body');
  return b as Record<string, unknown>;
}

export function optString(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ControlError(`${name} must be a string`);
  return v;
}

export function optNumber(v: unknown, name: string, min = -Infinity, max = Infinity): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) throw new ControlError(`${name} must be a number in [${min}, ${max}]`);
  return n;
}

export function optBool(v: unknown, name: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ControlError(`${name} must be a boolean`);
}

/**
 * The part of a simulator's POST /config body that names boolean and non-negative number settings,
 * validated, as a patch (absent keys left out).
 */
export function configPatch<C>(
  b: Record<string, unknown>,
  keys: { bools?: readonly (keyof C & string)[]; numbers?: readonly (keyof C & string)[] },
): Partial<C> {
  const patch: Record<string, unknown> = {};
  for (const k of keys.bools ?? []) {
    const v = optBool(b[k], k);
    if (v !== undefined) patch[k] = v;
  }
  for (const k of keys.numbers ?? []) {
    const v = optNumber(b[k], k, 0);
    if (v !== undefined) patch[k] = v;
  }
  return patch as Partial<C>;
}

/** Timers that reset()/close() must be able to cancel. */
export class TimerSet {
  private timers = new Set<NodeJS.Timeout>();

  after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
