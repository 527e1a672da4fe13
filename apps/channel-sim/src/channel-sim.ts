import * as http from 'http';
import { AddressInfo } from 'net';
import express, { NextFunction, Request, Response } from 'express';
import { SimClock } from './clock/sim-clock';
import { controlApi } from './control/control-api';
import { FaultController } from './faults/fault-injector';
import { HuiduSim } from './huidu/huidu.sim';
import { NovastarSim } from './novastar/novastar.sim';
import { SimContext, SimSystem, bodyReader } from './http/sim-http';
import { SimRecords, SystemName } from './records/sim-records';
import { TestchanSim } from './testchan/testchan.sim';
import { WechatSim } from './wechat/wechat.sim';
import { WeiboSim } from './weibo/weibo.sim';

/**
 * Protocol-faithful simulators of the outside systems in one HTTP server. Each system lives under its
 * own prefix, so an account's base URL is `${url}/wechat`, `${url}/weibo`, `${url}/huidu` or
 * `${url}/testchan`, followed by the real paths. Controls are under `${url}/_sim` and on the returned
 * object. See apps/channel-sim/README.md.
 */

export interface ChannelSimOptions {
  /** 0 (default) picks a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  log?: (msg: string) => void;
  /** the URL the simulators put into article / post URLs; default http://<host>:<port> */
  publicUrl?: string;
}

export interface ChannelSim {
  /** e.g. http://127.0.0.1:3100 */
  url: string;
  port: number;
  baseUrls: Record<SystemName, string>;
  records: SimRecords;
  faults: FaultController;
  clock: SimClock;
  wechat: WechatSim;
  weibo: WeiboSim;
  huidu: HuiduSim;
  novastar: NovastarSim;
  testchan: TestchanSim;
  /** back to a fresh simulator: no records, faults, accounts, devices; default configuration */
  reset(): void;
  close(): Promise<void>;
}

export async function startChannelSim(opts: ChannelSimOptions = {}): Promise<ChannelSim> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => undefined);
  const clock = new SimClock();
  const records = new SimRecords(() => clock.now());
  const faults = new FaultController(clock);
  let url = '';
  const ctx: SimContext = { records, faults, clock, baseUrl: () => opts.publicUrl ?? url, log };

  const wechat = new WechatSim(ctx);
  const weibo = new WeiboSim(ctx);
  const huidu = new HuiduSim(ctx);
  const testchan = new TestchanSim(ctx);
  const novastar = new NovastarSim(ctx);
  const systems: SimSystem[] = [wechat, weibo, huidu, testchan, novastar];

  const reset = () => {
    faults.reset();
    records.clear();
    clock.reset();
    for (const s of systems) s.reset();
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const baseUrls = () => Object.fromEntries(systems.map((s) => [s.name, `${ctx.baseUrl()}/${s.name}`])) as Record<SystemName, string>;
  app.use('/_sim', controlApi({ records, faults, clock, systems, baseUrls, reset }));
  for (const s of systems) app.use(`/${s.name}`, ...bodyReader(), faults.middleware(s.name, s.faultHooks), s.router);
  app.get('/', (_req, res) => {
    res.json({ name: 'channel-sim', baseUrls: baseUrls(), control: `${ctx.baseUrl()}/_sim` });
  });
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.too.large') res.status(413).json({ error: 'payload_too_large' });
    else if (e?.status && e.status >= 400 && e.status < 500) res.status(e.status).json({ error: e.message ?? 'bad request' });
    else {
      log(`channel-sim: internal error ${String(e?.message ?? err)}`);
      res.status(500).json({ error: 'internal', message: String(e?.message ?? err) });
    }
  });

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  url = `http://${urlHost}:${port}`;
  log(`channel-sim listening on ${url}`);

  let closed = false;
  return {
    url,
    port,
    baseUrls: baseUrls(),
    records,
    faults,
    clock,
    wechat,
    weibo,
    huidu,
    novastar,
    testchan,
    reset,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const s of systems) s.close();
      faults.releaseHeld();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
