import { areasFit, checkProgram } from './huidu-program';

function program(over: Record<string, unknown> = {}) {
  return {
    name: '节目1',
    type: 'normal',
    uuid: 'A4',
    playControl: {
      duration: '00:00:30',
      week: { enable: 'Mon,Tue' },
      date: [{ start: '2025-01-01', end: '2025-12-31' }],
      time: [{ start: '08:00:00', end: '18:00:00' }],
    },
    area: [
      {
        x: 0,
        y: 0,
        width: 128,
        height: 32,
        item: [{ type: 'text', string: '办事指南', font: { name: '宋体', size: 14, color: '#ff0000' }, effect: { type: 0, speed: 5, hold: 5000 } }],
      },
    ],
    ...over,
  };
}

describe('checkProgram', () => {
  it('accepts a well-formed text program and collects its texts', () => {
    const r = checkProgram(program(), 0);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.summary.texts).toEqual(['办事指南']);
      expect(r.summary.areas).toEqual([{ x: 0, y: 0, width: 128, height: 32 }]);
    }
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ uuid: undefined }, 'uuid'],
    [{ area: [] }, 'area'],
    [{ area: [{ x: 0, y: 0, width: 10, height: 10, item: [{ type: 'text' }] }] }, 'string'],
    [{ area: [{ x: -1, y: 0, width: 10, height: 10, item: [{ type: 'text', string: 'a' }] }] }, '.x'],
    [{ area: [{ x: 0, y: 0, width: 10, height: 10, item: [{ type: 'marquee', string: 'a' }] }] }, 'type'],
    [{ area: [{ x: 0, y: 0, width: 10, height: 10, item: [{ type: 'image', file: 'a.png', fileMd5: 'x' }] }] }, 'fileMd5'],
    [{ area: [{ x: 0, y: 0, width: 10, height: 10, item: [{ type: 'text', string: 'a', font: { color: 'red' } }] }] }, 'color'],
    [{ area: [{ x: 0, y: 0, width: 10, height: 10, item: [{ type: 'text', string: 'a', effect: { speed: 9 } }] }] }, 'speed'],
    [{ playControl: { duration: '30s' } }, 'duration'],
    [{ playControl: { date: [{ start: '2025/01/01', end: '2025-02-01' }] } }, 'date'],
  ])('refuses %j', (over, fragment) => {
    const r = checkProgram(program(over), 2);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain(fragment);
      expect(r.error).toContain('data[2]');
    }
  });
});

describe('areasFit', () => {
  it('passes areas inside the screen and names the one outside', () => {
    const r = checkProgram(program(), 0);
    if (!r.ok) throw new Error(r.error);
    expect(areasFit(r.summary, 128, 32)).toBeUndefined();
    expect(areasFit(r.summary, 64, 32)).toMatch(/area\[0\].*64x32/);
  });
});
