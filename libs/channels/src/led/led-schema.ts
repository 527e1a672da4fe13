import type { ChannelField } from '../channel-adapter.types';
import { LED_TEXT_MAX_CHARS } from './led-display';
import { LED_MAX_SIDE } from './led-settings';

/**
 * The LED screen form (Huidu push, pull players, NovaStar VNNOX) and the editor's per-item fields, as
 * data (keys: led-settings.ts, novastar-settings.ts, led-display.ts). Rules across fields (a line
 * height within the screen, the effect's ranges) stay in parseLedSettings.
 */
const HUIDU = { key: 'protocol', values: ['huidu'] };
const NOVASTAR = { key: 'protocol', values: ['novastar'] };
const PLAYLIST = { key: 'protocol', values: ['pull', 'novastar'] };

export const LED_SETTINGS_SCHEMA: ChannelField[] = [
  { key: 'location', label: '安装位置', type: 'string', maxLength: 200, help: '如 县政务服务中心一楼大厅入口上方' },
  {
    key: 'protocol',
    label: '控制协议',
    type: 'select',
    options: [
      { value: 'huidu', label: '灰度控制卡（HTTP 推送，可在内网使用）' },
      { value: 'pull', label: '播放端拉取（可在内网使用）' },
      { value: 'novastar', label: '诺瓦 VNNOX 云平台（须连互联网）' },
    ],
    default: 'huidu',
  },
  { key: 'width', label: '屏幕宽度（像素）', type: 'number', integer: true, required: true, min: 1, max: LED_MAX_SIDE, help: '常见：64、128、192、256' },
  { key: 'height', label: '屏幕高度（像素）', type: 'number', integer: true, required: true, min: 1, max: LED_MAX_SIDE, help: '常见：16、32、64、96、128' },
  {
    key: 'colourMode',
    label: '屏幕颜色',
    type: 'select',
    options: [
      { value: 'single', label: '单色（红）' },
      { value: 'dual', label: '双色（红、绿、黄）' },
      { value: 'full', label: '全彩' },
    ],
    default: 'single',
  },
  {
    key: 'colour',
    label: '默认文字颜色',
    type: 'string',
    pattern: '^(red|green|yellow|#[0-9A-Fa-f]{6})$',
    patternHelp: '应为 red、green、yellow 或 #RRGGBB（全彩屏）',
    help: 'red（红）、green（绿）、yellow（黄），全彩屏可填 #RRGGBB',
  },
  {
    key: 'deviceId',
    label: '控制卡设备编号',
    type: 'string',
    required: true,
    maxLength: 100,
    pattern: '^[^,\\s/]+$',
    patternHelp: '不能包含逗号、空格或斜杠',
    showWhen: HUIDU,
  },
  { key: 'playerIds', label: 'VNNOX 播放器编号', type: 'list', required: true, min: 1, max: 100, maxLength: 100, help: '每行一个', showWhen: NOVASTAR },
  {
    key: 'mediaBaseUrl',
    label: '本系统对外接口地址',
    type: 'url',
    required: true,
    help: '播放器从该地址下载画面，须能从互联网访问，如 https://gk.example.gov.cn/api/v1',
    showWhen: NOVASTAR,
  },
  { key: 'defaultDays', label: '默认显示天数', type: 'number', integer: true, min: 1, max: 366, default: 7, help: '信息未设显示时段时显示的天数' },
  { key: 'maxPages', label: '每条信息最多屏数', type: 'number', integer: true, min: 1, max: 100, default: 10 },
  { key: 'lineHeight', label: '行高（像素）', type: 'number', integer: true, min: 12, max: LED_MAX_SIDE, help: '默认 16', advanced: true },
  { key: 'fontName', label: '控制卡字体名称', type: 'string', maxLength: 64, default: 'SimSun', advanced: true },
  { key: 'confirmPollMs', label: '确认上屏的查询间隔（毫秒）', type: 'number', integer: true, min: 200, advanced: true },
];

export const LED_CREDENTIALS_SCHEMA: ChannelField[] = [
  { key: 'sdkKey', label: '灰度 SDK 密钥标识（sdkKey）', type: 'string', required: true, maxLength: 200, showWhen: HUIDU },
  { key: 'sdkSecret', label: '灰度 SDK 密钥（sdkSecret）', type: 'secret', required: true, maxLength: 200, showWhen: HUIDU },
  { key: 'appKey', label: 'VNNOX 应用标识（AppKey）', type: 'string', required: true, maxLength: 200, showWhen: NOVASTAR },
  { key: 'appSecret', label: 'VNNOX 应用密钥（AppSecret）', type: 'secret', required: true, maxLength: 200, showWhen: NOVASTAR },
  {
    key: 'playlistKey',
    label: '播放端 / 画面下载密钥',
    type: 'secret',
    required: true,
    pattern: '^.{16,}$',
    patternHelp: '至少 16 个字符',
    help: '播放端拉取节目单、诺瓦播放器下载画面时使用，至少 16 个字符',
    showWhen: PLAYLIST,
  },
];

export const LED_OVERRIDE_SCHEMA: ChannelField[] = [
  { key: 'text', label: '屏显短文本', type: 'text', maxLength: LED_TEXT_MAX_CHARS, help: '留空则使用标题和摘要' },
  { key: 'from', label: '显示开始时间', type: 'datetime' },
  { key: 'to', label: '显示结束时间', type: 'datetime' },
  {
    key: 'weekdays',
    label: '显示星期',
    type: 'multiselect',
    options: ['一', '二', '三', '四', '五', '六', '日'].map((d, i) => ({ value: i + 1, label: `周${d}` })),
    help: '不选则每天显示',
  },
  { key: 'hours', label: '每日显示时段', type: 'timeRanges', help: '如 08:30-12:00, 14:30-17:30；留空则全天' },
  { key: 'priority', label: '优先级（1–9，数字越大越优先）', type: 'number', integer: true, min: 1, max: 9 },
  { key: 'emergency', label: '紧急插播（中断正常节目，须设结束时间，最长72小时）', type: 'boolean' },
  {
    key: 'colour',
    label: '文字颜色',
    type: 'string',
    pattern: '^(red|green|yellow|#[0-9A-Fa-f]{6})$',
    patternHelp: '应为 red、green、yellow 或 #RRGGBB',
    help: '留空则用屏幕的默认颜色',
  },
];
