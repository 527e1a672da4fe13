import sharp from 'sharp';
import { LedTextRenderer } from '@app/media/led/led-text.renderer';
import { buildProgram, entryIdOfUuid, ProgramEntry, scheduleSegments, selectEntries } from './led-program';

const bj = (s: string) => new Date(`${s}+08:00`);
const screen = { width: 128, height: 32, lineHeight: 16, fontName: 'SimSun', effect: { type: 0, speed: 4, hold: 5000 } };

function entry(id: string, over: Partial<ProgramEntry> = {}): ProgramEntry {
  return {
    id,
    title: `条目${id}`,
    pages: ['第一页\n第二行'],
    from: bj('2026-03-02T00:00:00'),
    to: bj('2026-03-09T00:00:00'),
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    hours: [],
    priority: 5,
    emergency: false,
    colour: '#FF0000',
    createdAt: new Date('2026-03-01T00:00:00Z'),
    ...over,
  };
}

describe('LED program schedule', () => {
  it('whole days: one date range, no time window', () => {
    expect(scheduleSegments(bj('2026-03-02T00:00:00'), bj('2026-03-09T00:00:00'), [])).toEqual([{ date: { start: '2026-03-02', end: '2026-03-08' } }]);
  });

  it('a window starting and ending inside days: partial first day, whole days, partial last day', () => {
    expect(scheduleSegments(bj('2026-03-02T14:30:00'), bj('2026-03-05T12:00:00'), [])).toEqual([
      { date: { start: '2026-03-02', end: '2026-03-02' }, time: [{ start: '14:30:00', end: '23:59:59' }] },
      { date: { start: '2026-03-03', end: '2026-03-04' } },
      { date: { start: '2026-03-05', end: '2026-03-05' }, time: [{ start: '00:00:00', end: '12:00:00' }] },
    ]);
  });

  it('intersects daily hours with the window, and drops days the hours never reach', () => {
    const hours = [
      { start: '08:30:00', end: '12:00:00' },
      { start: '14:00:00', end: '17:30:00' },
    ];
    expect(scheduleSegments(bj('2026-03-02T15:00:00'), bj('2026-03-04T10:00:00'), hours)).toEqual([
      { date: { start: '2026-03-02', end: '2026-03-02' }, time: [{ start: '15:00:00', end: '17:30:00' }] },
      {
        date: { start: '2026-03-03', end: '2026-03-03' },
        time: [
          { start: '08:30:00', end: '12:00:00' },
          { start: '14:00:00', end: '17:30:00' },
        ],
      },
      { date: { start: '2026-03-04', end: '2026-03-04' }, time: [{ start: '08:30:00', end: '10:00:00' }] },
    ]);
    expect(scheduleSegments(bj('2026-03-02T18:00:00'), bj('2026-03-02T20:00:00'), hours)).toEqual([]);
  });
});

