import { PortalAdapter } from './portal/portal.adapter';
import { TestchanAdapter } from './testchan/testchan.adapter';
import { WechatAdapter } from './wechat/wechat.adapter';
import { WeiboAdapter } from './weibo/weibo.adapter';
import { GazetteAdapter } from './gazette/gazette.adapter';
import { LedAdapter } from './led/led.adapter';

/**
 * Every channel adapter class, one line each. Adding a channel = one adapter folder + one line here;
 * nothing else in the generic code changes.
 */
// prettier-ignore
export const ADAPTER_CLASSES: any[] = [
  PortalAdapter,
  WechatAdapter,
  WeiboAdapter,
  TestchanAdapter,
  GazetteAdapter,
  LedAdapter,
];
