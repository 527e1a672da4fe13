import type { ChannelField } from '@app/channels/channel-adapter.types';

/** The 政务客户端's account form and per-item field, as data. */
export const GOVAPP_SETTINGS_SCHEMA: ChannelField[] = [
  { key: 'appName', label: '客户端名称', type: 'string', required: true, maxLength: 50, help: '如 “示范县发布” 客户端' },
  {
    key: 'column',
    label: '发布栏目',
    type: 'select',
    options: [
      { value: 'news', label: '要闻' },
      { value: 'notice', label: '通知公告' },
    ],
    default: 'news',
  },
  { key: 'pushToUsers', label: '发布时推送给用户', type: 'boolean' },
];

export const GOVAPP_CREDENTIALS_SCHEMA: ChannelField[] = [
  { key: 'apiKey', label: '接口密钥', type: 'secret', required: true, pattern: '^[A-Za-z0-9]{16,}$', patternHelp: '应为至少16位字母和数字' },
];

export const GOVAPP_OVERRIDE_SCHEMA: ChannelField[] = [{ key: 'headline', label: '客户端标题', type: 'string', maxLength: 30, help: '留空则使用信息标题' }];
