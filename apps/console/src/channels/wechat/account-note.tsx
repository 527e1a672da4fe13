/** Shown above a WeChat account's form: what enabling the server URL does to the official account. */
export const WECHAT_CALLBACK_WARNING =
  '在公众平台启用服务器配置后，公众号原有的自动回复和自定义菜单将停用，且该服务器地址是公众号唯一的消息接收地址；本系统仅靠轮询即可确认发布结果，回调地址可不填。';

export function WechatAccountNote() {
  return (
    <p className="alert alert-warn" role="note" data-testid="wechat-callback-warning">
      {WECHAT_CALLBACK_WARNING}
    </p>
  );
}
