import type { ChannelField } from '../channel-adapter.types';

/**
 * The portal account form, as data (keys: portal.adapter.ts). The directory's own rules (inside
 * PORTAL_DIR, one organisation per site) stay in portal-directory.ts and the admin API.
 */
export const PORTAL_SETTINGS_SCHEMA: ChannelField[] = [
  { key: 'siteName', label: '网站名称', type: 'string', maxLength: 100, help: '留空则使用账号名称' },
  {
    key: 'siteDomain',
    label: '网站域名',
    type: 'string',
    maxLength: 253,
    pattern: '^[A-Za-z0-9.-]+(:\\d{1,5})?$',
    patternHelp: '应为主机名，可带端口，如 www.example.gov.cn',
    help: '留空则取自网站地址',
  },
  {
    key: 'siteIdCode',
    label: '网站标识码',
    type: 'string',
    maxLength: 32,
    pattern: '^[0-9A-Za-z]+$',
    patternHelp: '应为字母和数字',
    help: '全国政府网站基本信息数据库中的网站标识码',
  },
  {
    key: 'directory',
    label: '网站目录',
    type: 'string',
    maxLength: 200,
    help: '网站文件在门户目录中的相对路径；留空则由网站地址决定',
    advanced: true,
  },
];

export const PORTAL_CREDENTIALS_SCHEMA: ChannelField[] = [];

export const PORTAL_OVERRIDE_SCHEMA: ChannelField[] = [];
