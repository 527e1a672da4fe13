import { ProgramEntry } from './led-program';
import { buildNovastarProgram, emergencyBody, normalProgramBody, selectNovastar } from './novastar-program';

const screen = { width: 128, height: 32, lineHeight: 16, fontName: 'SimSun', effect: { type: 0, speed: 4, hold: 5000 } };
const now = new Date('2026-03-05T02:00:00Z');
const entry = (id: string, o: Partial<ProgramEntry> = {}): ProgramEntry => ({
  id,
  title: `标题${id.slice(-1)}`,
  pages: ['第一屏', '第二屏'],
  from: new Date('2026-03-05T00:00:00Z'),
  to: new Date('2026-03-06T00:00:00Z'),
  weekdays: [],
  hours: [],
  priority: 5,
  emergency: false,
  colour: '#FF0000',
  createdAt: new Date('2026-03-01T00:00:00Z'),
  ...o,
});
const ns = { playerIds: ['p1'], mediaBaseUrl: 'https://gk.example.gov.cn/api/v1' };

describe('NovaStar program', () => {
  const a = entry('00000000-0000-0000-0000-00000000000a', { priority: 2 });
  const b = entry('00000000-0000-0000-0000-00000000000b', { priority: 8 });
  const future = entry('00000000-0000-0000-0000-00000000000c', { from: new Date('2026-03-05T04:00:00Z') });
  const urgent = entry('00000000-0000-0000-0000-00000000000e', { emergency: true, to: new Date('2026-03-05T03:00:00Z') });

  it('plays started entries by priority; an open emergency is what is shown, with the time it has left', () => {
    const sel = selectNovastar([a, b, future], now);
    expect(sel.normal.map((e) => e.id)).toEqual([b.id, a.id]);
    expect(buildNovastarProgram(screen, [a, b, future], now)).toMatchObject({ entryIds: [b.id, a.id], emergency: false });
    const withUrgent = buildNovastarProgram(screen, [a, b, urgent], now);
    expect(withUrgent).toMatchObject({ entryIds: [urgent.id], emergency: true });
    const body: any = emergencyBody(ns, 'acc', 'key-key-key-key-1', selectNovastar([a, urgent], now), 5000, now);
    expect(body.attribute).toEqual({ duration: 3600_000, normalProgramStatus: 'PAUSE', spotsType: 'IMMEDIATELY' });
    expect(body.page.widgets).toHaveLength(2);
  });

  it('a future entry changes the version when it starts; the normal body has one page per entry and a PNG URL per page', () => {
    const before = buildNovastarProgram(screen, [a, future], now);
    const after = buildNovastarProgram(screen, [a, future], new Date('2026-03-05T04:00:01Z'));
    expect(after.hash).not.toBe(before.hash);
    const body: any = normalProgramBody(ns, 'acc', 'key-key-key-key-1', selectNovastar([a, b], now), 5000);
    expect(body.playerIds).toEqual(['p1']);
    expect(body.pages).toHaveLength(2);
    expect(body.pages[0].widgets[1]).toMatchObject({ type: 'PICTURE', duration: 5000, layout: { width: '100%', height: '100%' } });
    expect(body.pages[0].widgets[1].url).toMatch(
      new RegExp(`^https://gk\\.example\\.gov\\.cn/api/v1/led/screens/acc/media/${b.id}/2\\.png\\?s=[0-9a-f]{12}&key=key-key-key-key-1$`),
    );
    const empty: any = normalProgramBody(ns, 'acc', 'k', selectNovastar([], now), 5000);
    expect(empty.pages[0].widgets[0].url).toContain('/media/blank.png');
  });
});
