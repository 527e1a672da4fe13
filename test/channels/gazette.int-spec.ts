import { promises as fs } from 'fs';
import * as path from 'path';
import { AxiosInstance } from 'axios';
import { GazetteScheduler } from '@app/channels/gazette/gazette-scheduler.service';
import { startTestSystem, TestSystem, waitFor } from '@app/test/utils/test-system';

/**
 * 政府公报 end to end through the real pipeline (editor → reviewer → worker → operator): items wait
 * for an issue, an operator compiles and publishes it, every delivery is published with its ledger
 * row in one transaction, the electronic edition (pages, Atom, open data) is written, a published
 * issue never changes, and a withdrawal becomes a 勘误 in the next issue.
 */
describe('gazette: issues, publication, errata', () => {
  let sys: TestSystem;
  let editor: AxiosInstance;
  let reviewer: AxiosInstance;
  let operator: AxiosInstance;
  let admin: AxiosInstance;
  let gazette: string;
  let portal: string;
  let seq = 0;
  const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
  const gazetteDir = () => path.join(sys.portalDir, 'gazette');

  beforeAll(async () => {
    sys = await startTestSystem('gazette');
    editor = await sys.login('editor');
    reviewer = await sys.login('reviewer');
    operator = await sys.login('operator');
    admin = await sys.login('admin');
    gazette = sys.seed.accounts['gazette:示范县人民政府公报'];
    portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
    expect(gazette).toBeTruthy();
  });
  afterAll(async () => {
    await sys?.close();
  });

  function draft(over: Record<string, unknown> = {}) {
    seq++;
    return {
      organisationId: sys.seed.orgs['sfx'],
      title: `示范县人民政府关于印发城区停车管理办法的通知（${seq}）`,
      bodyHtml: `<p>各乡镇人民政府，县直各部门：</p><p>现将办法印发给你们，请认真贯彻执行。（第${seq}篇）</p>`,
      summary: '城区停车管理',
      docNo: `示政发〔${year}〕${seq}号`,
      writtenDate: `${year}-01-${String(10 + (seq % 18)).padStart(2, '0')}`,
      category: '城乡建设',
      kind: 'normative',
      targetAccountIds: [gazette],
      ...over,
    };
  }

  async function approved(over: Record<string, unknown> = {}): Promise<{ id: string; title: string }> {
    const created = await editor.post('/items', draft(over));
    expect(created.status).toBe(201);
    const id = created.data.id as string;
    const sub = await editor.post(`/items/${id}/submit`);
    expect(sub.status).toBe(200);
    expect((await reviewer.post(`/items/${id}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
    return { id, title: created.data.title };
  }

  const gazetteDelivery = async (itemId: string) =>
    (await sys.ds.query(`SELECT * FROM deliveries WHERE item_id = $1 AND channel_type = 'gazette'`, [itemId]))[0];
  const waitState = (itemId: string, state: string) =>
    waitFor(
      async () => {
        const d = await gazetteDelivery(itemId);
        return d?.state === state ? d : null;
      },
      20_000,
      `gazette delivery of ${itemId} ${state}`,
    );

  it('refuses at submit an item of a kind the gazette does not print, with a clear Chinese reason; the organisation can change the kinds', async () => {
    const created = await editor.post('/items', draft({ kind: 'notice', title: '关于开展政务公开日活动的通知', targetAccountIds: [portal, gazette] }));
    const sub = await editor.post(`/items/${created.data.id}/submit`);
    expect(sub.status).toBe(422);
    expect(sub.data.code).toBe('NOT_DELIVERABLE');
    const p = sub.data.details.find((d: { field: string }) => d.field === 'channels.gazette.kind');
    expect(p.reason).toContain('《示范县人民政府公报》只刊登规章、行政规范性文件、人事任免');
    expect(p.reason).toContain('通知公告');

    const org = sys.seed.orgs['sfx'];
    expect((await admin.patch(`/organisations/${org}`, { settings: { gazette: { kinds: ['regulation', 'normative', 'personnel', 'notice'] } } })).status).toBe(
      200,
    );
    expect((await editor.post(`/items/${created.data.id}/submit`)).status).toBe(200);
    expect((await admin.patch(`/organisations/${org}`, { settings: { gazette: { kinds: ['regulation', 'normative', 'personnel'] } } })).status).toBe(200);
    const section = await editor.post('/items', draft({ channelOverrides: { gazette: { section: '广告' } } }));
    const bad = await editor.post(`/items/${section.data.id}/submit`);
    expect(bad.status).toBe(422);
    expect(bad.data.details[0].field).toBe('channels.gazette.channelOverrides.gazette.section');
  });

  let firstIssue: { id: string; label: string };
  let first: { id: string; title: string }[] = [];

  it('collects deliveries into the next issue: table of contents by section, articles in order; recompiling is allowed until published', async () => {
    const a = await approved({ docNo: `示政发〔${year}〕12号`, writtenDate: `${year}-01-20` });
    const b = await approved({ docNo: `示政发〔${year}〕8号`, writtenDate: `${year}-01-20` });
    const c = await approved({
      kind: 'personnel',
      title: '示范县人民政府关于李明等同志职务任免的通知',
      docNo: `示政任〔${year}〕2号`,
      writtenDate: `${year}-01-05`,
    });
    for (const x of [a, b, c]) await waitState(x.id, 'awaiting_issue');
    const ev = await sys.ds.query(
      `SELECT e.to_state FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id WHERE d.item_id = $1 AND e.kind = 'state' ORDER BY e.id`,
      [a.id],
    );
    expect(ev.map((r: { to_state: string }) => r.to_state)).toContain('awaiting_issue');

    expect((await editor.post(`/gazette/${gazette}/issues/compile`)).status).toBe(403);
    const compiled = await operator.post(`/gazette/${gazette}/issues/compile`);
    expect(compiled.status).toBe(200);
    expect(compiled.data).toMatchObject({ status: 'compiled', label: `${year}年第1期（总第121期）`, articleCount: 3, errataCount: 0, url: null });
    expect(compiled.data.toc.sections.map((s: { title: string }) => s.title)).toEqual(['行政规范性文件', '人事任免']);
    expect(compiled.data.toc.sections[0].entries.map((e: { itemId: string }) => e.itemId)).toEqual([b.id, a.id]); // 8号 before 12号

    // One more arrives with a portal page too; recompiling refreshes the same issue.
    const d = await approved({ targetAccountIds: [portal, gazette], docNo: `示政发〔${year}〕15号`, writtenDate: `${year}-01-25` });
    await waitState(d.id, 'awaiting_issue');
    const again = await operator.post(`/gazette/${gazette}/issues/compile`);
    expect(again.status).toBe(200);
    expect(again.data.id).toBe(compiled.data.id);
    expect(again.data.articleCount).toBe(4);
    expect(again.data.toc.sections[0].entries.map((e: { itemId: string; position: number }) => [e.itemId, e.position])).toEqual([
      [b.id, 1],
      [a.id, 2],
      [d.id, 3],
    ]);
    expect((await editor.get(`/gazette/${gazette}/issues`)).data.map((i: { label: string }) => i.label)).toEqual([`${year}年第1期（总第121期）`]);
    firstIssue = { id: compiled.data.id, label: compiled.data.label };
    first = [a, b, c, d];
  });

  it('publishes an issue in one transaction: a failure part-way publishes nothing; then all deliveries published with their ledger rows at once', async () => {
    const failing = first[2].id; // the last article of the issue (人事任免)
    await sys.ds.query(`CREATE FUNCTION test_fail_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.item_id = '${failing}' AND NEW.channel_type = 'gazette' THEN RAISE EXCEPTION 'injected ledger failure'; END IF; RETURN NEW; END $$`);
    await sys.ds.query(`CREATE TRIGGER test_fail_ledger BEFORE INSERT ON publication_records FOR EACH ROW EXECUTE FUNCTION test_fail_ledger()`);
    const broken = await operator.post(`/gazette/issues/${firstIssue.id}/publish`);
    expect(broken.status).toBe(500);
    const states = await sys.ds.query(`SELECT state FROM deliveries WHERE channel_account_id = $1 AND item_id = ANY($2::uuid[])`, [
      gazette,
      first.map((x) => x.id),
    ]);
    expect(states.map((s: { state: string }) => s.state)).toEqual(['awaiting_issue', 'awaiting_issue', 'awaiting_issue', 'awaiting_issue']);
    expect((await sys.ds.query(`SELECT count(*)::int AS n FROM publication_records WHERE channel_type = 'gazette'`))[0].n).toBe(0);
    expect((await operator.get(`/gazette/issues/${firstIssue.id}`)).data.status).toBe('compiled');
    await sys.ds.query(`DROP TRIGGER test_fail_ledger ON publication_records; DROP FUNCTION test_fail_ledger()`);

    const pub = await operator.post(`/gazette/issues/${firstIssue.id}/publish`);
    expect(pub.status).toBe(200);
    expect(pub.data.siteWritten).toBe(true);
    const issue = pub.data.issue;
    expect(issue.status).toBe('published');
    const url = `${sys.url}/site/gazette/issues/${year}-01.html`;
    expect(issue.url).toBe(url);

    const rows = await sys.ds.query(
      `SELECT d.item_id, d.state, d.external_url, d.published_at, r.published_at AS ledger_at, r.channel_account_id
         FROM deliveries d JOIN publication_records r ON r.delivery_id = d.id WHERE d.channel_account_id = $1`,
      [gazette],
    );
    expect(rows).toHaveLength(4);
    const at = new Date(issue.publishedAt).getTime();
    for (const r of rows) {
      expect(r.state).toBe('published');
      expect(new Date(r.published_at).getTime()).toBe(at);
      expect(new Date(r.ledger_at).getTime()).toBe(at);
      expect(r.external_url).toMatch(new RegExp(`^${url.replace(/[.?]/g, '\\$&')}#a[1-4]$`));
    }
    // The item published on the portal too counts once per channel: two ledger rows, two channel types
    // (its portal delivery is the worker's, which may still be writing it on a busy machine).
    await waitFor(
      async () =>
        (await sys.ds.query(`SELECT 1 FROM deliveries WHERE item_id = $1 AND channel_account_id = $2 AND state = 'published'`, [first[3].id, portal])).length >
        0,
      30_000,
      'the portal delivery of the item published in the gazette too',
    );
    const both = await sys.ds.query(`SELECT channel_type FROM publication_records WHERE item_id = $1 ORDER BY channel_type`, [first[3].id]);
    expect(both.map((r: { channel_type: string }) => r.channel_type)).toEqual(['gazette', 'portal']);
    expect((await editor.get(`/items/${first[0].id}`)).data.status).toBe('published');
  });

  it('writes the issue page (TOC + articles), the index of issues, the Atom feed and the open data, served under /site/gazette/', async () => {
    const page = await fs.readFile(path.join(gazetteDir(), 'issues', `${year}-01.html`), 'utf8');
    expect(page).toContain(`${year}年第1期（总第121期）`);
    expect(page).toContain('<h3>行政规范性文件</h3>');
    for (const x of first) expect(page).toContain(x.title);
    expect(page).toContain(`示政发〔${year}〕8号`);
    expect(page.indexOf('id="a1"')).toBeLessThan(page.indexOf('id="a4"'));
    const served = await (await fetch(`${sys.url}/site/gazette/issues/${year}-01.html`)).text();
    expect(served).toBe(page);
    expect(await fs.readFile(path.join(gazetteDir(), 'index.html'), 'utf8')).toContain(`issues/${year}-01.html`);
    const atom = await fs.readFile(path.join(gazetteDir(), 'atom.xml'), 'utf8');
    expect(atom.match(/<entry>/g)).toHaveLength(1);
    expect(atom).toContain(`《示范县人民政府公报》${year}年第1期（总第121期）`);
    const open = JSON.parse(await (await fetch(`${sys.url}/site/gazette/open-data.json`)).text());
    expect(open.issues).toHaveLength(1);
    expect(open.issues[0].articles.map((a: { itemId: string }) => a.itemId).sort()).toEqual(first.map((x) => x.id).sort());
    expect(open.issues[0].articles[0]).toMatchObject({
      position: 1,
      section: '行政规范性文件',
      kindLabel: '行政规范性文件',
      url: `${sys.url}/site/gazette/issues/${year}-01.html#a1`,
    });
  });

  it('never changes a published issue: a second publish is 409, reordering is 409, the database refuses edits', async () => {
    const again = await operator.post(`/gazette/issues/${firstIssue.id}/publish`);
    expect(again.status).toBe(409);
    expect(again.data.code).toBe('GAZETTE_ISSUE_PUBLISHED');
    expect(again.data.message).toContain('已出版的公报不能更改');
    const entries = (await operator.get(`/gazette/issues/${firstIssue.id}`)).data.toc.sections.flatMap((s: { entries: { entryId: string }[] }) => s.entries);
    const reorder = await operator.put(`/gazette/issues/${firstIssue.id}/order`, {
      entries: entries.reverse().map((e: { entryId: string }) => ({ entryId: e.entryId })),
    });
    expect(reorder.status).toBe(409);
    await expect(sys.ds.query(`UPDATE gazette_issues SET toc = '{"sections":[]}' WHERE id = $1`, [firstIssue.id])).rejects.toThrow(/never changes/);
    await expect(sys.ds.query(`DELETE FROM gazette_entries WHERE issue_id = $1`, [firstIssue.id])).rejects.toThrow(/published issue/);
    expect((await sys.ds.query(`SELECT count(*)::int AS n FROM deliveries WHERE channel_account_id = $1 AND state = 'published'`, [gazette]))[0].n).toBe(4);
  });

  it('a withdrawn published article gets a 勘误 in the next issue; the earlier issue page stays byte-identical; an item withdrawn before publication is dropped', async () => {
    const issue1Page = await fs.readFile(path.join(gazetteDir(), 'issues', `${year}-01.html`));
    const withdrawn = first[0];
    expect((await reviewer.post(`/items/${withdrawn.id}/withdraw`, { reason: '文件内容需要修改' })).status).toBe(200);
    const d = await waitState(withdrawn.id, 'withdrawn');
    const ledger = await sys.ds.query(
      `SELECT r.id, w.reason FROM publication_records r LEFT JOIN publication_withdrawals w ON w.publication_record_id = r.id WHERE r.delivery_id = $1`,
      [d.id],
    );
    expect(ledger).toHaveLength(1);
    expect(ledger[0].reason).toBe('文件内容需要修改');
    const waiting = (await operator.get(`/gazette/${gazette}/waiting`)).data;
    expect(waiting.errata).toHaveLength(1);
    expect(waiting.errata[0].text).toContain(`本刊${year}年第1期（总第121期）刊登的《${withdrawn.title}》`);
    expect(waiting.errata[0].text).toContain('撤回原因：文件内容需要修改');

    const next = await approved({ docNo: `示政发〔${year}〕20号` });
    const dropped = await approved({ docNo: `示政发〔${year}〕21号` });
    await waitState(next.id, 'awaiting_issue');
    await waitState(dropped.id, 'awaiting_issue');
    const compiled = await operator.post(`/gazette/${gazette}/issues/compile`);
    expect(compiled.data).toMatchObject({ label: `${year}年第2期（总第122期）`, articleCount: 2, errataCount: 1 });
    expect(compiled.data.toc.sections.map((s: { title: string }) => s.title)).toEqual(['行政规范性文件', '勘误']);

    // Withdrawn while its issue is still in preparation: cancelled, and left out when the issue goes out.
    expect((await reviewer.post(`/items/${dropped.id}/withdraw`, { reason: '暂缓发布' })).status).toBe(200);
    expect((await gazetteDelivery(dropped.id)).state).toBe('cancelled');
    const pub = await operator.post(`/gazette/issues/${compiled.data.id}/publish`);
    expect(pub.status).toBe(200);
    expect(pub.data.issue.articleCount).toBe(1);
    expect(pub.data.issue.toc.sections[0].entries.map((e: { itemId: string }) => e.itemId)).toEqual([next.id]);
    expect((await sys.ds.query(`SELECT count(*)::int AS n FROM publication_records WHERE item_id = $1`, [dropped.id]))[0].n).toBe(0);

    const page2 = await fs.readFile(path.join(gazetteDir(), 'issues', `${year}-02.html`), 'utf8');
    expect(page2).toContain('<h3>勘误</h3>');
    expect(page2).toContain(`关于《${withdrawn.title}》的勘误`);
    expect(page2).not.toContain(dropped.title);
    expect((await fs.readFile(path.join(gazetteDir(), 'issues', `${year}-01.html`))).equals(issue1Page)).toBe(true);
    const open = JSON.parse(await fs.readFile(path.join(gazetteDir(), 'open-data.json'), 'utf8'));
    expect(open.issues.map((i: { label: string }) => i.label)).toEqual([`${year}年第1期（总第121期）`, `${year}年第2期（总第122期）`]);
    expect(open.issues[1].articles[1].erratum.corrects).toBe(`${year}年第1期（总第121期）`);
    const atom = await fs.readFile(path.join(gazetteDir(), 'atom.xml'), 'utf8');
    expect(atom.indexOf(`${year}年第2期`)).toBeLessThan(atom.indexOf(`${year}年第1期`));
    expect((await operator.post(`/gazette/${gazette}/issues/compile`)).status).toBe(409); // nothing waiting
  });

  it('a revision approved while the item waits for an issue replaces the older version: the gazette prints the latest only', async () => {
    // Published on the portal at once (so it can be revised) while its gazette copy waits for the issue.
    const item = await approved({ docNo: `示政发〔${year}〕30号`, title: '示范县城区占道经营管理规定（征求意见后修改）', targetAccountIds: [portal, gazette] });
    await waitState(item.id, 'awaiting_issue');
    await waitFor(async () => (await editor.get(`/items/${item.id}`)).data.status === 'published', 20_000, 'published on the portal');
    expect((await editor.patch(`/items/${item.id}`, { bodyHtml: '<p>第二版正文。</p>' })).status).toBe(200);
    expect((await editor.post(`/items/${item.id}/submit`)).status).toBe(200);
    expect((await reviewer.post(`/items/${item.id}/approve`, {})).status).toBe(200);
    await waitFor(
      async () =>
        (
          await sys.ds.query(`SELECT 1 FROM deliveries WHERE item_id = $1 AND version_no = 2 AND channel_type = 'gazette' AND state = 'awaiting_issue'`, [
            item.id,
          ])
        ).length > 0,
      20_000,
      'v2 waiting',
    );
    const compiled = await operator.post(`/gazette/${gazette}/issues/compile`);
    expect(compiled.status).toBe(200);
    const entries = compiled.data.toc.sections
      .flatMap((x: { entries: { itemId: string; versionNo: number }[] }) => x.entries)
      .filter((e: { itemId: string }) => e.itemId === item.id);
    expect(entries.map((e: { versionNo: number }) => e.versionNo)).toEqual([2]);
    const v1 = (
      await sys.ds.query(`SELECT state, last_error_code FROM deliveries WHERE item_id = $1 AND version_no = 1 AND channel_type = 'gazette'`, [item.id])
    )[0];
    expect(v1).toEqual({ state: 'cancelled', last_error_code: 'SUPERSEDED' });
    expect((await operator.post(`/gazette/issues/${compiled.data.id}/publish`)).status).toBe(200);
    const page = await fs.readFile(path.join(gazetteDir(), 'issues', `${year}-03.html`), 'utf8');
    expect(page).toContain('<p>第二版正文。</p>');
  });

  it('the schedule compiles a gazette once per period (after a baseline) and publishes it when autoPublish is on', async () => {
    const dept = sys.seed.orgs['sfx-fgj'];
    const acc = await admin.post('/channel-accounts', {
      organisationId: dept,
      channelType: 'gazette',
      name: '示范县发展和改革局公报',
      baseUrl: `${sys.url}/site/gazette-fgj`,
      settings: { title: '示范县发展和改革局公报', frequency: 'semi-monthly', autoPublish: true, path: 'gazette-fgj', kinds: ['normative'] },
    });
    expect(acc.status).toBe(201);
    const item = await approved({ organisationId: dept, targetAccountIds: [acc.data.id], title: '示范县发展和改革局关于价格监测工作的规定' });
    await waitState(item.id, 'awaiting_issue');
    const scheduler = sys.worker!.get(GazetteScheduler);
    const now = new Date();
    const firstRun = (await scheduler.tick(now)).find((o) => o.accountId === acc.data.id)!;
    expect(['baseline', 'skipped']).toContain(firstRun.outcome);
    expect((await gazetteDelivery(item.id)).state).toBe('awaiting_issue');
    const later = new Date(now.getTime() + 16 * 86400_000);
    const run = (await scheduler.tick(later)).find((o) => o.accountId === acc.data.id)!;
    expect(run.outcome).toBe('published');
    expect((await gazetteDelivery(item.id)).state).toBe('published');
    expect((await scheduler.tick(later)).find((o) => o.accountId === acc.data.id)!.outcome).toBe('skipped'); // once per period
    const files = await fs.readdir(path.join(sys.portalDir, 'gazette-fgj', 'issues'));
    expect(files).toHaveLength(1);
    expect(await fs.readFile(path.join(sys.portalDir, 'gazette-fgj', 'issues', files[0]), 'utf8')).toContain('示范县发展和改革局关于价格监测工作的规定');
  });
});
