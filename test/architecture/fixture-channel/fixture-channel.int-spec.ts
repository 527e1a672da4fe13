import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { createElement, type FunctionComponent } from 'react';
import { renderToString } from 'react-dom/server';
import type { ChannelCapabilities } from '@app/channels/channel-adapter.types';
import { deliveriesOf, publishItem } from '@app/test/engine/engine-helpers';
import { startTestSystem, TestSystem, waitFor } from '@app/test/utils/test-system';
import { GOVAPP_ROW, GOVAPP_TYPE } from './govapp.adapter';
import { GovAppChannelModule } from './govapp-channel.module';

const API_KEY = 'GovAppKey0123456789abcdef';

// The console's own SchemaForm (apps/console/src/channels/schema-form.tsx), required by path: the console
// is type-checked by its own tsconfig (DOM, JSX); this suite only renders it with react-dom/server.
const { SchemaForm } = require(path.join(__dirname, '../../../apps/console/src/channels/schema-form')) as {
  SchemaForm: FunctionComponent<Record<string, unknown>>;
};

/**
 * Adding a channel is a folder plus one line: the 政务客户端 of this folder (adapter, schemas, its own
 * report row, new media) joins the API and the worker through ChannelsModule.forRoot({ extraAdapters })
 * and nothing else. Its account is validated by its declared schema, an item is published to it end to
 * end, the ledger row carries its declared row, the statistics count it there, and the console renders
 * its account form from the descriptor the API sends.
 */
