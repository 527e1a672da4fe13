import sharp from 'sharp';
import { DecodedImage, EncodeJob, encodeWithinBudget } from './budget-encoder';
import { MEDIA_PROFILES } from './profiles';
import { planGeometry } from './rendition-plan';
import { syntheticImages } from './testing/synthetic-images';

let level: DecodedImage;
let thumb: EncodeJob;

beforeAll(async () => {
  // the 1080 px level renderAll derives the WeChat thumb from
  const photo = await syntheticImages.noisyPhoto(2400, 1800, 21);
  const { data, info } = await sharp(photo).resize(1080, 810, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  level = { data, width: info.width, height: info.height, channels: 3, opaque: true };
  const p = MEDIA_PROFILES['wechat-thumb'];
  const geometry = planGeometry(p, 1080, 810);
  thumb = {
    profileIds: [p.id],
    label: p.label,
    format: 'jpeg',
    keepAlpha: false,
    crop: geometry.crop,
    geometry,
    maxBytes: p.maxBytes,
    quality: p.quality,
    minQuality: p.minQuality,
    minLongSide: p.minLongSide,
    background: p.background,
  };
});

async function realSize(buffer: Buffer) {
  const meta = await sharp(buffer).metadata();
  return [meta.format, meta.width, meta.height];
}

describe('encodeWithinBudget', () => {
  it('without a start, encodes at the profile quality first and steps down to fit (two encodes, one resample)', async () => {
    const r = await encodeWithinBudget(level, thumb);
    expect(r.rendition.bytes).toBeLessThanOrEqual(64_000);
    expect(r.rendition.bytes).toBe(r.rendition.buffer.length);
    expect(await realSize(r.rendition.buffer)).toEqual(['jpeg', 900, 383]);
    expect(r.encodes).toBeGreaterThanOrEqual(2);
    expect(r.resizes).toBe(1);
    expect(r.rendition.quality).toBeLessThan(80);
  });

  it('meets the budget when a predicted start is far too high', async () => {
    const r = await encodeWithinBudget(level, thumb, { quality: 80, optimise: true });
    expect(r.rendition.bytes).toBeLessThanOrEqual(64_000);
    expect(r.encodes).toBeGreaterThanOrEqual(2);
    expect(r.optimise).toBe(true);
    expect(await realSize(r.rendition.buffer)).toEqual(['jpeg', 900, 383]);
  });

  it('encodes once when the predicted start fits', async () => {
    const loop = await encodeWithinBudget(level, thumb);
    const r = await encodeWithinBudget(level, thumb, { quality: loop.rendition.quality!, optimise: true });
    expect(r.encodes).toBe(1);
    expect(r.resizes).toBe(0);
    expect(r.rendition.bytes).toBeLessThanOrEqual(64_000);
    expect(r.rendition.quality).toBe(loop.rendition.quality);
  });

  it('raises the quality again when a predicted start was far too cautious', async () => {
    const r = await encodeWithinBudget(level, thumb, { quality: 20, optimise: true });
    expect(r.encodes).toBe(2);
    expect(r.rendition.quality).toBeGreaterThan(30);
    expect(r.rendition.quality).toBeLessThanOrEqual(80);
    expect(r.rendition.bytes).toBeLessThanOrEqual(64_000);
    const low = await encodeWithinBudget(level, { ...thumb, quality: 20, minQuality: 20 });
    expect(r.rendition.bytes).toBeGreaterThan(low.rendition.bytes);
  });
});
