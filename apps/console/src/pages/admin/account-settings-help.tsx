/**
 * What the settings / credentials JSON of an account may hold, in words, for the channels whose keys
 * are easy to get wrong. The keys are those the adapters read (libs/channels/src/wechat/).
 */
export const WECHAT_CALLBACK_WARNING =
  '在公众平台启用服务器配置后，公众号原有的自动回复和自定义菜单将停用，且该服务器地址是公众号唯一的消息接收地址；本系统仅靠轮询即可确认发布结果，回调地址可不填。';

export function credentialsHint(channelType: string): string {
  if (channelType === 'wechat') return '凭据加密保存，系统不会再显示。微信公众号：{"appid":"wx…","secret":"…"}，使用回调时另加 "callbackToken" 与 "encodingAesKey"（43位）。';
  return '凭据加密保存，系统不会再显示。JSON 对象，键名见该渠道的说明。';
}

export function AccountSettingsHelp({ channelType, id }: { channelType: string; id: string }) {
  if (channelType !== 'wechat') return null;
  return (
    <div className="settings-help" data-testid={`${id}-wechat-help`}>
      <p className="alert alert-warn" role="note" data-testid="wechat-callback-warning">
        {WECHAT_CALLBACK_WARNING}
      </p>
      <details open>
        <summary>微信公众号的设置项（设置 JSON）</summary>
        <dl className="settings-keys">
          <dt className="mono">publishMode</dt>
          <dd>发布方式："freepublish"（发布：不推送给粉丝，出现在公众号主页，默认）或 "mass"（群发：推送到粉丝会话，受群发次数限制）</dd>
          <dt className="mono">massTarget</dt>
          <dd>群发对象："all"（全部粉丝，默认）或标签编号（如 7，只发给该标签的粉丝）</dd>
          <dt className="mono">accountType</dt>
          <dd>账号类型："subscription"（订阅号：每天群发 1 次，默认）或 "service"（服务号：每月 4 次）</dd>
          <dt className="mono">massSendIgnoreReprint</dt>
          <dd>群发时文章被判定为转载是否继续群发：true / false</dd>
          <dt className="mono">tokenMode</dt>
          <dd>"stable"（推荐，默认）或 "token"（旧式接口，会使其他系统的 token 失效）</dd>
        </dl>
        <p className="hint">
          凭据 JSON 的键名：<span className="mono">appid</span>（AppID）、<span className="mono">secret</span>（AppSecret）、<span className="mono">callbackToken</span>（服务器配置的令牌 Token，可不填）、
          <span className="mono">encodingAesKey</span>（消息加解密密钥，43位，可不填）。
        </p>
      </details>
    </div>
  );
}
