import type { ChannelField } from '../channel-adapter.types';
import { WEIBO_MAX_LENGTH } from './weibo-length';

/** The Weibo account form and the editor's per-item fields, as data (keys: weibo.adapter.ts, weibo-text.ts). */
export const WEIBO_SETTINGS_SCHEMA: ChannelField[] = [
  {
    key: 'rip',
    label: '发布单位公网IP地址（rip）',
    type: 'string',
    maxLength: 45,
    help: '审核人从内网审核时，微博开放平台要求的发布者公网IP；留空则使用审核人的地址',
  },
  {
    key: 'statusUrlTemplate',
    label: '微博链接格式',
    type: 'string',
    maxLength: 300,
    help: '如 https://m.weibo.cn/status/{id}，可用 {id}、{uid}、{baseUrl}；留空则自动',
    advanced: true,
  },
  { key: 'timeoutMs', label: '接口超时（毫秒）', type: 'number', integer: true, min: 1, advanced: true },
  { key: 'pollAfterMs', label: '查询发布结果的间隔（毫秒）', type: 'number', integer: true, min: 1, advanced: true },
  { key: 'visibleWithinMs', label: '微博出现在时间线上的最长等待（毫秒）', type: 'number', integer: true, min: 1, advanced: true },
];

export const WEIBO_CREDENTIALS_SCHEMA: ChannelField[] = [
  { key: 'accessToken', label: '访问令牌（access_token）', type: 'secret', required: true, maxLength: 200, help: '微博开放平台授权后得到的 access_token' },
];

export const WEIBO_OVERRIDE_SCHEMA: ChannelField[] = [
  {
    key: 'text',
    label: '微博正文',
    type: 'text',
    maxLength: WEIBO_MAX_LENGTH,
    lengthRule: 'weibo',
    help: '留空则由标题和摘要自动生成；发布时在末尾附加本信息的网站链接（链接计入字数）',
  },
  { key: 'picUrl', label: '微博配图', type: 'image', help: '留空则使用正文第一张图片或微信封面' },
];
