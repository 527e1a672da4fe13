import axios, { AxiosInstance } from 'axios';

export interface DemoResult {
  id: string;
  channels: number;
  lines: string[];
}

/**
 * Publishes the demo item through the real flow (editor writes and submits, reviewer approves) to
 * every demo channel account, waits for the deliveries, then has the operator compile and publish the
 * gazette issue that collected it, so a newcomer sees one item on every outlet.
 */
export async function publishDemoItem(base: string, password: string, simUrl?: string): Promise<DemoResult> {
  const http = axios.create({ baseURL: `${base}/api/v1`, timeout: 60_000, proxy: false });
  const login = async (u: string): Promise<AxiosInstance> => {
    const token = (await http.post('/auth/login', { username: u, password })).data.accessToken as string;
    return axios.create({ baseURL: `${base}/api/v1`, timeout: 60_000, proxy: false, headers: { Authorization: `Bearer ${token}` } });
  };
  const editor = await login('editor');
  const reviewer = await login('reviewer');
  const operator = await login('operator');
  const orgs = (await editor.get('/organisations')).data as { id: string; code: string }[];
  const county = orgs.find((o) => o.code === 'sfx')!;
  const accounts = (await editor.get('/channel-accounts', { params: { organisationId: county.id } })).data as {
    id: string;
    channelType: string;
    name: string;
  }[];
  const item = (
    await editor.post('/items', {
      organisationId: county.id,
      title: '示范县人民政府关于印发《示范县政务公开工作实施细则》的通知',
      summary: '规范全县政务公开工作，推进决策、执行、管理、服务、结果公开。',
      bodyHtml:
        '<p>各乡镇人民政府，县直各部门：</p><p>《示范县政务公开工作实施细则》已经县人民政府同意，现印发给你们，请认真贯彻执行。</p><p>一、坚持以公开为常态、不公开为例外，做到先审查、后公开。</p><p>二、政策文件出台后3个工作日内发布政策解读。</p>',
      docNo: '示政发〔2026〕8号',
      writtenDate: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10),
      category: '政务公开',
      kind: 'normative',
      targetAccountIds: accounts.map((a) => a.id),
      channelOverrides: { led: { text: '《示范县政务公开工作实施细则》已印发，详见县政府网站' } },
    })
  ).data;
  await editor.post(`/items/${item.id}/submit`, {});
  await reviewer.post(`/items/${item.id}/approve`, { secrecyConclusion: '经保密审查，不涉及国家秘密' });

  // Wait until every delivery has left the queue (published, waiting for its gazette issue, or
  // waiting for a pull-mode player to fetch its playlist).
  type D = { channelType: string; accountName: string; state: string; externalUrl: string | null; channelAccountId: string };
  let deliveries: D[] = [];
  for (let i = 0; i < 150; i++) {
    deliveries = (await editor.get(`/items/${item.id}/deliveries`)).data;
    if (
      deliveries.length &&
      deliveries.every((d) => !['pending', 'processing', 'unconfirmed'].includes(d.state) && !(d.state === 'awaiting_confirmation' && d.channelType !== 'led'))
    )
      break;
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const d of deliveries.filter((x) => x.state === 'awaiting_issue')) {
    const issue = (await operator.post(`/gazette/${d.channelAccountId}/issues/compile`)).data;
    await operator.post(`/gazette/issues/${issue.id}/publish`);
  }
  deliveries = (await editor.get(`/items/${item.id}/deliveries`)).data;
  const lines = deliveries.map((d) => `    ${d.channelType.padEnd(8)} ${d.accountName}: ${d.state}${d.externalUrl ? '  ' + d.externalUrl : ''}`);
  // the frame images need a signed-in session; the console's 发布监控 → LED显示屏 tab shows them
  const screens = accounts.filter((x) => x.channelType === 'led');
  if (screens.length) lines.push(`    LED screens (${screens.map((a) => a.name).join('、')}): sign in at ${base}/monitor and open the LED显示屏 tab`);
  if (simUrl) lines.push(`    simulator records: ${simUrl}/_sim/records`);
  return { id: item.id, channels: accounts.length, lines };
}
