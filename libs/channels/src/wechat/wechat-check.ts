import { AccountCapabilityCheck, AccountCheckResult, AdapterAccount, ChannelError } from '../channel-adapter';
import { WechatClient } from './wechat-client';
import { isEncodingAesKey } from './wechat-crypto';

/**
 * "测试连接" for an official account: harmless reads only (PLATFORM.md §3), never clear_quota, never a
 * draft, a publication or a 群发.
 *
 * - AppID / AppSecret and the IP whitelist: stable_token without force_refresh (hands back the current
 *   token, changes nothing); 40164 names the address to whitelist; 40001 / 40125 / 40013 the credentials.
 * - The whitelist again with the cached token: GET /cgi-bin/get_api_domain_ip (a token cached before the
 *   server's address changed would hide it).
 * - 草稿箱: GET /cgi-bin/draft/count.
 * - 发布 rights: POST /cgi-bin/freepublish/batchget {count:1, no_content:1}; 48001 = no rights (since
 *   July 2025 个人主体 / 未认证 accounts lose freepublish/*). No first-party API reads the verification
 *   type of a self-developed account (getaccountbasicinfo is third-party only), so it is inferred.
 * - 群发 rights without sending: POST /cgi-bin/openapi/quota/get {cgi_path: /cgi-bin/message/mass/sendall}
 *   (daily_limit / used / remain); 48001 = no rights; anything else leaves it undetermined.
 */
export async function checkWechatAccount(client: WechatClient, account: AdapterAccount): Promise<AccountCheckResult> {
  const caps: AccountCapabilityCheck[] = [];
  const add = (key: string, label: string, ok: boolean | null, detail: string) => caps.push({ key, label, ok, detail });
  const errOf = (e: unknown) =>
    e instanceof ChannelError ? { code: e.code, message: e.message } : { code: 'ERROR', message: (e as Error)?.message ?? String(e) };
  const ipOf = (message: string) => /invalid ip ([0-9a-fA-F.:]+)/.exec(message)?.[1];
  const whitelistDetail = (message: string) => {
    const ip = ipOf(message);
    return `本系统服务器的出口 IP${ip ? ` ${ip} ` : ''}不在公众号的 IP白名单中：请在微信公众平台“设置与开发 - 基本配置 - IP白名单”中添加${ip ? ` ${ip}` : ''}（约 5 分钟后生效）`;
  };

  let mode: string;
  try {
    mode = client.tokenMode;
  } catch (e) {
    add('credentials', 'AppID / AppSecret', false, errOf(e).message);
    return finish(caps);
  }

  try {
    await client.verifyCredentials();
    add(
      'credentials',
      'AppID / AppSecret',
      true,
      `凭据有效（${mode === 'stable' ? '使用稳定版接口调用凭据，不影响其他使用同一 AppSecret 的系统' : '使用旧式接口调用凭据：其他系统获取凭据会使本系统的凭据失效，建议在“获取接口调用凭据的方式”中改为稳定版接口'}）`,
    );
  } catch (e) {
    const { code, message } = errOf(e);
    if (code === 'WECHAT_40164') {
      add('credentials', 'AppID / AppSecret', null, '因 IP 白名单未能验证凭据');
      add('ipWhitelist', 'IP 白名单', false, whitelistDetail(message));
    } else {
      add('credentials', 'AppID / AppSecret', false, message);
    }
    for (const [k, l] of REST) add(k, l, null, '未检查：未能取得 access_token');
    return finish(caps, account);
  }

  const read = async (name: string, path: string, o: { method?: 'GET' | 'POST'; json?: unknown }) => {
    try {
      return { ok: true as const, body: await client.call(name, path, { method: o.method ?? 'POST', json: o.json, effect: 'read' }) };
    } catch (e) {
      return { ok: false as const, ...errOf(e) };
    }
  };

  const ips = await read('get_api_domain_ip', '/cgi-bin/get_api_domain_ip', { method: 'GET' });
  if (ips.ok) add('ipWhitelist', 'IP 白名单', true, '本系统服务器可以调用微信接口');
  else if (ips.code === 'WECHAT_40164') add('ipWhitelist', 'IP 白名单', false, whitelistDetail(ips.message));
  else add('ipWhitelist', 'IP 白名单', null, `无法确认：${ips.message}`);

  const drafts = await read('draft/count', '/cgi-bin/draft/count', { method: 'GET' });
  if (drafts.ok) add('draft', '草稿箱接口', true, `可用（草稿箱现有 ${Number(drafts.body?.total_count ?? 0)} 篇）`);
  else add('draft', '草稿箱接口', drafts.code === 'WECHAT_48001' ? false : null, drafts.message);

  const pub = await read('freepublish/batchget', '/cgi-bin/freepublish/batchget', { json: { offset: 0, count: 1, no_content: 1 } });
  if (pub.ok) {
    add('freepublish', '发布接口', true, '可用：本系统通过“发布”推送图文（不进入粉丝会话，出现在公众号主页）');
  } else if (pub.code === 'WECHAT_48001') {
    add(
      'freepublish',
      '发布接口',
      false,
      `无权限（微信错误码 48001）：2025年7月起个人主体账号、企业主体未认证账号及不支持认证的账号已被收回发布接口权限，请完成微信认证`,
    );
  } else {
    add('freepublish', '发布接口', null, `无法确认：${pub.message}`);
  }
  const verifiedOk = pub.ok ? true : pub.code === 'WECHAT_48001' ? false : null;
  add(
    'verified',
    '微信认证（推断）',
    verifiedOk,
    verifiedOk === true
      ? '发布接口可用，账号应已认证'
      : verifiedOk === false
        ? '发布接口无权限，账号很可能未认证或认证已过期'
        : '无法推断（微信未提供自有账号读取认证状态的接口）',
  );

  const quota = await read('openapi/quota/get', '/cgi-bin/openapi/quota/get', { json: { cgi_path: '/cgi-bin/message/mass/sendall' } });
  const q = quota.ok ? quota.body?.quota : undefined;
  if (quota.ok && q && Number(q.daily_limit) > 0) {
    add(
      'mass',
      '群发接口',
      true,
      `可用：今日额度 ${Number(q.daily_limit)} 次，已用 ${Number(q.used ?? 0)} 次，剩余 ${Number(q.remain ?? 0)} 次（另受每位粉丝每月 4 条的限制）`,
    );
  } else if ((quota.ok && q && Number(q.daily_limit) === 0) || (!quota.ok && quota.code === 'WECHAT_48001')) {
    add('mass', '群发接口', false, `无群发权限${quota.ok ? '（今日额度为 0）' : '（微信错误码 48001）'}：群发接口仅认证账号可用`);
  } else {
    add('mass', '群发接口', null, `无法确认：${quota.ok ? '微信未返回额度' : quota.message}`);
  }
  return finish(caps, account);
}

