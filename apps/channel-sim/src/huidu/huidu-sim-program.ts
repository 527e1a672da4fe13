import type { Request, Response } from 'express';
import { SimContext, getBody, jsonObject } from '../http/sim-http';
import { HuiduProgramSummary, areasFit, checkProgram } from './huidu-program';
import { Device, METHODS } from './huidu-sim.types';

// POST /api/program/{ids}: append, remove, update, replace and getAll of the Huidu SDK, one answer
// entry per device (the device-level rules are in huidu.sim.ts's header).

/** What the program calls need of the Huidu simulator that hosts them. */
export interface HuiduProgramHost {
  readonly ctx: SimContext;
  /** device ids from the path, `?id=` or the body's `id` */
  deviceIds(req: Request): string[];
  /** the device's failed entry (unknown, offline), or undefined when it can take the call */
  deviceProblem(id: string): { id: string; message: string; data: string } | undefined;
  device(id: string): Device | undefined;
}

export function programCall(host: HuiduProgramHost, req: Request, res: Response): void {
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
  const ids = host.deviceIds(req);
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
      const problem = host.deviceProblem(id);
      if (problem) return problem;
      const d = host.device(id) as Device;
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
      const problem = host.deviceProblem(id);
      if (problem) return problem;
      const d = host.device(id) as Device;
      for (const u of uuids) {
        d.programs.delete(u);
        host.ctx.records.markDeleted((r) => r.system === 'huidu' && r.account === id && r.externalId === u, 'removed');
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
    const problem = host.deviceProblem(id);
    if (problem) return problem;
    const d = host.device(id) as Device;
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
          host.ctx.records.markDeleted((r) => r.system === 'huidu' && r.account === id && r.externalId === uuid, 'removed by replace');
        }
      }
    }
    const at = new Date(host.ctx.clock.now()).toISOString();
    for (const p of programs) {
      const existed = d.programs.has(p.summary.uuid);
      if (existed) {
        host.ctx.records.markDeleted((r) => r.system === 'huidu' && r.account === id && r.externalId === p.summary.uuid, `superseded by ${method}`);
      }
      d.programs.set(p.summary.uuid, { program: p.program, summary: p.summary, updatedAt: at });
      host.ctx.records.add({
        system: 'huidu',
        account: id,
        externalId: p.summary.uuid,
        title: p.summary.name,
        text: p.summary.texts.join('\n'),
        action: method,
        meta: { texts: p.summary.texts, images: p.summary.images, areas: p.summary.areas, sdkKey: req.header('sdkKey'), replacedExisting: existed },
      });
    }
    host.ctx.log(`huidu: ${method} ${programs.length} program(s) on ${id}`);
    return { id, message: 'ok', data: 'kSuccess' };
  });
  res.json({ method, message: data.every((x) => x.message === 'ok') ? 'ok' : 'failed', data });
}
