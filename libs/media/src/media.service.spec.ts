import sharp from 'sharp';
import { AppError } from '@app/common/errors/app-error';
import { MediaService } from './media.service';
import { RenderDiagnostics } from './media.types';
import { MEDIA_PROFILES, RenditionProfile, ledImageProfile } from './profiles';
import { syntheticImages } from './testing/synthetic-images';

const media = new MediaService();
const led = ledImageProfile({ width: 192, height: 96 });
const ALL: RenditionProfile[] = [...Object.values(MEDIA_PROFILES), led];

let photo: Buffer;
let portrait: Buffer;
let transparent: Buffer;

beforeAll(async () => {
  photo = await syntheticImages.noisyPhoto(4000, 3000, 3);
  // stored landscape, displayed portrait (EXIF orientation 6, as phones write it)
  const stored = await syntheticImages.noisyPhoto(1600, 1200, 5);
  portrait = await sharp(stored).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toBuffer();
  transparent = await syntheticImages.alphaPng(1200, 900);
});

async function fails(work: Promise<unknown>): Promise<AppError> {
  const err = await work.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

/** The rendition's real file, checked against every limit of its profile. */
async function expectWithinProfile(buffer: Buffer, r: { format: string; width: number; height: number; bytes: number }, p: RenditionProfile) {
  const meta = await sharp(buffer).metadata();
  expect(buffer.length).toBe(r.bytes);
  expect(buffer.length).toBeLessThanOrEqual(p.maxBytes);
  expect(p.formats).toContain(meta.format);
  expect(meta.format).toBe(r.format);
  expect([meta.width, meta.height]).toEqual([r.width, r.height]);
  expect(meta.width).toBeLessThanOrEqual(p.maxWidth);
  expect(meta.height).toBeLessThanOrEqual(p.maxHeight);
  return meta;
}

describe('MediaService.probe', () => {
  it('reports format, displayed size and bytes', async () => {
    await expect(media.probe(photo)).resolves.toMatchObject({ format: 'jpeg', width: 4000, height: 3000, bytes: photo.length });
    await expect(media.probe(portrait)).resolves.toMatchObject({ width: 1200, height: 1600 });
    await expect(media.probe(transparent)).resolves.toMatchObject({ format: 'png', hasAlpha: true });
  });

  it('refuses a file that is not an image', async () => {
    const err = await fails(media.probe(Buffer.from('%这不是图片 just some text, not an image')));
    expect(err.code).toBe('MEDIA_INVALID');
    expect(err.message).toMatch(/不是图片/);
  });

  it('refuses formats it cannot or will not read, naming them', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    const bmp = Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]);
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n');
    for (const [file, name] of [
      [svg, 'SVG'],
      [bmp, 'BMP'],
      [pdf, 'PDF'],
    ] as const) {
      const err = await fails(media.probe(file));
      expect(err.code).toBe('MEDIA_UNSUPPORTED');
      expect(err.message).toContain(name);
      expect(err.message).toContain('JPEG');
    }
  });

  it('refuses a decompression bomb from its header, without decoding it', async () => {
    const bomb = syntheticImages.pngBomb(30_000, 30_000);
    expect(bomb.length).toBeLessThan(200);
    const err = await fails(media.probe(bomb));
    expect(err.code).toBe('MEDIA_TOO_LARGE');
    expect(err.status).toBe(413);
    expect(err.message).toContain('30000×30000');
    expect((await fails(media.renderAll(bomb, ['wechat-body']))).code).toBe('MEDIA_TOO_LARGE');
  });

  it('applies the configured pixel and byte limits', async () => {
    const strict = new MediaService({ maxInputPixels: 10_000_000, maxInputBytes: 100_000_000 });
    expect((await fails(strict.probe(photo))).code).toBe('MEDIA_TOO_LARGE');
    const small = new MediaService({ maxInputBytes: 1_000_000 });
    const err = await fails(small.probe(photo));
    expect(err.code).toBe('MEDIA_TOO_LARGE');
    expect(err.message).toMatch(/文件过大/);
  });

  it('refuses a truncated JPEG (an interrupted upload), in probe and in renderAll', async () => {
    const cut = syntheticImages.truncated(photo, 0.6);
    // the header is intact, so only decoding finds the problem
    await expect(sharp(cut).metadata()).resolves.toMatchObject({ width: 4000 });
    const err = await fails(media.probe(cut));
    expect(err.code).toBe('MEDIA_INVALID');
    expect(err.message).toMatch(/不完整/);
    expect((await fails(media.renderAll(cut, ['wechat-thumb']))).code).toBe('MEDIA_INVALID');
  });
});

