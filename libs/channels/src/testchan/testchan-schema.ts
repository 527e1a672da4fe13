import type { ChannelField } from '../channel-adapter.types';

/** The developers' test channel (channel-sim's /testchan): its account form, as data (keys: testchan.adapter.ts). */
export const TESTCHAN_SETTINGS_SCHEMA: ChannelField[] = [
  { key: 'timeoutMs', label: '接口超时（毫秒）', type: 'number', integer: true, min: 1, advanced: true },
  { key: 'pollAfterMs', label: '查询发布结果的间隔（毫秒）', type: 'number', integer: true, min: 1, advanced: true },
];

export const TESTCHAN_CREDENTIALS_SCHEMA: ChannelField[] = [{ key: 'token', label: '访问令牌', type: 'secret', maxLength: 500 }];

export const TESTCHAN_OVERRIDE_SCHEMA: ChannelField[] = [];
