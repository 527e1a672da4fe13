import { AxiosInstance } from 'axios';
import { startTestSystem, TestSystem } from '@app/test/utils/test-system';

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details: { field: string; reason: string }[];
}

/**
 * Issue 12 point 16: inputs that answered 500 now answer 400 in the API's one error shape, naming the
 * field: absurd page numbers, malformed ids, NUL bytes and lone surrogates, JSON nested 10,000 deep,
 * whitespace-only titles. A refusal writes nothing.
 */
describe('no 500 on hostile input', () => {
  let sys: TestSystem;
  let editor: AxiosInstance;
  let operator: AxiosInstance;
  let itemId: string;

  beforeAll(async () => {
    sys = await startTestSystem('no-500', { worker: false });
    editor = await sys.login('editor');
    operator = await sys.login('operator');
    const r = await editor.post('/items', item());
    expect(r.status).toBe(201);
    itemId = r.data.id;
  });
  afterAll(async () => sys?.close());

  function item(over: Record<string, unknown> = {}) {
    return {
      organisationId: sys.seed.orgs['sfx'],
      title: '关于开展2026年度安全生产检查的通知',
      bodyHtml: '<p>现将有关事项通知如下。</p>',
      kind: 'notice',
      ...over,
    };
  }
  const counts = async () => {
    const [{ items }] = await sys.ds.query(`SELECT count(*)::int AS items FROM items`);
    const [{ audits }] = await sys.ds.query(`SELECT count(*)::int AS audits FROM audit_logs`);
    return { items, audits };
  };
  function expect400(r: { status: number; data: ErrorBody }, field: string) {
    expect({ status: r.status, code: r.data?.code }).toEqual({ status: 400, code: expect.any(String) });
    expect(r.data).toMatchObject({ statusCode: 400, message: expect.any(String) });
    expect(r.data.details.map((d) => d.field)).toContain(field);
  }

  it('answers page=99999999999999999999 on the list routes with a 400 naming page', async () => {
    const routes: [AxiosInstance, string][] = [
      [editor, '/items'],
      [editor, '/deliveries'],
      [operator, '/operator/deliveries'],
      [operator, '/operator/matrix'],
    ];
    for (const [who, route] of routes) {
      const r = await who.get(`${route}?page=99999999999999999999`);
      expect({ route, status: r.status }).toEqual({ route, status: 400 });
      expect400(r, 'page');
      const ok = await who.get(`${route}?page=2`);
      expect({ route, status: ok.status }).toEqual({ route, status: 200 });
    }
  });

  it('answers malformed ids with a 400 naming the parameter', async () => {
    const dashes = '-'.repeat(36);
    expect400(await editor.get(`/items/${dashes}`), 'id');
    expect400(await editor.patch(`/items/${dashes}`, { title: '新标题' }), 'id');
    expect400(await editor.get(`/items/${dashes}/audit`), 'id');
    expect400(await operator.get(`/operator/deliveries/${dashes}`), 'id');
    expect400(await editor.post(`/items/${itemId}/findings/not-a-uuid/decision`, { decision: 'redact' }), 'findingId');
    expect400(await editor.post(`/items/${itemId}/findings/${dashes}/decision`, { decision: 'redact' }), 'findingId');
    expect400(await editor.get(`/items/${itemId}/versions/99999999999999999999`), 'versionNo');
    // A well-formed id nobody has is still a 404.
    expect((await editor.get('/items/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('refuses NUL bytes and lone surrogates anywhere in a body or query, naming the field, writing nothing', async () => {
    const before = await counts();
    expect400(await editor.post('/items', item({ title: '通知\u0000附件' })), 'title');
    expect400(await editor.post('/items', item({ bodyHtml: '<p>正文\ud800</p>' })), 'bodyHtml');
    expect400(await editor.post('/items', item({ summary: '摘要\udc00结尾' })), 'summary');
    expect400(
      await editor.post('/items', item({ attachments: [{ name: 'a\u0000.pdf', url: '/site/uploads/a.pdf', mime: 'application/pdf', size: 1 }] })),
      'attachments.0.name',
    );
    expect400(await editor.post('/items', item({ channelOverrides: { weibo: { text: '微博\ud83d' } } })), 'channelOverrides.weibo.text');
    expect400(await editor.patch(`/items/${itemId}`, { title: '\u0000' }), 'title');
    expect400(await editor.get('/items', { params: { q: 'a\u0000b' } }), 'q');
    expect(await counts()).toEqual(before);
    // A well-formed pair is fine.
    expect((await editor.post('/items', item({ title: '通知😀' }))).status).toBe(201);
  });

  it('refuses JSON nested 10,000 deep with a 400, writing nothing', async () => {
    const before = await counts();
    const post = (body: string) => editor.post('/items', body, { headers: { 'Content-Type': 'application/json' }, transformRequest: [(d) => d] });
    const deepArray = '['.repeat(10_000) + ']'.repeat(10_000);
    expect400(await post(deepArray), 'body');
    const deepObject = JSON.stringify(item()).replace(/}$/, `,"channelOverrides":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);
    expect400(await post(deepObject), 'channelOverrides');
    expect(await counts()).toEqual(before);
  });

  it('refuses whitespace-only titles', async () => {
    const before = await counts();
    for (const title of ['   ', '\u3000\u3000', '\t\n']) {
      const r = await editor.post('/items', item({ title }));
      expect400(r, 'title');
      expect(r.data.code).toBe('VALIDATION_FAILED');
    }
    expect400(await editor.patch(`/items/${itemId}`, { title: ' ' }), 'title');
    expect(await counts()).toEqual(before);
  });
});