describe('MediaService.renderAll', () => {
  it('meets every profile limit for a 12-megapixel photo', async () => {
    const out = await media.renderAll(photo, ALL);
    expect(Object.keys(out)).toEqual(ALL.map((p) => p.id));
    for (const p of ALL) await expectWithinProfile(out[p.id].buffer, out[p.id], p);

    // full-size renditions use the whole width they are allowed
    expect([out['weibo-pic'].width, out['weibo-pic'].height]).toEqual([2048, 1536]);
    expect([out['wechat-body'].width, out['wechat-body'].height]).toEqual([1080, 810]);
    expect([out.portal.width, out.portal.height]).toEqual([1600, 1200]);
    // crops come out at the profile's exact size
    expect([out['wechat-thumb'].width, out['wechat-thumb'].height]).toEqual([900, 383]);
    expect([out['portal-thumb'].width, out['portal-thumb'].height]).toEqual([400, 300]);
    expect([out[led.id].width, out[led.id].height]).toEqual([192, 96]);
  });

  it('fits the WeChat thumb into 64 KB by lowering quality when the first encode is too big', async () => {
    const thumb = (await media.renderAll(photo, ['wechat-thumb']))['wechat-thumb'];
    expect(thumb.format).toBe('jpeg');
    expect(thumb.bytes).toBeLessThanOrEqual(64_000);
    // the budget really bound: at the starting quality this picture is far bigger than 64 KB
    const first = await sharp(photo).resize(900, 383, { fit: 'cover' }).jpeg({ quality: MEDIA_PROFILES['wechat-thumb'].quality }).toBuffer();
    expect(first.length).toBeGreaterThan(64_000);
    expect(thumb.quality).toBeLessThan(MEDIA_PROFILES['wechat-thumb'].quality);
    expect(thumb.quality).toBeGreaterThanOrEqual(MEDIA_PROFILES['wechat-thumb'].minQuality);
  });

  it("encodes the WeChat thumb once for a typical photo, starting from its sibling's measured size", async () => {
    let d: RenderDiagnostics | undefined;
    const out = await media.renderAll(photo, ALL, { onDiagnostics: (x) => (d = x) });
    const thumb = out['wechat-thumb'];
    await expectWithinProfile(thumb.buffer, thumb, MEDIA_PROFILES['wechat-thumb']);
    const step = d!.steps.find((s) => s.name === 'encode wechat-thumb')!;
    expect(step.encodes).toBe(1);
    expect(thumb.quality).toBeLessThan(MEDIA_PROFILES['wechat-thumb'].quality);
    expect(thumb.quality).toBeGreaterThanOrEqual(45);
    // 7 profiles, 6 distinct files (body and cover image share one), each encoded once
    expect(d!.encodes).toBe(6);
    // resampled into memory: the 1080 and 400 px levels only
    expect(d!.resizes).toBe(2);
    expect(d!.steps).toHaveLength(8);
    expect(d!.decodeMs).toBeGreaterThan(0);
    expect(d!.totalMs).toBeGreaterThanOrEqual(d!.decodeMs);
  });

  it('still meets the thumb budget when the sibling misleads the prediction (busy centre, plain frame)', async () => {
    // the 2.35:1 thumb shows only the busy band; the whole frame, and so the body rendition, is mostly plain
    const band = await syntheticImages.noisyPhoto(4000, 1500, 7);
    const busyCentre = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080' } })
      .composite([{ input: band, top: 750, left: 0 }])
      .jpeg({ quality: 90 })
      .toBuffer();
    let d: RenderDiagnostics | undefined;
    const out = await media.renderAll(busyCentre, ALL, { onDiagnostics: (x) => (d = x) });
    for (const p of ALL) await expectWithinProfile(out[p.id].buffer, out[p.id], p);
    // the first try missed; the budget loop carried on from it
    expect(d!.steps.find((s) => s.name === 'encode wechat-thumb')!.encodes).toBeGreaterThanOrEqual(2);
    expect(out['wechat-thumb'].quality).toBeGreaterThanOrEqual(MEDIA_PROFILES['wechat-thumb'].minQuality);
  });

  it('reduces dimensions once quality reaches its floor', async () => {
    const tight: RenditionProfile = { ...MEDIA_PROFILES['wechat-body'], id: 'tight', maxBytes: 60_000, minQuality: 70 };
    const r = (await media.renderAll(photo, [tight])).tight;
    await expectWithinProfile(r.buffer, r, tight);
    expect(r.quality).toBe(70);
    expect(r.width).toBeLessThan(1080);
    expect(r.width / r.height).toBeCloseTo(4 / 3, 1);
  });

  it('gives up with a Chinese message when a budget cannot be met at an acceptable size', async () => {
    const impossible: RenditionProfile = { ...MEDIA_PROFILES['wechat-thumb'], id: 'impossible', maxBytes: 2_000 };
    const err = await fails(media.renderAll(photo, [impossible]));
    expect(err.code).toBe('MEDIA_BUDGET_UNREACHABLE');
    expect(err.message).toContain('微信封面缩略图');
  });

  it('applies EXIF orientation before sizing', async () => {
    const out = await media.renderAll(portrait, ['wechat-body', 'wechat-thumb']);
    expect([out['wechat-body'].width, out['wechat-body'].height]).toEqual([1080, 1440]);
    expect((await sharp(out['wechat-body'].buffer).metadata()).orientation).toBeUndefined();
    expect([out['wechat-thumb'].width, out['wechat-thumb'].height]).toEqual([900, 383]);
  });

  it('keeps transparency where the channel takes PNG/WebP and flattens it where it does not', async () => {
    const out = await media.renderAll(transparent, ALL);
    for (const p of ALL) await expectWithinProfile(out[p.id].buffer, out[p.id], p);
    expect(out['wechat-body'].format).toBe('png');
    expect((await sharp(out['wechat-body'].buffer).metadata()).hasAlpha).toBe(true);
    expect(out.portal.format).toBe('webp');
    expect((await sharp(out.portal.buffer).metadata()).hasAlpha).toBe(true);
    // a small image is never enlarged
    expect([out['weibo-pic'].width, out['weibo-pic'].height]).toEqual([1200, 900]);

    const thumb = out['wechat-thumb'];
    expect(thumb.format).toBe('jpeg');
    const { data, info } = await sharp(thumb.buffer).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    // transparent right-hand edge became white
    const p = ((info.height >> 1) * info.width + info.width - 2) * 3;
    expect([data[p], data[p + 1], data[p + 2]].every((v) => v > 245)).toBe(true);

    // the LED rendition is letterboxed in black, without alpha
    const ledPx = await sharp(out[led.id].buffer).raw().toBuffer({ resolveWithObject: true });
    expect(ledPx.info.channels).toBe(3);
    expect([ledPx.data[0], ledPx.data[1], ledPx.data[2]]).toEqual([0, 0, 0]);
  });

  it('encodes identical renditions once', async () => {
    const out = await media.renderAll(photo, ['wechat-body', 'wechat-cover-image']);
    expect(out['wechat-cover-image'].buffer).toBe(out['wechat-body'].buffer);
    expect(out['wechat-cover-image'].profile).toBe('wechat-cover-image');
  });

  it('refuses unknown profiles', async () => {
    expect((await fails(media.renderAll(photo, ['nope' as never]))).code).toBe('MEDIA_PROFILE_UNKNOWN');
  });
});

