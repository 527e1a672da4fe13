import { deriveLedText, parseLedDisplay } from './led-display';

const now = new Date('2026-03-02T01:00:00Z'); // 09:00 in Beijing
const item = (led?: Record<string, unknown>, title = '关于春节期间政务服务大厅办公时间调整的公告', summary = '2月15日至23日休息') => ({
  title,
  summary,
  channelOverrides: (led ? { led } : {}) as Record<string, Record<string, any>>,
});

describe('LED display settings of an item (channelOverrides.led)', () => {
  it('derives the text from title and summary when they are short, else from the title alone', () => {
    expect(deriveLedText({ title: '停水通知', summary: '明日8时至12时城区停水' })).toBe('停水通知：明日8时至12时城区停水');
    const long = '关于印发《示范县推进政务公开标准化规范化工作实施方案（2026—2028年）》的通知';
    expect(deriveLedText({ title: long, summary: '各乡镇人民政府、县直各部门要认真贯彻执行并及时报送落实情况' })).toBe(long);
  });

  it('defaults: shows from now for the screen default days, every day, all day, priority 5', () => {
    const { display, problems } = parseLedDisplay(item(), now, 7);
    expect(problems).toEqual([]);
    expect(display).toMatchObject({ textSource: 'derived', weekdays: [1, 2, 3, 4, 5, 6, 7], hours: [], priority: 5, emergency: false });
    expect(display!.from).toEqual(now);
    // through the end of the 7th day after today (Beijing): 2026-03-09 24:00 = 2026-03-10T00:00+08:00
    expect(display!.to).toEqual(new Date('2026-03-10T00:00:00+08:00'));
  });

  it('reads the editor override: text, window, weekdays by number or name, hours, priority', () => {
    const { display, problems } = parseLedDisplay(
      item({
        text: '  本周六正常办公  ',
        from: '2026-03-02T08:00:00+08:00',
        to: '2026-03-08T18:00:00+08:00',
        weekdays: ['Mon', 3, '周五', 'Fri'],
        hours: [
          { start: '14:00', end: '17:30' },
          { start: '08:30', end: '12:00' },
        ],
        priority: 8,
      }),
      now,
      7,
    );
    expect(problems).toEqual([]);
    expect(display).toMatchObject({ text: '本周六正常办公', textSource: 'override', weekdays: [1, 3, 5], priority: 8 });
    expect(display!.hours).toEqual([
      { start: '08:30:00', end: '12:00:00' },
      { start: '14:00:00', end: '17:30:00' },
    ]);
  });

  it('refuses a window that is over or backwards, bad weekdays, overlapping hours, a bad priority, an overlong text', () => {
    const bad = parseLedDisplay(
      item({
        text: '测'.repeat(201),
        from: '2026-03-05T00:00:00+08:00',
        to: '2026-03-04T00:00:00+08:00',
        weekdays: [0],
        hours: [
          { start: '08:00', end: '12:00' },
          { start: '11:00', end: '13:00' },
        ],
        priority: 10,
      }),
      now,
      7,
    );
    expect(bad.display).toBeNull();
    expect(bad.problems.map((p) => p.field)).toEqual([
      'channelOverrides.led.text',
      'channelOverrides.led.to',
      'channelOverrides.led.weekdays',
      'channelOverrides.led.hours',
      'channelOverrides.led.priority',
    ]);
    const over = parseLedDisplay(item({ to: '2026-03-01T00:00:00+08:00', from: '2026-02-20T00:00:00+08:00' }), now, 7);
    expect(over.problems[0].reason).toBe('显示时段已结束，请调整结束时间');
    expect(parseLedDisplay(item({ from: 'tomorrow' }), now, 7).problems[0].field).toBe('channelOverrides.led.from');
  });

  it('an emergency needs an end, and at most 72 hours', () => {
    expect(parseLedDisplay(item({ emergency: true }), now, 7).problems[0].reason).toBe('紧急插播须设置结束时间');
    expect(parseLedDisplay(item({ emergency: true, to: '2026-03-06T09:00:00+08:00' }), now, 7).problems[0].reason).toContain('最长72小时');
    const ok = parseLedDisplay(item({ emergency: true, to: '2026-03-02T12:00:00+08:00' }), now, 7);
    expect(ok.problems).toEqual([]);
    expect(ok.display!.emergency).toBe(true);
  });
});
