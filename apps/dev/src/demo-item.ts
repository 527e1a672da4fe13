import axios from 'axios';

/**
 * Publishes the demo item through the real flow (editor writes and submits, reviewer approves) to
 * every demo channel account, so a newcomer sees one item on every outlet.
 */
export async function publishDemoItem(base: string, password: string): Promise<{ id: string; channels: number }> {
  const http = axios.create({ baseURL: `${base}/api/v1`, timeout: 30_000 });
  const login = async (u: string) => (await http.post('/auth/login', { username: u, password })).data.accessToken as string;
  const as = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
  const editor = await login('editor');
  const reviewer = await login('reviewer');
  const orgs = (await http.get('/organisations', as(editor))).data as { id: string; code: string }[];
  const county = orgs.find((o) => o.code === 'sfx')!;
  const accounts = (await http.get('/channel-accounts', { ...as(editor), params: { organisationId: county.id } })).data as { id: string }[];
  const item = (
    await http.post(
      '/items',
      {
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
      },
      as(editor),
    )
  ).data;
  await http.post(`/items/${item.id}/submit`, {}, as(editor));
  await http.post(`/items/${item.id}/approve`, { secrecyConclusion: '经保密审查，不涉及国家秘密' }, as(reviewer));
  return { id: item.id, channels: accounts.length };
}