describe('a channel defined in one folder', () => {
  let sys: TestSystem;
  let outside: http.Server;
  let outsideUrl = '';
  const received: { key: string | undefined; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    // the 政务客户端's publishing API, on loopback
    outside = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/articles') return void res.writeHead(404).end();
        if (req.headers['x-api-key'] !== API_KEY) return void res.writeHead(401).end();
        const body = JSON.parse(data);
        received.push({ key: req.headers['x-api-key'] as string, body });
        const id = `app-${received.length}`;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, url: `${outsideUrl}/a/${id}` }));
      });
    });
    await new Promise<void>((r) => outside.listen(0, '127.0.0.1', r));
    outsideUrl = `http://127.0.0.1:${(outside.address() as AddressInfo).port}`;
    sys = await startTestSystem('fixturechan', { apiModules: [GovAppChannelModule], workerModules: [GovAppChannelModule] });
  }, 240_000);

  afterAll(async () => {
    await sys?.close();
    await new Promise((r) => outside?.close(r));
  });

  const descriptor = async (): Promise<ChannelCapabilities> => {
    const caps: ChannelCapabilities[] = (await (await sys.login('admin')).get('/channels')).data;
    return caps.find((c) => c.type === GOVAPP_TYPE)!;
  };

  it('the API sends its whole descriptor, schemas included', async () => {
    const cap = await descriptor();
    expect(cap).toMatchObject({ label: '政务客户端', reportRow: GOVAPP_ROW, newMedia: true, staleness: { maxDays: 14 } });
    expect(cap.settingsSchema.map((f) => f.key)).toEqual(['appName', 'column', 'pushToUsers']);
    expect(cap.credentialsSchema).toEqual([expect.objectContaining({ key: 'apiKey', type: 'secret', required: true })]);
  });

  let accountId = '';
  it('an account is validated by its schema: bad fields refused by name in Chinese, nothing written; then created', async () => {
    const admin = await sys.login('admin');
    const body = { organisationId: sys.seed.orgs['sfx'], channelType: GOVAPP_TYPE, name: '示范县发布客户端', baseUrl: outsideUrl };
    const bad = await admin.post('/channel-accounts', { ...body, settings: { column: 'sports', pushToUsers: 'yes' }, credentials: { apiKey: 'short' } });
    expect(bad.status).toBe(400);
    expect(bad.data.code).toBe('VALIDATION_FAILED');
    expect(bad.data.details).toEqual([
      { field: 'settings.appName', reason: '请填写“客户端名称”' },
      { field: 'settings.column', reason: '发布栏目应为以下之一：要闻、通知公告' },
      { field: 'settings.pushToUsers', reason: '发布时推送给用户应为“是”或“否”' },
      { field: 'credentials.apiKey', reason: '接口密钥应为至少16位字母和数字' },
    ]);
    const count = async () => (await sys.ds.query(`SELECT count(*)::int AS n FROM channel_accounts WHERE channel_type = $1`, [GOVAPP_TYPE]))[0].n;
    expect(await count()).toBe(0);

    const ok = await admin.post('/channel-accounts', { ...body, settings: { appName: '示范县发布', column: 'notice' }, credentials: { apiKey: API_KEY } });
    expect(ok.status).toBe(201);
    expect(ok.data.hasCredentials).toBe(true);
    expect(JSON.stringify(ok.data)).not.toContain(API_KEY);
    accountId = ok.data.id;
    expect(await count()).toBe(1);

    // a change of settings alone keeps the stored secret (留空则不修改); a bad one names the field
    expect((await admin.patch(`/channel-accounts/${accountId}`, { settings: { appName: '', column: 'notice' } })).data.details).toEqual([
      { field: 'settings.appName', reason: '请填写“客户端名称”' },
    ]);
  });

  it('its per-item field is checked against its schema at submit, naming the field', async () => {
    const editor = await sys.login('editor');
    const created = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: '关于做好冬季供暖保障工作的通知',
      bodyHtml: '<p>各乡镇：做好供暖保障。</p>',
      summary: '冬季供暖保障',
      kind: 'notice',
      targetAccountIds: [accountId],
      channelOverrides: { [GOVAPP_TYPE]: { headline: '长'.repeat(31) } },
    });
    expect(created.status).toBe(201);
    const r = await editor.post(`/items/${created.data.id}/submit`);
    expect(r.status).toBe(422);
    expect(r.data.details).toContainEqual({
      field: `channels.${GOVAPP_TYPE}.channelOverrides.${GOVAPP_TYPE}.headline`,
      reason: '政务客户端（示范县发布客户端）：客户端标题不能超过30字（现31字）',
    });
    // a value of the wrong kind is refused when the draft is saved
    const typed = await editor.patch(`/items/${created.data.id}`, { channelOverrides: { [GOVAPP_TYPE]: { headline: 7 } } });
    expect(typed.status).toBe(400);
    expect(typed.data.details).toEqual([{ field: `channelOverrides.${GOVAPP_TYPE}.headline`, reason: '客户端标题应为文字' }]);
  });

  it('publishes end to end; the ledger row carries its declared row and new media; the statistics count it there', async () => {
    const itemId = await publishItem(sys, [accountId], { channelOverrides: { [GOVAPP_TYPE]: { headline: '冬季供暖保障' } } });
    const d = await waitFor(async () => (await deliveriesOf(sys, itemId)).find((x) => x.state === 'published'), 30_000, 'the delivery to be published');
    expect(d!.external_id).toBe(`app-${received.length}`);
    expect(received.at(-1)!.body).toMatchObject({ title: '冬季供暖保障', column: 'notice', ref: d!.id });

    const ledger = await sys.ds.query(`SELECT channel_type, report_row, new_media, published_at FROM publication_records WHERE item_id = $1`, [itemId]);
    expect(ledger).toEqual([expect.objectContaining({ channel_type: GOVAPP_TYPE, report_row: GOVAPP_ROW, new_media: true })]);

    const stat = await sys.login('statistician');
    const year = new Date(new Date(ledger[0].published_at).getTime() + 8 * 3600_000).getUTCFullYear();
    for (const source of ['rollup', 'ledger']) {
      const counts = await stat.get('/stats/channel-counts', { params: { org: sys.seed.orgs['sfx'], year, source } });
      expect([source, counts.status]).toEqual([source, 200]);
      expect([source, counts.data.byReportRow[GOVAPP_ROW]]).toEqual([source, 1]);
      // printed with the label its adapter declares: no statistics file lists it
      expect(counts.data.byChannelType).toContainEqual({ channelType: GOVAPP_TYPE, label: '政务客户端', items: 1 });
    }
  });

  it('the console renders its account form from the descriptor', async () => {
    const cap = await descriptor();
    const settings = renderToString(
      createElement(SchemaForm, {
        id: 'na-s',
        legend: '设置',
        fields: cap.settingsSchema,
        value: { appName: '示范县发布' },
        onChange: () => undefined,
        errorPath: 'settings',
      }),
    );
    for (const label of ['客户端名称', '发布栏目', '要闻', '通知公告', '发布时推送给用户']) expect(settings).toContain(label);
    expect(settings).toContain('id="na-s-appName"');
    expect(settings).toContain('value="示范县发布"');
    const credentials = renderToString(
      createElement(SchemaForm, {
        id: 'ea-c',
        fields: cap.credentialsSchema,
        value: {},
        onChange: () => undefined,
        errorPath: 'credentials',
        writeOnly: { stored: true },
      }),
    );
    expect(credentials).toContain('接口密钥');
    expect(credentials).toContain('已设置，留空则不修改');
    expect(credentials).toContain('type="password"');
    const overrides = renderToString(
      createElement(SchemaForm, {
        id: `ov-${GOVAPP_TYPE}`,
        fields: cap.overrideSchema,
        value: { headline: '冬季供暖' },
        onChange: () => undefined,
        errorPath: `channelOverrides.${GOVAPP_TYPE}`,
      }),
    );
    expect(overrides).toContain('客户端标题');
    expect(overrides).toMatch(/4<!-- --> \/ <!-- -->30/);
  });
});
