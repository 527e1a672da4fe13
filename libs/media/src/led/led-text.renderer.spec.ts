import sharp from 'sharp';
import { AppError } from '@app/common/errors/app-error';
import { cjkFont } from '../cjk-font';
import { LedFrame, LedScreen, LedTextRenderer } from './led-text.renderer';

const renderer = new LedTextRenderer();

async function pixels(frame: LedFrame) {
  const { data, info } = await sharp(frame.png).raw().toBuffer({ resolveWithObject: true });
  return { data, info };
}

/** Distinct colours in a frame, as 'r,g,b'. */
async function palette(frame: LedFrame): Promise<Set<string>> {
  const { data, info } = await pixels(frame);
  const set = new Set<string>();
  for (let i = 0; i < data.length; i += info.channels) set.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
  return set;
}

/** The line rendered on its own, unclipped, with the same font and size, straight from sharp. */
async function standalone(text: string, fontSize: number) {
  const { data, info } = await sharp({
    text: { text: cjkFont.escape(text), font: cjkFont.description(fontSize), fontfile: cjkFont.file(), wrap: 'none' },
  })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function expectExactSize(frames: LedFrame[], screen: LedScreen) {
  for (const f of frames) {
    const meta = await sharp(f.png).metadata();
    expect(meta.format).toBe('png');
    expect([meta.width, meta.height]).toEqual([screen.width, screen.height]);
    expect([f.width, f.height]).toEqual([screen.width, screen.height]);
  }
}

const joined = (frames: LedFrame[]) => frames.flatMap((f) => f.lines.map((l) => l.text)).join('');
const squeeze = (s: string) => s.replace(/\s+/g, '');

describe('LedTextRenderer', () => {
  it('64×16 single colour: 4 Chinese characters per frame, red on black only', async () => {
    const screen: LedScreen = { width: 64, height: 16, colourMode: 'single' };
    const frames = await renderer.render(screen, '欢迎来到政务服务大厅');
    expect(frames.map((f) => f.text)).toEqual(['欢迎来到', '政务服务', '大厅']);
    await expectExactSize(frames, screen);
    for (const f of frames) {
      const colours = await palette(f);
      expect([...colours].sort()).toEqual(['0,0,0', '255,0,0']);
      expect(f.lines[0].fontSize).toBe(16);
    }
  });

  it('128×32 dual colour: two 16-px lines of 8 characters per frame, in yellow', async () => {
    const screen: LedScreen = { width: 128, height: 32, colourMode: 'dual', colour: 'yellow' };
    const text = '关于做好二〇二四年度政府信息公开工作年度报告编制发布工作的通知';
    const frames = await renderer.render(screen, text);
    await expectExactSize(frames, screen);
    expect(frames.map((f) => f.lines.length)).toEqual([2, 2]);
    expect(frames[0].text).toBe('关于做好二〇二四\n年度政府信息公开');
    expect(frames[1].lines.map((l) => l.text)).toEqual(['工作年度报告编制', '发布工作的通知']);
    expect(joined(frames)).toBe(text);
    for (const f of frames) {
      for (const c of await palette(f)) expect(['0,0,0', '255,255,0']).toContain(c);
      // the two lines sit in their own 16-px rows
      expect(f.lines[0].y + f.lines[0].height).toBeLessThanOrEqual(16);
      expect(f.lines[1].y).toBeGreaterThanOrEqual(16);
    }
  });

  it('128×32 with 32-px lines: one line of 4 large characters per frame', async () => {
    const screen: LedScreen = { width: 128, height: 32, colourMode: 'single' };
    const frames = await renderer.render(screen, '暂停办理业务', { lineHeight: 32 });
    await expectExactSize(frames, screen);
    expect(frames.map((f) => f.text)).toEqual(['暂停办理', '业务']);
    expect(frames[0].lines[0].fontSize).toBe(32);
    expect(frames[0].lines[0].height).toBeGreaterThan(24);
  });

  it('192×96 full colour: six lines per frame, anti-aliased in the requested colour, nothing clipped', async () => {
    const screen: LedScreen = { width: 192, height: 96, colourMode: 'full', colour: '#33CCFF' };
    const text =
      '关于2024年度政府信息公开工作报告的通知（第3号）：请各单位于5月31日前报送。' +
      'Apply online: https://www.example.gov.cn/service WWWWWWWWWW MMMMMMMMMM jjjjgggyyy 《办事指南》';
    const frames = await renderer.render(screen, text);
    await expectExactSize(frames, screen);
    expect(frames[0].lines).toHaveLength(6);
    expect(squeeze(joined(frames))).toBe(squeeze(text));

    let greys = 0;
    for (const f of frames) {
      const { data, info } = await pixels(f);
      for (let i = 0; i < data.length; i += info.channels) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        // every pixel is a shade of #33CCFF: same hue, scaled by coverage
        expect(Math.abs(r * 0xff - b * 0x33)).toBeLessThanOrEqual(0xff * 2);
        expect(Math.abs(g * 0xff - b * 0xcc)).toBeLessThanOrEqual(0xff * 2);
        if (b > 0 && b < 255) greys++;
      }
      for (const line of f.lines) {
        // no line reaches outside the frame or into the next row
        expect(line.x).toBeGreaterThanOrEqual(0);
        expect(line.y).toBeGreaterThanOrEqual(0);
        expect(line.x + line.width).toBeLessThanOrEqual(screen.width);
        expect(line.y + line.height).toBeLessThanOrEqual(screen.height);
        expect(line.height).toBeLessThanOrEqual(16);
        // the same text rendered alone, unclipped, fits and carries exactly the ink found in the frame
        const alone = await standalone(line.text, line.fontSize);
        expect(alone.width).toBeLessThanOrEqual(screen.width);
        expect([alone.width, alone.height]).toEqual([line.width, line.height]);
        let expected = 0;
        for (const v of alone.data) expected += Math.round((0xff * v) / 255);
        let found = 0;
        for (let y = line.y; y < line.y + line.height; y++) {
          for (let x = line.x; x < line.x + line.width; x++) found += data[(y * info.width + x) * info.channels + 2];
        }
        expect(found).toBe(expected);
      }
    }
    expect(greys).toBeGreaterThan(0);
  });

  it('measures wide Latin text by rendering, not by counting half-width characters', async () => {
    const screen: LedScreen = { width: 64, height: 16, colourMode: 'single' };
    // at 0.5 em per character, 8 capital Ws would be estimated to fit 64 px; they do not
    const frames = await renderer.render(screen, 'WWWWWWWW');
    expect(frames.length).toBeGreaterThan(1);
    expect(joined(frames)).toBe('WWWWWWWW');
    for (const f of frames) {
      for (const l of f.lines) expect((await standalone(l.text, l.fontSize)).width).toBeLessThanOrEqual(64);
    }
  });

  it('keeps punctuation off the start of a line and renders markup characters literally', async () => {
    const screen: LedScreen = { width: 64, height: 16, colourMode: 'single' };
    const frames = await renderer.render(screen, '请取号排队，谢谢。A<B & C>D');
    for (const f of frames) expect(f.text).not.toMatch(/^[，。]/);
    expect(squeeze(joined(frames))).toBe('请取号排队，谢谢。A<B&C>D');
  });

  it('refuses a screen too small for one character, in Chinese', async () => {
    for (const screen of [
      { width: 64, height: 10, colourMode: 'single' as const },
      { width: 8, height: 16, colourMode: 'single' as const },
    ]) {
      const err = await renderer.render(screen, '通知').catch((e) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe('LED_SCREEN_TOO_SMALL');
      expect(err.message).toContain(`${screen.width}×${screen.height}`);
      expect(err.message).toMatch(/太小/);
    }
  });

  it('refuses colours the screen cannot show and lines taller than the screen', async () => {
    const single = renderer.render({ width: 64, height: 16, colourMode: 'single', colour: 'green' }, '通知');
    await expect(single).rejects.toMatchObject({ code: 'LED_COLOUR_UNSUPPORTED' });
    const dual = renderer.render({ width: 64, height: 16, colourMode: 'dual' }, '通知', { colour: '#123456' });
    await expect(dual).rejects.toMatchObject({ code: 'LED_COLOUR_UNSUPPORTED' });
    const tall = renderer.render({ width: 64, height: 16, colourMode: 'single' }, '通知', { lineHeight: 32 });
    await expect(tall).rejects.toMatchObject({ code: 'LED_LINE_HEIGHT_INVALID' });
    const empty = renderer.render({ width: 64, height: 16, colourMode: 'single' }, '  \n ');
    await expect(empty).rejects.toMatchObject({ code: 'LED_TEXT_EMPTY' });
  });
});
