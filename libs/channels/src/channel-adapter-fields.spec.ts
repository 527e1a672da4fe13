import * as fs from 'fs';
import * as path from 'path';
import type { ChannelField } from './channel-adapter.types';
import { fieldProblems, firstPerField, isShown } from './channel-adapter-fields';
import { GAZETTE_CREDENTIALS_SCHEMA, GAZETTE_OVERRIDE_SCHEMA, GAZETTE_SETTINGS_SCHEMA } from './gazette/gazette-schema';
import { LED_CREDENTIALS_SCHEMA, LED_OVERRIDE_SCHEMA, LED_SETTINGS_SCHEMA } from './led/led-schema';
import { PORTAL_CREDENTIALS_SCHEMA, PORTAL_OVERRIDE_SCHEMA, PORTAL_SETTINGS_SCHEMA } from './portal/portal-schema';
import { TESTCHAN_CREDENTIALS_SCHEMA, TESTCHAN_OVERRIDE_SCHEMA, TESTCHAN_SETTINGS_SCHEMA } from './testchan/testchan-schema';
import { WECHAT_CREDENTIALS_SCHEMA, WECHAT_OVERRIDE_SCHEMA, WECHAT_SETTINGS_SCHEMA } from './wechat/wechat-schema';
import { WEIBO_CREDENTIALS_SCHEMA, WEIBO_OVERRIDE_SCHEMA, WEIBO_SETTINGS_SCHEMA } from './weibo/weibo-schema';

const SCHEMAS: Record<string, { settings: ChannelField[]; credentials: ChannelField[]; overrides: ChannelField[] }> = {
  portal: { settings: PORTAL_SETTINGS_SCHEMA, credentials: PORTAL_CREDENTIALS_SCHEMA, overrides: PORTAL_OVERRIDE_SCHEMA },
  wechat: { settings: WECHAT_SETTINGS_SCHEMA, credentials: WECHAT_CREDENTIALS_SCHEMA, overrides: WECHAT_OVERRIDE_SCHEMA },
  weibo: { settings: WEIBO_SETTINGS_SCHEMA, credentials: WEIBO_CREDENTIALS_SCHEMA, overrides: WEIBO_OVERRIDE_SCHEMA },
  gazette: { settings: GAZETTE_SETTINGS_SCHEMA, credentials: GAZETTE_CREDENTIALS_SCHEMA, overrides: GAZETTE_OVERRIDE_SCHEMA },
  led: { settings: LED_SETTINGS_SCHEMA, credentials: LED_CREDENTIALS_SCHEMA, overrides: LED_OVERRIDE_SCHEMA },
  testchan: { settings: TESTCHAN_SETTINGS_SCHEMA, credentials: TESTCHAN_CREDENTIALS_SCHEMA, overrides: TESTCHAN_OVERRIDE_SCHEMA },
};

const LED: ChannelField[] = [
  {
    key: 'protocol',
    label: '控制协议',
    type: 'select',
    options: [
      { value: 'huidu', label: '灰度' },
      { value: 'pull', label: '拉取' },
    ],
    default: 'huidu',
  },
  { key: 'width', label: '屏幕宽度', type: 'number', integer: true, required: true, min: 1, max: 4096 },
  {
    key: 'deviceId',
    label: '设备编号',
    type: 'string',
    required: true,
    pattern: '^[^,\\s/]+$',
    patternHelp: '不能包含逗号、空格或斜杠',
    showWhen: { key: 'protocol', values: ['huidu'] },
  },
  { key: 'players', label: '播放器', type: 'list', max: 2, maxLength: 5 },
  { key: 'colour', label: '颜色', type: 'string', maxLength: 7 },
];

