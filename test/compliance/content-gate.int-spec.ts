import { AxiosInstance } from 'axios';
import sharp from 'sharp';
import { buildMinimalDocx } from '@app/compliance/testing/minimal-docx';
import { buildMinimalPdf } from '@app/compliance/testing/minimal-pdf';
import { validResidentId } from '@app/compliance/testing/fixtures';
import { startTestSystem, TestSystem } from '@app/test/utils/test-system';

interface F {
  id: string;
  rule: string;
  severity: string;
  field: string;
  start: number;
  end: number;
  excerpt: string;
  message: string;
  status: string;
  decidedBy: string | null;
  decisionReason: string | null;
}

/**
 * libs/compliance in the review gate, through the API: what blocks a submission (body, attachments
 * we host, channel renditions), what needs the reviewer's recorded decision, the one-click redaction,
 * the submit-time link check behind the SSRF guard, and the admin's lexicon edits.
 */
describe('compliance gate', () => {
  let sys: TestSystem;
  let editor: AxiosInstance;
  let reviewer: AxiosInstance;
  let admin: AxiosInstance;
  let portal: string;

  beforeAll(async () => {
    sys = await startTestSystem('compliance-gate', { worker: false });
    editor = await sys.login('editor');
    reviewer = await sys.login('reviewer');
    admin = await sys.login('admin');
    portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
  });
  afterAll(async () => sys?.close());

  const item = (over: Record<string, unknown> = {}) => ({
    organisationId: sys.seed.orgs['sfx'],
    title: '关于开展2026年度安全生产检查的通知',
    bodyHtml: '<p>各乡镇人民政府、县直各部门：</p><p>现将有关事项通知如下。</p>',
    kind: 'notice',
    targetAccountIds: [portal],
    ...over,
  });

  async function upload(name: string, buf: Buffer, mime: string) {
    const form = new FormData();
    form.append('purpose', 'attachment');
    form.append('file', new Blob([new Uint8Array(buf)], { type: mime }), name);
    const r = await editor.post('/uploads', form);
    expect(r.status).toBe(201);
    return { name: r.data.name as string, url: r.data.url as string, mime: r.data.mime as string, size: r.data.size as number };
  }

  const findings = async (id: string): Promise<F[]> => (await editor.get(`/items/${id}`)).data.findings;
  const audit = async (id: string): Promise<{ action: string; actorName: string; details: Record<string, unknown> }[]> =>
    (await editor.get(`/items/${id}/audit`)).data;

  it('blocks a submission whose uploaded DOCX or PDF attachment carries a secrecy mark', async () => {
    const docx = await upload(
      '会议通知.docx',
      await buildMinimalDocx(['关于召开全县安全生产工作会议的通知', '请各单位准时参加。'], { header: ['秘密★1年'] }),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    const pdf = await upload('附件2.pdf', buildMinimalPdf(['全县安全生产检查安排', '内部资料 注意保密']), 'application/pdf');
    const clean = await upload('附件3.pdf', buildMinimalPdf(['全县安全生产检查安排表']), 'application/pdf');
    expect(docx.url).toMatch(/^\/api\/v1\/uploads\//); // private until published (issue 12.2)

    const created = await editor.post('/items', item({ attachments: [docx, pdf, clean] }));
    expect(created.status).toBe(201);
    const blocks = (created.data.findings as F[]).filter((f) => f.severity === 'block');
    const byField = new Map(blocks.map((f) => [f.field, f]));
    expect(byField.get('attachments.0#text')).toMatchObject({ rule: 'secrecy-mark', excerpt: expect.stringContaining('秘密★') });
    expect(byField.get('attachments.1#text')).toMatchObject({ rule: 'secrecy-phrase' });
    expect(blocks.some((f) => f.field.startsWith('attachments.2'))).toBe(false);

    const s = await editor.post(`/items/${created.data.id}/submit`);
    expect(s.status).toBe(422);
    expect(s.data.code).toBe('BLOCKING_FINDINGS');
    expect(s.data.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['attachments.0#text', 'attachments.1#text']));
    expect((await editor.get(`/items/${created.data.id}`)).data.status).toBe('draft');

    // A block finding is not the reviewer's to keep.
    const keep = await reviewer.post(`/items/${created.data.id}/findings/${byField.get('attachments.0#text')!.id}/decision`, {
      decision: 'keep',
      reason: '已脱密',
    });
    expect(keep.status).toBe(409);
    expect(keep.data.code).toBe('BLOCKING_NOT_OVERRIDABLE');

    // Replacing the attachments with the clean one lets it through.
    const fixed = await editor.patch(`/items/${created.data.id}`, { attachments: [clean] });
    expect(fixed.status).toBe(200);
    expect((fixed.data.findings as F[]).filter((f) => f.severity === 'block')).toEqual([]);
    expect((await editor.post(`/items/${created.data.id}/submit`)).status).toBe(200);
  });

  it('reads the metadata of images in the body that we host', async () => {
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">会议现场 内部资料</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta>`;
    const jpg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#8ab' } })
      .withXmp(xmp)
      .jpeg()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(jpg)], { type: 'image/jpeg' }), 'photo.jpg');
    const up = await editor.post('/uploads', form);
    expect(up.status).toBe(201);
    const created = await editor.post('/items', item({ bodyHtml: `<p>会议现场：</p><p><img src="${up.data.url}" alt="现场"></p>` }));
    const f = (created.data.findings as F[]).find((x) => x.field === 'bodyHtml.images.0#meta');
    expect(f).toMatchObject({ rule: 'secrecy-phrase', severity: 'block', excerpt: '内部资料' });
    expect((await editor.post(`/items/${created.data.id}/submit`)).data.code).toBe('BLOCKING_FINDINGS');
  });

  it('warns that an attachment hosted elsewhere cannot be checked (and one of ours is missing), without blocking', async () => {
    const created = await editor.post(
      '/items',
      item({
        attachments: [
          { name: '实施方案.pdf', url: 'https://files.example.org/fa.pdf', mime: 'application/pdf', size: 1000 },
          { name: '旧附件.pdf', url: '/site/uploads/2020/01/gone.pdf', mime: 'application/pdf', size: 1000 },
        ],
      }),
    );
    const f = (created.data.findings as F[]).find((x) => x.rule === 'attachment-external');
    expect(f).toMatchObject({ severity: 'warn', field: 'attachments.0#url' });
    expect(f!.message).toMatch(/无法读取并检查/);
    expect((created.data.findings as F[]).find((x) => x.rule === 'attachment-missing')).toMatchObject({ severity: 'warn', field: 'attachments.1#url' });
    expect((await editor.post(`/items/${created.data.id}/submit`)).status).toBe(200);
    // The portal's rendition of an ordinary item adds nothing of its own (no template false positives).
    expect((await findings(created.data.id)).filter((f) => f.field.startsWith('rendition.'))).toEqual([]);
  });

  it("needs the reviewer's decision on personal data: keep with a reason is audited, then approval succeeds", async () => {
    const created = await editor.post(
      '/items',
      item({ title: '关于张某某违章建筑处理结果的公告', bodyHtml: '<p>联系电话：13812345678。</p><p>特此公告。</p>' }),
    );
    const mobile = (created.data.findings as F[]).find((f) => f.rule === 'personal-mobile')!;
    expect(mobile).toMatchObject({ severity: 'review', field: 'bodyHtml', status: 'open' });
    expect(created.data.bodyHtml.slice(mobile.start, mobile.end)).toBe('13812345678');
    expect(mobile.excerpt).not.toContain('13812345678'); // stored masked
    const id = created.data.id;

    expect((await editor.post(`/items/${id}/submit`)).status).toBe(200); // review findings do not block submission
    const early = await reviewer.post(`/items/${id}/approve`, {});
    expect(early.status).toBe(422);
    expect(early.data.code).toBe('UNDECIDED_FINDINGS');

    const noReason = await reviewer.post(`/items/${id}/findings/${mobile.id}/decision`, { decision: 'keep' });
    expect(noReason.status).toBe(400);
    const byAuthor = await editor.post(`/items/${id}/findings/${mobile.id}/decision`, { decision: 'keep', reason: '我觉得可以' });
    expect(byAuthor.status).toBe(403);

    const kept = await reviewer.post(`/items/${id}/findings/${mobile.id}/decision`, { decision: 'keep', reason: '该号码为政务服务热线，应予公开' });
    expect(kept.status).toBe(200);
    expect(kept.data).toMatchObject({ status: 'kept', decidedBy: sys.seed.users['reviewer'], decisionReason: '该号码为政务服务热线，应予公开' });
    const row = (await audit(id)).find((a) => a.action === 'finding.keep')!;
    expect(row).toMatchObject({ actorName: 'reviewer', details: { rule: 'personal-mobile', field: 'bodyHtml', reason: '该号码为政务服务热线，应予公开' } });

    const ok = await reviewer.post(`/items/${id}/approve`, { secrecyConclusion: '经审查不涉密' });
    expect(ok.status).toBe(200);
    expect(ok.data.status).toBe('approved');
    // The decision survived the re-scan at approval.
    expect((await findings(id)).find((f) => f.id === mobile.id)).toMatchObject({ status: 'kept' });
  });

  it('redacts an ID number in one click: masked in the stored body, finding redacted, re-check clean', async () => {
    const idNo = validResidentId('11010519491231002');
    // The number is split by markup: the check reads the text, the redaction touches only text characters.
    const body = `<p>申请人王某，身份证号码：<strong>${idNo.slice(0, 6)}</strong>${idNo.slice(6)}，住所地本县城关镇。</p><p>手机 13900001111</p>`;
    const created = await editor.post('/items', item({ title: '行政许可决定书', bodyHtml: body }));
    const f = (created.data.findings as F[]).find((x) => x.rule === 'personal-id-card')!;
    expect(f).toMatchObject({ severity: 'review', field: 'bodyHtml' });
    expect(created.data.bodyHtml.slice(f.start, f.end).replace(/<[^>]+>/g, '')).toBe(idNo);
    const mobileBefore = (created.data.findings as F[]).find((x) => x.rule === 'personal-mobile')!;

    const r = await editor.post(`/items/${created.data.id}/findings/${f.id}/decision`, { decision: 'redact' });
    expect(r.status).toBe(200);
    expect(r.data).toMatchObject({ status: 'redacted', decidedBy: sys.seed.users['editor'] });

    const after = (await editor.get(`/items/${created.data.id}`)).data;
    expect(after.bodyHtml).not.toContain(idNo.slice(6));
    expect(after.bodyHtml).toContain(`<strong>${idNo.slice(0, 3)}***</strong>`);
    expect(after.bodyHtml.replace(/<[^>]+>/g, '')).toContain(`${idNo.slice(0, 3)}***********${idNo.slice(-4)}`);
    // Re-checked: no open ID finding; the mobile finding is still there, at its position in the new text.
    const open = (after.findings as F[]).filter((x) => x.status === 'open');
    expect(open.filter((x) => x.rule === 'personal-id-card')).toEqual([]);
    const mobile = open.find((x) => x.rule === 'personal-mobile')!;
    expect(after.bodyHtml.slice(mobile.start, mobile.end)).toBe('13900001111');
    expect(mobile.start).toBe(mobileBefore.start);
    expect((after.findings as F[]).find((x) => x.id === f.id)).toMatchObject({ status: 'redacted' });
    expect((await audit(created.data.id)).map((a) => a.action)).toContain('finding.redact');

    // Only personal data can be redacted this way.
    const typo = await editor.post('/items', item({ bodyHtml: '<p>请各单位认真惯彻落实。</p>' }));
    const t = (typo.data.findings as F[]).find((x) => x.rule === 'typo')!;
    expect(t.severity).toBe('warn');
    const refused = await editor.post(`/items/${typo.data.id}/findings/${t.id}/decision`, { decision: 'redact' });
    expect(refused.status).toBe(409);
    expect(refused.data.code).toBe('REDACT_UNSUPPORTED');
  });

  it('checks outgoing links at submit: private ranges refused by the SSRF guard, a broken loopback link reported', async () => {
    const broken = `${sys.url}/api/v1/no-such-page-${Date.now()}`;
    const body = `<p>详见<a href="http://10.20.30.40/oa/doc?id=1">内网系统</a>和<a href="${broken}">相关页面</a>，或访问 http://192.168.1.10/admin 。</p>`;
    const created = await editor.post('/items', item({ bodyHtml: body }));
    // Not on save: the network is only asked at submit.
    expect((created.data.findings as F[]).filter((f) => f.rule.startsWith('link-'))).toEqual([]);
    const s = await editor.post(`/items/${created.data.id}/submit`);
    expect(s.status).toBe(200); // warnings do not block
    const links = (await findings(created.data.id)).filter((f) => f.rule.startsWith('link-'));
    const byUrl = new Map(links.map((f) => [f.excerpt, f]));
    expect(byUrl.get('http://10.20.30.40/oa/doc?id=1')).toMatchObject({ rule: 'link-refused', severity: 'warn', field: 'bodyHtml' });
    expect(byUrl.get('http://192.168.1.10/admin')).toMatchObject({ rule: 'link-refused', severity: 'warn' });
    expect(byUrl.get(broken)).toMatchObject({ rule: 'link-broken', severity: 'warn' });
    expect(byUrl.get(broken)!.message).toContain('HTTP 404');
    const f = byUrl.get('http://10.20.30.40/oa/doc?id=1')!;
    expect(created.data.bodyHtml.slice(f.start, f.end)).toBe('http://10.20.30.40/oa/doc?id=1'); // the href value
    // Kept through approval (the item cannot change while submitted).
    expect((await reviewer.post(`/items/${created.data.id}/approve`, {})).status).toBe(200);
    expect((await findings(created.data.id)).filter((x) => x.rule.startsWith('link-'))).toHaveLength(3);
  });

  it("checks what each channel will publish: a mark in the portal's rendition blocks the submission", async () => {
    // The portal's page carries the site name; an (absurd) site name with a mark is only in the rendition.
    await sys.ds.query(`UPDATE channel_accounts SET settings = settings || '{"siteName":"示范县内部资料汇编网"}'::jsonb WHERE id = $1`, [portal]);
    try {
      const created = await editor.post('/items', item());
      expect((created.data.findings as F[]).filter((f) => f.severity === 'block')).toEqual([]);
      const s = await editor.post(`/items/${created.data.id}/submit`);
      expect(s.status).toBe(422);
      expect(s.data.code).toBe('BLOCKING_FINDINGS');
      // (The blocked submission's transaction is rolled back; the refusal itself names the rendition.)
      expect(s.data.details).toHaveLength(1);
      expect(s.data.details[0]).toMatchObject({ field: `rendition.${portal}.html` });
      expect(s.data.details[0].reason).toMatch(/^政府网站「示范县人民政府门户网站」的发布稿：.*内部资料/);
    } finally {
      await sys.ds.query(`UPDATE channel_accounts SET settings = settings - 'siteName' || '{"siteName":"示范县人民政府"}'::jsonb WHERE id = $1`, [portal]);
    }
  });

  it("applies the admin's lexicon edits at once, validated, audited", async () => {
    const forbidden = await editor.put('/compliance/lexicons/local-terms', { doc: { kind: 'sensitive', terms: ['x'] } });
    expect(forbidden.status).toBe(403);

    const bad = await admin.put('/compliance/lexicons/local-terms', { doc: { kind: 'sensitive', severity: 'severe', terms: ['某某工程'] } });
    expect(bad.status).toBe(422);
    expect(bad.data.code).toBe('LEXICON_INVALID');
    expect(bad.data.details[0].field).toMatch(/severity/);

    const put = await admin.put('/compliance/lexicons/local-terms', {
      doc: { kind: 'sensitive', category: '本地敏感事项', severity: 'review', terms: ['某某水库移民补偿'] },
    });
    expect(put.status).toBe(200);
    expect(put.data).toMatchObject({ id: 'local-terms', source: 'admin', entryCount: 1, editable: true });
    const list = (await admin.get('/compliance/lexicons')).data as { id: string; source: string }[];
    expect(list.find((l) => l.id === 'local-terms')).toBeTruthy();
    expect(list.find((l) => l.id === 'common-typos')).toMatchObject({ source: 'file' });

    const c = await editor.post('/items', item({ bodyHtml: '<p>关于某某 水库·移民补偿的说明</p>' }));
    const hit = (c.data.findings as F[]).find((f) => f.rule === 'sensitive-word')!;
    expect(hit).toMatchObject({ severity: 'review', field: 'bodyHtml' });

    const edited = await admin.patch('/compliance/lexicons/local-terms/entries', {
      upsert: [{ term: '某某工程', severity: 'warn' }],
      remove: ['某某水库移民补偿'],
    });
    expect(edited.status).toBe(200);
    expect(edited.data.doc.terms).toEqual([{ term: '某某工程', severity: 'warn' }]);
    const u = await editor.patch(`/items/${c.data.id}`, { summary: '说明' });
    expect((u.data.findings as F[]).filter((f) => f.rule === 'sensitive-word')).toEqual([]);

    // A shipped list edited by the admin, then reverted to its file.
    const typos = await admin.patch('/compliance/lexicons/common-typos/entries', { remove: ['惯彻'] });
    expect(typos.data.source).toBe('file+admin');
    const check = async () => (await editor.post('/compliance/check', { fields: [{ field: 't', text: '认真惯彻落实' }] })).data.findings as F[];
    expect(await check()).toEqual([]);
    expect((await admin.delete('/compliance/lexicons/common-typos')).data.source).toBe('file');
    expect((await check()).map((f) => f.rule)).toEqual(['typo']);

    const actions = (await sys.ds.query(`SELECT action, entity_id FROM audit_logs WHERE entity_type = 'lexicon' ORDER BY id`)).map(
      (r: { action: string; entity_id: string }) => `${r.action}:${r.entity_id}`,
    );
    expect(actions).toEqual(['lexicon.update:local-terms', 'lexicon.entries:local-terms', 'lexicon.entries:common-typos', 'lexicon.revert:common-typos']);
  });
});