const REST: [string, string][] = [
  ['ipWhitelist', 'IP 白名单'],
  ['draft', '草稿箱接口'],
  ['freepublish', '发布接口'],
  ['verified', '微信认证（推断）'],
  ['mass', '群发接口'],
];

/** Keys a delivery needs (draft + freepublish); 群发 and the callback are optional. */
const REQUIRED = new Set(['credentials', 'ipWhitelist', 'draft', 'freepublish']);

function finish(caps: AccountCapabilityCheck[], account?: AdapterAccount): AccountCheckResult {
  if (account) caps.push(callbackCheck(account));
  const ok = [...REQUIRED].every((k) => caps.find((c) => c.key === k)?.ok === true);
  const problems = caps
    .filter((c) => c.ok === false && (REQUIRED.has(c.key) || c.key === 'mass' || c.key === 'verified'))
    .map((c) => `${c.label}：${c.detail}`);
  return { ok, capabilities: caps, problems };
}

/** Configuration only (nothing is called): how publications are confirmed. */
function callbackCheck(account: AdapterAccount): AccountCapabilityCheck {
  const token = account.credentials.callbackToken ?? account.settings.callbackToken;
  const key = account.credentials.encodingAesKey;
  if (!token) {
    return { key: 'callback', label: '消息回调', ok: null, detail: '未配置回调 Token：发布结果只靠轮询确认（可正常使用）' };
  }
  return {
    key: 'callback',
    label: '消息回调',
    ok: true,
    detail: isEncodingAesKey(key)
      ? '已配置 Token 与 EncodingAESKey：受理兼容模式与安全模式的加密推送（注意：在公众平台启用服务器配置后，网页端设置的自动回复和自定义菜单将失效）'
      : '已配置 Token：受理明文模式推送；若公众平台使用兼容或安全模式，请填写 EncodingAESKey（注意：启用服务器配置后，网页端设置的自动回复和自定义菜单将失效）',
  };
}
