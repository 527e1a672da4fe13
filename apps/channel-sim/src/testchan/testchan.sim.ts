import express, { Request, Response, Router } from 'express';
import { FaultHooks } from '../faults/fault.types';
import {
  ControlError,
  SimContext,
  SimSystem,
  TimerSet,
  control,
  controlBody,
  escapeHtml,
  jsonObject,
  optNumber,
  optString,
  configPatch,
} from '../http/sim-http';

/**
 * The test channel: our own small protocol for engine tests. It does NOT deduplicate (posting the same
 * ref twice makes two posts), so a duplicate delivery shows up in the records.
 *
 * POST /posts {ref, title, text} with `Authorization: Bearer <token>` → {id, url, status}; tokens
 * starting with "async-" get status "pending", published after asyncDelayMs.
 * GET /posts?ref= (reconcile), GET /posts/:id, DELETE /posts/:id.
 * Errors: 401 invalid_token, 429 rate_limited {retry_after_s}, 400 bad_request {message}, 503 busy.
 */

export interface TestchanConfig {
  /** any bearer token works unless revoked; false: only registered tokens */
  acceptUnknownTokens: boolean;
  /** delay before an "async-" token's post becomes published */
  asyncDelayMs: number;
  /** posts per token per minute (simulated clock); 0 = unlimited */
  postsPerMinute: number;
  maxTitleLength: number;
  maxTextLength: number;
}

export const TESTCHAN_DEFAULTS: TestchanConfig = {
  acceptUnknownTokens: true,
  asyncDelayMs: 300,
  postsPerMinute: 0,
  maxTitleLength: 200,
  maxTextLength: 20000,
};

interface Post {
  id: string;
  ref: string;
  title: string;
  text: string;
  token: string;
  url: string;
  status: 'pending' | 'published' | 'failed' | 'deleted';
  createdAt: number;
}

export class TestchanSim implements SimSystem {
  readonly name = 'testchan' as const;
  readonly router: Router;
  readonly controlRouter: Router;
  readonly faultHooks: FaultHooks;

  private config: TestchanConfig = { ...TESTCHAN_DEFAULTS };
  private tokens = new Set<string>();
  private revoked = new Set<string>();
  private posts = new Map<string, Post>();
  private asyncFailures = 0;
  private seq = 0;
  private readonly timers = new TimerSet();

  constructor(private readonly ctx: SimContext) {
    this.router = this.buildRouter();
    this.controlRouter = this.buildControlRouter();
    this.faultHooks = {
      accountOf: (req) => this.tokenOf(req),
      renderError: (code, _req, res) => {
        if (code === 'rate_limited' || code === '429') res.status(429).set('Retry-After', '1').json({ error: 'rate_limited', retry_after_s: 1 });
        else if (code === 'invalid_token' || code === '401') res.status(401).json({ error: 'invalid_token' });
        else if (code === 'bad_request' || code === '400') res.status(400).json({ error: 'bad_request', message: 'simulated bad request' });
        else res.status(503).json({ error: 'busy' });
      },
    };
  }

  // ---------------------------------------------------------------- programmatic controls

  configure(patch: Partial<TestchanConfig>): TestchanConfig {
    const c = { ...this.config, ...patch };
    for (const k of ['asyncDelayMs', 'postsPerMinute', 'maxTitleLength', 'maxTextLength'] as const) {
      if (typeof c[k] !== 'number' || !Number.isFinite(c[k]) || c[k] < 0) throw new ControlError(`${k} must be a non-negative number`);
    }
    this.config = c;
    return { ...c };
  }

  getConfig(): TestchanConfig {
    return { ...this.config };
  }

  addToken(token: string): void {
    if (!token) throw new ControlError('token is required');
    this.tokens.add(token);
    this.revoked.delete(token);
  }

  revokeToken(token: string): void {
    if (!token) throw new ControlError('token is required');
    this.revoked.add(token);
  }

  /** The next `count` async posts end "failed" instead of "published" (and are never recorded). */
  failNextAsync(count = 1): void {
    this.asyncFailures += count;
  }

  allPosts() {
    return [...this.posts.values()].map((p) => ({
      ...this.view(p),
      title: p.title,
      text: p.text,
      token: p.token,
      createdAt: new Date(p.createdAt).toISOString(),
    }));
  }

  reset(): void {
    this.timers.clear();
    this.config = { ...TESTCHAN_DEFAULTS };
    this.tokens.clear();
    this.revoked.clear();
    this.posts.clear();
    this.asyncFailures = 0;
    this.seq = 0;
  }

  close(): void {
    this.timers.clear();
  }

  // ---------------------------------------------------------------- protocol

  private buildRouter(): Router {
    const r = express.Router();
    r.post('/posts', (req, res) => this.withToken(req, res, (t) => this.create(t, req, res)));
    r.get('/posts', (req, res) => this.withToken(req, res, (t) => this.find(t, req, res)));
    r.get('/posts/:id', (req, res) => this.withToken(req, res, (t) => this.get(t, String(req.params.id), res)));
    r.delete('/posts/:id', (req, res) => this.withToken(req, res, (t) => this.remove(t, String(req.params.id), res)));
    r.get('/p/:id', (req, res) => this.page(String(req.params.id), res));
    r.use((_req, res) => {
      res.status(404).json({ error: 'not_found' });
    });
    return r;
  }

