import { SimClock } from '../clock/sim-clock';
import { SYSTEM_NAMES } from '../records/sim-records';
import { Fault, FaultSpec, FaultSpecError, TimeoutAfterEffectSpec } from './fault.types';

// Reading a fault spec (control API or test code) into a fault, and matching a fault's path pattern.

/** how long `hang` and timeoutAfterEffect hold a socket unless told otherwise */
export const DEFAULT_HOLD_MS = 30_000;

/**
 * Checks a fault spec and turns it into the fault the controller keeps; throws FaultSpecError naming the
 * first bad field. `nextId` is called only for a valid spec.
 */
export function normaliseFault(spec: FaultSpec, clock: SimClock, nextId: () => string): Fault {
  if (!spec || typeof spec !== 'object') throw new FaultSpecError('fault must be an object');
  const system = spec.system ?? '*';
  if (system !== '*' && !SYSTEM_NAMES.includes(system)) throw new FaultSpecError(`unknown system "${String(system)}"`);
  const num = (v: unknown, name: string, min: number, max = Infinity): number | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new FaultSpecError(`${name} must be a number in [${min}, ${max}]`);
    return v;
  };
  const latencyMs = num(spec.latencyMs, 'latencyMs', 0);
  const errorRate = num(spec.errorRate, 'errorRate', 0, 1) ?? 1;
  const count = num(spec.count, 'count', 1);
  if (count !== undefined && !Number.isInteger(count)) throw new FaultSpecError('count must be an integer');
  let error: string | undefined;
  if (spec.error !== undefined && spec.error !== null) {
    if (typeof spec.error !== 'string' && typeof spec.error !== 'number') throw new FaultSpecError('error must be a string or a number');
    error = String(spec.error);
    if (error === '') throw new FaultSpecError('error must not be empty');
  }
  let timeoutAfterEffect: Required<TimeoutAfterEffectSpec> | undefined;
  if (spec.timeoutAfterEffect) {
    const t = spec.timeoutAfterEffect === true ? {} : spec.timeoutAfterEffect;
    const mode = t.mode ?? 'hang';
    if (mode !== 'hang' && mode !== 'destroy') throw new FaultSpecError('timeoutAfterEffect.mode must be hang or destroy');
    timeoutAfterEffect = { mode, holdMs: num(t.holdMs, 'timeoutAfterEffect.holdMs', 0) ?? DEFAULT_HOLD_MS };
  }
  let outage: Fault['outage'];
  if (spec.outage) {
    const now = clock.now();
    const from = spec.outage.from === undefined ? now : toEpoch(spec.outage.from, 'outage.from');
    const forMs = num(spec.outage.forMs, 'outage.forMs', 0);
    const to = spec.outage.to !== undefined ? toEpoch(spec.outage.to, 'outage.to') : forMs !== undefined ? from + forMs : Number.POSITIVE_INFINITY;
    const mode = spec.outage.mode ?? 'reset';
    if (mode !== 'reset' && mode !== '503') throw new FaultSpecError('outage.mode must be reset or 503');
    if (!(to > from)) throw new FaultSpecError('outage window is empty');
    outage = { from, to, mode };
  }
  if (latencyMs === undefined && error === undefined && !timeoutAfterEffect && !outage) {
    throw new FaultSpecError('a fault needs at least one of latencyMs, error, timeoutAfterEffect, outage');
  }
  if (spec.path !== undefined && (typeof spec.path !== 'string' || !spec.path.startsWith('/'))) throw new FaultSpecError('path must start with "/"');
  return {
    id: nextId(),
    label: spec.label,
    system,
    path: spec.path,
    method: spec.method?.toUpperCase(),
    account: spec.account === undefined ? undefined : String(spec.account),
    latencyMs,
    error,
    errorRate,
    timeoutAfterEffect,
    outage,
    remaining: count,
    hits: 0,
    fired: 0,
    createdAt: new Date(clock.now()).toISOString(),
  };
}

export function pathMatches(pattern: string, path: string): boolean {
  if (!pattern.includes('*')) return pattern === path || pattern === path.replace(/\/$/, '');
  const re = new RegExp('^' + pattern.split('*').map(escapeRegExp).join('.*') + '$');
  return re.test(path);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function toEpoch(v: number | string, name: string): number {
  const n = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(n)) throw new FaultSpecError(`${name} must be epoch ms or an ISO time`);
  return n;
}