describe('MediaService.coverCrops', () => {
  it('returns the centred 2.35:1 and 1:1 crops in WeChat format', () => {
    expect(media.coverCrops(1000, 1000)).toEqual({ pic_crop_235_1: '0_0.287234_1_0.712766', pic_crop_1_1: '0_0_1_1' });
    expect(media.coverCrops(2350, 1000)).toEqual({ pic_crop_235_1: '0_0_1_1', pic_crop_1_1: '0.287234_0_0.712766_1' });
    expect(media.coverCrops(1000, 1000, { x: 0, y: 0 }).pic_crop_235_1).toBe('0_0_1_0.425532');
  });

  it('keeps the aspect ratio and the 6-decimal format for any size', () => {
    for (const [w, h] of [
      [900, 383],
      [4000, 3000],
      [1080, 1920],
      [3000, 1000],
      [1, 1],
    ]) {
      const crops = media.coverCrops(w, h);
      for (const [key, aspect] of [
        ['pic_crop_235_1', 2.35],
        ['pic_crop_1_1', 1],
      ] as const) {
        const parts = crops[key].split('_');
        expect(parts).toHaveLength(4);
        for (const p of parts) expect(p).toMatch(/^(0|1|0\.\d{1,6})$/);
        const [x1, y1, x2, y2] = parts.map(Number);
        expect(x1).toBeLessThan(x2);
        expect(y1).toBeLessThan(y2);
        expect(((x2 - x1) * w) / ((y2 - y1) * h)).toBeCloseTo(aspect, 3);
        // largest possible crop: it spans the full width or the full height
        expect(x2 - x1 === 1 || y2 - y1 === 1).toBe(true);
        // centred
        expect((x1 + x2) / 2).toBeCloseTo(0.5, 5);
        expect((y1 + y2) / 2).toBeCloseTo(0.5, 5);
      }
    }
  });

  it('refuses a zero size', () => {
    expect(() => media.coverCrops(0, 100)).toThrow(AppError);
  });
});