  private tokenOf(req: Request): string | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    return m ? m[1] : undefined;
  }

  private withToken(req: Request, res: Response, fn: (token: string) => void): void {
    const t = this.tokenOf(req);
    if (!t || this.revoked.has(t) || (!this.config.acceptUnknownTokens && !this.tokens.has(t))) {
      res.status(401).json({ error: 'invalid_token' });
      return;
    }
    fn(t);
  }

  private view(p: Post) {
    return { id: p.id, url: p.url, status: p.status, ref: p.ref };
  }

  private create(token: string, req: Request, res: Response): void {
    const b = jsonObject(req);
    const bad = (message: string) => res.status(400).json({ error: 'bad_request', message });
    if (!b) return void bad('body must be a JSON object');
    for (const k of ['ref', 'title', 'text'] as const) {
      if (typeof b[k] !== 'string' || (b[k] as string).trim() === '') return void bad(`${k} must be a non-empty string`);
    }
    const ref = b.ref as string;
    const title = b.title as string;
    const text = b.text as string;
    if ([...title].length > this.config.maxTitleLength) return void bad(`title longer than ${this.config.maxTitleLength} characters`);
    if ([...text].length > this.config.maxTextLength) return void bad(`text longer than ${this.config.maxTextLength} characters`);
    const now = this.ctx.clock.now();
    if (this.config.postsPerMinute > 0) {
      const recent = [...this.posts.values()].filter((p) => p.token === token && now - p.createdAt < 60_000).sort((x, y) => x.createdAt - y.createdAt);
      if (recent.length >= this.config.postsPerMinute) {
        const retry = Math.max(1, Math.ceil((recent[0].createdAt + 60_000 - now) / 1000));
        res.status(429).set('Retry-After', String(retry)).json({ error: 'rate_limited', retry_after_s: retry });
        return;
      }
    }
    const id = `tc_${String(++this.seq).padStart(6, '0')}`;
    const post: Post = { id, ref, title, text, token, url: `${this.ctx.baseUrl()}/testchan/p/${id}`, status: 'published', createdAt: now };
    this.posts.set(id, post);
    if (token.startsWith('async-')) {
      post.status = 'pending';
      const fail = this.asyncFailures > 0;
      if (fail) this.asyncFailures--;
      this.timers.after(this.config.asyncDelayMs, () => {
        if (post.status !== 'pending') return;
        post.status = fail ? 'failed' : 'published';
        if (!fail) this.record(post);
      });
    } else this.record(post);
    res.json(this.view(post));
  }

  private record(p: Post): void {
    this.ctx.records.add({
      system: 'testchan',
      account: p.token,
      externalId: p.id,
      title: p.title,
      text: p.text,
      url: p.url,
      action: 'publish',
      meta: { ref: p.ref },
    });
  }

  private find(token: string, req: Request, res: Response): void {
    const ref = typeof req.query.ref === 'string' ? req.query.ref : undefined;
    const items = [...this.posts.values()].filter((p) => p.token === token && (ref === undefined || p.ref === ref)).map((p) => this.view(p));
    res.json({ items });
  }

  private get(token: string, id: string, res: Response): void {
    const p = this.posts.get(id);
    if (!p || p.token !== token) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    res.json(this.view(p));
  }

  private remove(token: string, id: string, res: Response): void {
    const p = this.posts.get(id);
    if (!p || p.token !== token || p.status === 'deleted') {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    p.status = 'deleted';
    this.ctx.records.markDeleted((r) => r.system === 'testchan' && r.externalId === id, 'DELETE /posts/:id');
    res.json({ ok: true });
  }

  private page(id: string, res: Response): void {
    const p = this.posts.get(id);
    if (!p || p.status !== 'published') {
      res
        .status(404)
        .type('html')
        .send('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>未找到</title></head><body><p>内容不存在</p></body></html>');
      return;
    }
    res
      .type('html')
      .send(
        `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(p.title)}</title></head><body><h1>${escapeHtml(p.title)}</h1><p>${escapeHtml(p.text)}</p></body></html>`,
      );
  }

  // ---------------------------------------------------------------- control API

  private buildControlRouter(): Router {
    const r = express.Router();
    r.get(
      '/config',
      control(() => this.getConfig()),
    );
    r.post(
      '/config',
      control((req) => {
        const b = controlBody(req);
        const patch = configPatch<TestchanConfig>(b, {
          bools: ['acceptUnknownTokens'],
          numbers: ['asyncDelayMs', 'postsPerMinute', 'maxTitleLength', 'maxTextLength'],
        });
        return this.configure(patch);
      }),
    );
    r.post(
      '/tokens',
      control((req) => {
        this.addToken(optString(controlBody(req).token, 'token') ?? '');
        return { ok: true };
      }),
    );
    r.post(
      '/tokens/revoke',
      control((req) => {
        this.revokeToken(optString(controlBody(req).token, 'token') ?? '');
        return { ok: true };
      }),
    );
    r.post(
      '/async-failures',
      control((req) => {
        this.failNextAsync(optNumber(controlBody(req).count, 'count', 1) ?? 1);
        return { ok: true };
      }),
    );
    r.get(
      '/posts',
      control(() => ({ posts: this.allPosts() })),
    );
    return r;
  }
}