describe('fieldProblems', () => {
  it('names each field with its prefix and a Chinese reason: required, kind, pattern, options, bounds', () => {
    expect(fieldProblems(LED, { protocol: 'ftp', width: 5000.5, deviceId: 'a b', players: ['x', 'y', 'z'], colour: 12 }, { prefix: 'settings' })).toEqual([
      { field: 'settings.protocol', reason: '控制协议应为以下之一：灰度、拉取' },
      { field: 'settings.width', reason: '屏幕宽度应为整数' },
      { field: 'settings.deviceId', reason: '设备编号不能包含逗号、空格或斜杠' },
      { field: 'settings.players', reason: '播放器最多2项' },
      { field: 'settings.colour', reason: '颜色应为文字' },
    ]);
    expect(fieldProblems(LED, {}, { prefix: 'settings' })).toEqual([
      { field: 'settings.width', reason: '请填写“屏幕宽度”' },
      // shown by the default protocol
      { field: 'settings.deviceId', reason: '请填写“设备编号”' },
    ]);
    expect(fieldProblems(LED, { protocol: 'pull', width: 64, players: ['p1', '长长长长长长'] }, { prefix: 's' })).toEqual([
      { field: 's.players', reason: '播放器第2项不能超过5字（现6字）' },
    ]);
  });

  it('leaves unchanged values and undeclared keys alone; shapeOnly checks only the kind', () => {
    expect(fieldProblems(LED, { width: 0, deviceId: 'x', timeoutMs: 'anything' }, { prefix: 'settings', prev: { width: 0 } })).toEqual([]);
    expect(fieldProblems(LED, { width: 99999 }, { prefix: 'settings', shapeOnly: true })).toEqual([]);
    expect(fieldProblems(LED, { width: '128' }, { prefix: 'settings', shapeOnly: true })).toEqual([{ field: 'settings.width', reason: '屏幕宽度应为数字' }]);
  });

  it('showWhen reads the context (credentials shown for one protocol of the settings)', () => {
    const creds: ChannelField[] = [{ key: 'sdkKey', label: 'SDK Key', type: 'string', required: true, showWhen: { key: 'protocol', values: ['huidu'] } }];
    expect(fieldProblems(creds, {}, { prefix: 'credentials', context: { protocol: 'pull' } })).toEqual([]);
    expect(fieldProblems(creds, {}, { prefix: 'credentials', context: { protocol: 'huidu' } })).toHaveLength(1);
    expect(isShown(LED[2], { protocol: 'pull' }, LED)).toBe(false);
  });

  it('a platform length rule is counted by the given counter, else left to the adapter', () => {
    const f: ChannelField[] = [{ key: 'text', label: '正文', type: 'text', maxLength: 3, lengthRule: 'halves' }];
    expect(fieldProblems(f, { text: 'abcdef' }, { prefix: 'o' })).toEqual([]);
    expect(fieldProblems(f, { text: 'abcdef' }, { prefix: 'o', lengthOf: (_r, t) => Math.ceil(t.length / 2) })).toEqual([]);
    expect(fieldProblems(f, { text: 'abcdefgh' }, { prefix: 'o', lengthOf: (_r, t) => Math.ceil(t.length / 2) })).toEqual([
      { field: 'o.text', reason: '正文不能超过3字（现4字）' },
    ]);
  });

  it('firstPerField keeps the first problem of each field', () => {
    expect(
      firstPerField([
        { field: 'a', reason: '1' },
        { field: 'b', reason: '2' },
        { field: 'a', reason: '3' },
      ]),
    ).toEqual([
      { field: 'a', reason: '1' },
      { field: 'b', reason: '2' },
    ]);
  });
});

describe('every channel declares consistent schemas', () => {
  it.each(Object.entries(SCHEMAS))('%s: Chinese labels, options for choices, valid patterns, showWhen on declared settings, defaults that pass', (_type, s) => {
    for (const [form, fields] of Object.entries(s)) {
      expect(new Set(fields.map((f) => f.key)).size).toBe(fields.length);
      for (const f of fields) {
        expect(f.label).toMatch(/[\u4e00-\u9fff]/);
        if (f.type === 'select' || f.type === 'multiselect') expect(f.options?.length || f.optionsFromSettings).toBeTruthy();
        if (f.pattern) expect(() => new RegExp(f.pattern!)).not.toThrow();
        if (f.showWhen) expect((form === 'overrides' ? fields : s.settings).some((x) => x.key === f.showWhen!.key)).toBe(true);
        if (f.default !== undefined) expect(fieldProblems([f], { [f.key]: f.default }, { prefix: form })).toEqual([]);
      }
    }
  });

  it('the demo accounts (config/demo-accounts.json) pass their channel schemas', () => {
    const demo: { channelType: string; settings?: Record<string, unknown>; credentials?: Record<string, unknown> }[] = JSON.parse(
      fs
        .readFileSync(path.join(__dirname, '../../../config/demo-accounts.json'), 'utf8')
        .replace(/\{(portalBaseUrl|simUrl|apiBaseUrl)\}/g, 'http://127.0.0.1:8080'),
    );
    for (const a of demo) {
      const s = SCHEMAS[a.channelType];
      expect([a.channelType, fieldProblems(s.settings, a.settings, { prefix: 'settings' })]).toEqual([a.channelType, []]);
      expect([a.channelType, fieldProblems(s.credentials, a.credentials, { prefix: 'credentials', context: a.settings })]).toEqual([a.channelType, []]);
    }
  });
});
