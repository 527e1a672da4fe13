/**
 * The per-channel overrides the editor may set, by channel type. Keys are what the adapters read from
 * item.channelOverrides[type] (see libs/channels/src/<type>/). Channels not listed have no overrides.
 */
import { WEIBO_MAX_LENGTH } from '../../lib/text';

export interface OverrideField {
  key: string;
  label: string;
  type: 'text' | 'textarea' | 'number' | 'datetime' | 'checkbox' | 'image' | 'select' | 'weekdays' | 'hours';
  max?: number;
  /** How the limit is counted: Weibo's rule or plain characters. */
  count?: 'weibo' | 'chars';
  hint?: string;
  options?: string[];
  /** Words for the options (else the value itself, '' as 自动). */
  optionLabels?: Record<string, string>;
  /** Options read from the selected accounts' settings (e.g. a gazette's sections). */
  optionsFromSettings?: 'sections';
}

export const OVERRIDE_FIELDS: Record<string, OverrideField[]> = {
  wechat: [
    { key: 'title', label: '微信标题', type: 'text', max: 32, count: 'chars', hint: '留空则使用信息标题（超过32字须在此填写短标题）' },
    { key: 'digest', label: '摘要', type: 'textarea', max: 128, count: 'chars', hint: '留空则使用信息摘要' },
    { key: 'author', label: '作者', type: 'text', max: 16, count: 'chars' },
    { key: 'coverUrl', label: '封面图片', type: 'image', hint: '留空则使用正文第一张图片或自动生成标题卡；系统按 2.35:1 和 1:1 裁切' },
    {
      key: 'publishMode',
      label: '发布方式',
      type: 'select',
      options: ['', 'freepublish', 'mass'],
      optionLabels: { '': '跟随账号设置', freepublish: '发布', mass: '群发' },
      hint: '发布：出现在公众号主页，不推送到粉丝会话；群发：推送给粉丝，受每日（订阅号）或每月（服务号）群发次数限制',
    },
  ],
  weibo: [{ key: 'text', label: '微博正文', type: 'textarea', max: WEIBO_MAX_LENGTH, count: 'weibo', hint: '留空则由标题和摘要自动生成；发布时在末尾附加本信息的网站链接（链接计入字数）' }],
  led: [
    { key: 'text', label: '屏显短文本', type: 'textarea', max: 200, count: 'chars', hint: '留空则使用标题和摘要' },
    { key: 'from', label: '显示开始时间', type: 'datetime' },
    { key: 'to', label: '显示结束时间', type: 'datetime' },
    { key: 'weekdays', label: '显示星期', type: 'weekdays', hint: '不选则每天显示' },
    { key: 'hours', label: '每日显示时段', type: 'hours', hint: '如 08:30-12:00, 14:30-17:30；留空则全天' },
    { key: 'priority', label: '优先级（1–9，数字越大越优先）', type: 'number' },
    { key: 'emergency', label: '紧急插播（中断正常节目，须设结束时间，最长72小时）', type: 'checkbox' },
  ],
  gazette: [{ key: 'section', label: '公报栏目', type: 'select', optionsFromSettings: 'sections', hint: '留空则按信息类别编入对应栏目' }],
};
