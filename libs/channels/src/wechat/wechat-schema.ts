import type { ChannelField } from '../channel-adapter.types';
import { WECHAT_LIMITS } from './wechat-fields';

/**
 * The WeChat account form and the editor's per-item fields, as data (the keys are those the adapter
 * reads: wechat-client.ts, wechat-mass-settings.ts, wechat-fields.ts, wechat-check.ts). Rules a schema
 * cannot say (the EncodingAESKey's shape) stay in wechat-check-settings.ts.
 */
export const WECHAT_SETTINGS_SCHEMA: ChannelField[] = [
  {
    key: 'publishMode',
    label: '发布方式',
    type: 'select',
    options: [
      { value: 'freepublish', label: '发布（不推送给粉丝，出现在公众号主页）' },
      { value: 'mass', label: '群发（推送到粉丝会话，受群发次数限制）' },
    ],
    default: 'freepublish',
    help: '政务公众号多用群发；编辑可在每条信息中另选',
  },
  {
    key: 'accountType',
    label: '账号类型',
    type: 'select',
    options: [
      { value: 'subscription', label: '订阅号（每天群发 1 次）' },
      { value: 'service', label: '服务号（每月群发 4 次）' },
    ],
    default: 'subscription',
  },
  {
    key: 'massTarget',
    label: '群发对象',
    type: 'string',
    alsoInteger: true,
    pattern: '^(all|[0-9]{1,9})$',
    patternHelp: '填写 all（全部粉丝）或标签编号（数字）',
    help: 'all：全部粉丝；填写标签编号（如 7）则只发给该标签的粉丝',
    default: 'all',
  },
  { key: 'massSendIgnoreReprint', label: '文章被判定为转载时继续群发', type: 'boolean' },
  { key: 'author', label: '默认作者', type: 'string', maxLength: WECHAT_LIMITS.author, help: '信息未填作者时使用' },
  { key: 'needOpenComment', label: '打开留言', type: 'boolean' },
  { key: 'onlyFansCanComment', label: '仅粉丝可留言', type: 'boolean' },
  {
    key: 'tokenMode',
    label: '获取接口调用凭据的方式',
    type: 'select',
    options: [
      { value: 'stable', label: '稳定版接口（推荐，不影响其他系统）' },
      { value: 'token', label: '旧式接口（会使其他系统获取的凭据失效）' },
    ],
    default: 'stable',
    advanced: true,
  },
  {
    key: 'titleMaxChars',
    label: '标题字数上限',
    type: 'number',
    integer: true,
    min: 1,
    max: WECHAT_LIMITS.title,
    help: `默认 ${WECHAT_LIMITS.title} 字（平台规定）`,
    advanced: true,
  },
  {
    key: 'titleMaxBytes',
    label: '标题字节数上限',
    type: 'number',
    integer: true,
    min: 1,
    max: WECHAT_LIMITS.title * 4,
    help: '个别账号按字节限制标题时填写',
    advanced: true,
  },
  { key: 'timeoutMs', label: '接口超时（毫秒）', type: 'number', integer: true, min: 1, advanced: true },
  { key: 'confirmPollMs', label: '查询发布结果的间隔（毫秒）', type: 'number', integer: true, min: 1, advanced: true },
  { key: 'resubmitAfterMs', label: '重新提交发布前的等待（毫秒）', type: 'number', integer: true, min: 1, advanced: true },
  { key: 'massRetryAfterMs', label: '群发受限后重试的等待（毫秒）', type: 'number', integer: true, min: 1, advanced: true },
];

export const WECHAT_CREDENTIALS_SCHEMA: ChannelField[] = [
  { key: 'appid', label: 'AppID（开发者ID）', type: 'string', required: true, maxLength: 64, help: '公众平台“设置与开发—基本配置”中的 AppID，以 wx 开头' },
  { key: 'secret', label: 'AppSecret（开发者密码）', type: 'secret', required: true, maxLength: 128 },
  { key: 'callbackToken', label: '服务器配置的令牌（Token）', type: 'secret', maxLength: 64, help: '使用回调时填写，可不填' },
  {
    key: 'encodingAesKey',
    label: '消息加解密密钥（EncodingAESKey）',
    type: 'secret',
    pattern: '^[A-Za-z0-9]{43}$',
    patternHelp: '应为 43 位字母和数字',
    help: '使用安全模式回调时填写，可不填',
  },
  {
    key: 'previousEncodingAesKey',
    label: '上一个消息加解密密钥',
    type: 'secret',
    pattern: '^[A-Za-z0-9]{43}$',
    patternHelp: '应为 43 位字母和数字',
    help: '更换密钥期间填写旧密钥，可不填',
    advanced: true,
  },
];

export const WECHAT_OVERRIDE_SCHEMA: ChannelField[] = [
  {
    key: 'title',
    label: '微信标题',
    type: 'string',
    maxLength: WECHAT_LIMITS.title,
    help: `留空则使用信息标题（超过${WECHAT_LIMITS.title}字须在此填写短标题）`,
  },
  { key: 'digest', label: '摘要', type: 'text', maxLength: WECHAT_LIMITS.digest, help: '留空则使用信息摘要' },
  { key: 'author', label: '作者', type: 'string', maxLength: WECHAT_LIMITS.author },
  { key: 'coverUrl', label: '封面图片', type: 'image', help: '留空则使用正文第一张图片或自动生成标题卡；系统按 2.35:1 和 1:1 裁切' },
  {
    key: 'publishMode',
    label: '发布方式',
    type: 'select',
    options: [
      { value: 'freepublish', label: '发布' },
      { value: 'mass', label: '群发' },
    ],
    emptyLabel: '跟随账号设置',
    help: '留空则跟随账号设置。发布：出现在公众号主页，不推送到粉丝会话；群发：推送给粉丝，受每日（订阅号）或每月（服务号）群发次数限制',
  },
];