describe('MediaService.titleCard', () => {
  it('draws the title as a JPEG cover that fits the WeChat thumb budget', async () => {
    const card = await media.titleCard('关于印发《某某县2024年政府信息公开工作要点》的通知', { subtitle: '某某县人民政府办公室' });
    await expectWithinProfile(card.buffer, card, { ...MEDIA_PROFILES['wechat-thumb'], id: 'card' });
    expect([card.width, card.height]).toEqual([900, 383]);

    // there is white text on the red background: bright pixels in the title area, none in the corners
    const { data, info } = await sharp(card.buffer).greyscale().raw().toBuffer({ resolveWithObject: true });
    let brightInTitle = 0;
    for (let y = 40; y < 250; y++) for (let x = 60; x < 840; x++) if (data[y * info.width + x] > 200) brightInTitle++;
    expect(brightInTitle).toBeGreaterThan(5_000);
    for (const [x, y] of [
      [5, 5],
      [894, 5],
      [5, 377],
    ]) {
      expect(data[y * info.width + x]).toBeLessThan(120);
    }

    const plain = await media.titleCard('通知');
    expect(plain.buffer.equals(card.buffer)).toBe(false);
  });

  it('shrinks a very long title until it fits, and refuses an empty one', async () => {
    const long = await media.titleCard('关于进一步做好政府信息公开工作的通知'.repeat(8));
    expect([long.width, long.height]).toEqual([900, 383]);
    expect((await fails(media.titleCard('   '))).code).toBe('MEDIA_TITLE_EMPTY');
  });
});
