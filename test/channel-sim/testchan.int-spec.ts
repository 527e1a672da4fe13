import { AxiosInstance } from 'axios';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { client, startSimSuite, until } from './sim-test-helpers';

describe('channel-sim: test channel', () => {
  let sim: ChannelSim;
  let tc: AxiosInstance;
  const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  startSimSuite((started) => {
    sim = started;
    tc = client(sim.baseUrls.testchan);
  });
  beforeEach(() => sim.reset());

  it('publishes synchronously and does not deduplicate', async () => {
    const body = { ref: 'delivery-1', title: '通知', text: '正文' };
    const a = await tc.post('/posts', body, auth('tok'));
    expect(a.status).toBe(200);
    expect(a.data).toEqual({ id: expect.any(String), url: `${sim.url}/testchan/p/${a.data.id}`, status: 'published', ref: 'delivery-1' });
    const b = await tc.post('/posts', body, auth('tok'));
    expect(b.data.id).not.toBe(a.data.id);
    const recs = sim.records.list({ system: 'testchan' });
    expect(recs.map((r) => r.meta?.ref)).toEqual(['delivery-1', 'delivery-1']);
    expect(recs[0]).toMatchObject({ account: 'tok', externalId: a.data.id, title: '通知', text: '正文' });
    const page = await client(sim.url).get(a.data.url);
    expect(page.data).toContain('通知');
  });

  it('an "async-" token gets pending, then published after the delay', async () => {
    sim.testchan.configure({ asyncDelayMs: 100 });
    const r = await tc.post('/posts', { ref: 'r-async', title: 't', text: 'x' }, auth('async-1'));
    expect(r.data.status).toBe('pending');
    expect(sim.records.list({ system: 'testchan' })).toHaveLength(0);
    const rec = await sim.records.waitFor((x) => x.system === 'testchan' && x.externalId === r.data.id, 3000);
    expect(rec.account).toBe('async-1');
    const g = await tc.get(`/posts/${r.data.id}`, auth('async-1'));
    expect(g.data).toEqual({ id: r.data.id, url: r.data.url, status: 'published', ref: 'r-async' });
  });

  it('can end an async post "failed" without a record', async () => {
    sim.testchan.configure({ asyncDelayMs: 30 });
    await client(sim.url).post('/_sim/testchan/async-failures', { count: 1 });
    const r = await tc.post('/posts', { ref: 'r-f', title: 't', text: 'x' }, auth('async-2'));
    const done = await until(async () => {
      const g = await tc.get(`/posts/${r.data.id}`, auth('async-2'));
      return g.data.status !== 'pending' ? g.data : undefined;
    });
    expect(done.status).toBe('failed');
    expect(sim.records.list({ system: 'testchan' })).toHaveLength(0);
  });

  it('finds posts by ref for the token, gets and deletes them', async () => {
    const p = (await tc.post('/posts', { ref: 'find-me', title: 't', text: 'x' }, auth('tok'))).data;
    await tc.post('/posts', { ref: 'other', title: 't', text: 'x' }, auth('tok'));
    await tc.post('/posts', { ref: 'find-me', title: 't', text: 'x' }, auth('tok-2'));
    const found = await tc.get('/posts', { params: { ref: 'find-me' }, ...auth('tok') });
    expect(found.data).toEqual({ items: [{ id: p.id, url: p.url, status: 'published', ref: 'find-me' }] });
    expect((await tc.get('/posts', { params: { ref: 'none' }, ...auth('tok') })).data).toEqual({ items: [] });

    expect((await tc.delete(`/posts/${p.id}`, auth('tok'))).data).toEqual({ ok: true });
    expect(sim.records.list({ externalId: p.id })[0].deleted).toBe(true);
    expect((await tc.get(`/posts/${p.id}`, auth('tok'))).data.status).toBe('deleted');
    expect((await tc.delete(`/posts/${p.id}`, auth('tok'))).status).toBe(404);
    expect((await tc.delete('/posts/tc_999999', auth('tok'))).status).toBe(404);
  });

  it('answers 401 for a missing or revoked token and in allow-list mode', async () => {
    expect((await tc.post('/posts', { ref: 'a', title: 't', text: 'x' })).data).toEqual({ error: 'invalid_token' });
    await client(sim.url).post('/_sim/testchan/tokens/revoke', { token: 'gone' });
    const r = await tc.post('/posts', { ref: 'a', title: 't', text: 'x' }, auth('gone'));
    expect(r.status).toBe(401);
    sim.testchan.configure({ acceptUnknownTokens: false });
    sim.testchan.addToken('allowed');
    expect((await tc.post('/posts', { ref: 'a', title: 't', text: 'x' }, auth('random'))).status).toBe(401);
    expect((await tc.post('/posts', { ref: 'a', title: 't', text: 'x' }, auth('allowed'))).status).toBe(200);
  });

  it('answers 400 bad_request for a malformed post', async () => {
    const r = await tc.post('/posts', { ref: 'a', title: '', text: 'x' }, auth('tok'));
    expect(r.status).toBe(400);
    expect(r.data).toEqual({ error: 'bad_request', message: expect.stringContaining('title') });
    const notJson = await tc.post('/posts', 'hello', { headers: { authorization: 'Bearer tok', 'content-type': 'text/plain' } });
    expect(notJson.status).toBe(400);
  });

  it('answers 429 rate_limited with retry_after_s when the per-minute limit is reached', async () => {
    sim.testchan.configure({ postsPerMinute: 1 });
    expect((await tc.post('/posts', { ref: 'a', title: 't', text: 'x' }, auth('tok'))).status).toBe(200);
    const r = await tc.post('/posts', { ref: 'b', title: 't', text: 'x' }, auth('tok'));
    expect(r.status).toBe(429);
    expect(r.data).toEqual({ error: 'rate_limited', retry_after_s: expect.any(Number) });
    expect(r.data.retry_after_s).toBeGreaterThan(0);
    sim.clock.advance(60_000);
    expect((await tc.post('/posts', { ref: 'b', title: 't', text: 'x' }, auth('tok'))).status).toBe(200);
  });

  it('answers 503 busy through a fault', async () => {
    sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', error: 'busy', count: 1 });
    const r = await tc.post('/posts', { ref: 'a', title: 't', text: 'x' }, auth('tok'));
    expect(r.status).toBe(503);
    expect(r.data).toEqual({ error: 'busy' });
    expect((await tc.post('/posts', { ref: 'a', title: 't', text: 'x' }, auth('tok'))).status).toBe(200);
  });
});