describe('LED program building', () => {
  const now = bj('2026-03-03T10:00:00');

  it('plays by priority, leaves expired entries out, and an active emergency interrupts everything else', () => {
    const entries = [
      entry('a', { priority: 3 }),
      entry('b', { priority: 9 }),
      entry('c', { to: bj('2026-03-03T09:00:00') }),
      entry('d', { emergency: true, from: bj('2026-03-04T00:00:00'), to: bj('2026-03-04T12:00:00') }),
    ];
    const normal = selectEntries(entries, now);
    expect(normal.emergency).toBe(false);
    expect(normal.included.map((e) => e.id)).toEqual(['d', 'b', 'a']); // d is a future emergency: scheduled, not interrupting
    const during = selectEntries(entries, bj('2026-03-04T08:00:00'));
    expect(during.emergency).toBe(true);
    expect(during.included.map((e) => e.id)).toEqual(['d']);
  });

  it('builds one Huidu program per entry and segment, at the screen size, one text item per page, with week and time control', () => {
    const id = '11111111-2222-3333-4444-555555555555';
    const built = buildProgram(
      screen,
      [entry(id, { pages: ['页一', '页二', '页三'], weekdays: [1, 2, 3, 4, 5], hours: [{ start: '08:30:00', end: '17:30:00' }] })],
      now,
    );
    expect(built.entryIds).toEqual([id]);
    expect(built.programs).toHaveLength(1);
    const p = built.programs[0];
    expect(p.type).toBe('normal');
    expect(p.playControl).toEqual({
      duration: '00:00:15',
      week: { enable: 'Mon,Tue,Wed,Thu,Fri' },
      date: [{ start: '2026-03-02', end: '2026-03-08' }],
      time: [{ start: '08:30:00', end: '17:30:00' }],
    });
    expect(p.area).toEqual([{ x: 0, y: 0, width: 128, height: 32, item: expect.any(Array) }]);
    expect(p.area[0].item.map((i) => i.string)).toEqual(['页一', '页二', '页三']);
    expect(p.area[0].item[0]).toMatchObject({ type: 'text', font: { name: 'SimSun', size: 16, color: '#FF0000' }, effect: { type: 0, speed: 4, hold: 5000 } });
    expect(entryIdOfUuid(p.uuid)).toBe(id);
  });

  it('needs no partial first day once the start has passed, and keeps the same program from one sync to the next', () => {
    const e = entry('p1', { from: bj('2026-03-02T14:30:00'), to: bj('2026-03-05T00:00:00') });
    const before = buildProgram(screen, [e], bj('2026-03-02T10:00:00'));
    expect(before.programs.map((p) => p.playControl.date![0].start)).toEqual(['2026-03-02', '2026-03-03']);
    const after = buildProgram(screen, [e], bj('2026-03-02T15:00:00'));
    expect(after.programs.map((p) => [p.playControl.date, p.playControl.time])).toEqual([[[{ start: '2026-03-02', end: '2026-03-04' }], undefined]]);
    expect(buildProgram(screen, [e], bj('2026-03-04T09:00:00')).hash).toBe(after.hash);
  });

  it('is content-addressed: the same entries give the same program and hash, a change gives new ones', () => {
    const a = buildProgram(screen, [entry('x1'), entry('x2')], now);
    const b = buildProgram(screen, [entry('x2'), entry('x1')], now);
    expect(b.hash).toBe(a.hash);
    const c = buildProgram(screen, [entry('x1', { pages: ['改了'] }), entry('x2')], now);
    expect(c.hash).not.toBe(a.hash);
    expect(c.programs.find((p) => p.name === '条目x2')!.uuid).toBe(a.programs.find((p) => p.name === '条目x2')!.uuid);
    expect(c.programs.find((p) => p.name === '条目x1')!.uuid).not.toBe(a.programs.find((p) => p.name === '条目x1')!.uuid);
  });

  it('takes its pages from the renderer: text split to the screen width, frames exactly screen-sized', async () => {
    const renderer = new LedTextRenderer();
    const text = '因系统升级，3月5日下午暂停办理不动产登记业务，请错峰办理';
    const frames = await renderer.render({ width: 64, height: 32, colourMode: 'single' }, text, { lineHeight: 16 });
    expect(frames.length).toBeGreaterThan(1);
    for (const f of frames) {
      const meta = await sharp(f.png).metadata();
      expect([meta.width, meta.height]).toEqual([64, 32]);
      for (const l of f.lines) expect(l.x + l.width).toBeLessThanOrEqual(64);
    }
    expect(frames.map((f) => f.text.replace(/\n/g, '')).join('')).toBe(text.replace(/\s/g, ''));
    const built = buildProgram({ ...screen, width: 64 }, [entry('r1', { pages: frames.map((f) => f.text) })], now);
    expect(built.programs[0].area[0].item.map((i) => i.string)).toEqual(frames.map((f) => f.text));
    expect(built.programs[0].area[0].item.every((i) => i.string.split('\n').length <= 2)).toBe(true);
    expect(built.programs[0].playControl.duration).toBe(`00:00:${String(frames.length * 5).padStart(2, '0')}`);
  });
});
