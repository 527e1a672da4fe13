import { EncodeJob } from './budget-encoder';
import { planDerivation } from './derive-plan';
import { MEDIA_PROFILES, RenditionProfile, ledImageProfile } from './profiles';
import { chooseFormat, planGeometry } from './rendition-plan';

function jobs(profiles: RenditionProfile[], width: number, height: number): EncodeJob[] {
  return profiles.map((p) => ({
    profileIds: [p.id],
    label: p.label,
    ...chooseFormat(p, false),
    crop: null,
    geometry: planGeometry(p, width, height),
    maxBytes: p.maxBytes,
    quality: p.quality,
    minQuality: p.minQuality,
    minLongSide: p.minLongSide,
    background: p.background,
  }));
}

const CHANNELS: RenditionProfile[] = [
  MEDIA_PROFILES['wechat-body'],
  MEDIA_PROFILES['wechat-thumb'],
  MEDIA_PROFILES['weibo-pic'],
  MEDIA_PROFILES.portal,
  MEDIA_PROFILES['portal-thumb'],
  ledImageProfile({ width: 192, height: 96 }),
];

describe('planDerivation', () => {
  const plan = planDerivation({ width: 2048, height: 1536 }, { width: 4000, height: 3000 }, jobs(CHANNELS, 4000, 3000));
  const enc = (id: string) => plan.encodes.find((e) => e.job.profileIds.includes(id))!;

  it('resamples into memory only the sizes smaller renditions read, each from the nearest larger one', () => {
    expect(plan.levels.map((l) => [l.width, l.height, l.from])).toEqual([
      [2048, 1536, -1],
      [1080, 810, 0],
      [400, 300, 1],
    ]);
    // 1600 px is read by nothing smaller than itself more cheaply than 2048 → 1080: it resizes in its encode
    expect(enc('portal').from).toBe(0);
    expect(enc('weibo-pic')).toMatchObject({ from: 0, crop: null });
    expect(enc('wechat-body')).toMatchObject({ from: 1, crop: null });
    expect(enc('portal-thumb')).toMatchObject({ from: 2, crop: null });
    expect(enc('led-192x96').from).toBe(2);
    // the 2.35:1 thumb is a crop of the 1080 level, the full width of it
    expect(enc('wechat-thumb').from).toBe(1);
    expect(enc('wechat-thumb').crop).toMatchObject({ left: 0, width: 1080 });
    expect(enc('wechat-thumb').crop!.height).toBeCloseTo(1080 / 2.35, -1);
  });

  it('makes the budget-bound thumb wait for the sibling nearest in scale, and nothing else wait', () => {
    expect(enc('wechat-thumb').after).toBe(enc('wechat-body'));
    for (const e of plan.encodes) if (e !== enc('wechat-thumb')) expect(e.after).toBeNull();
  });

  it('ranks steps by the longest path through them', () => {
    const level1080 = plan.levels[1];
    // the 1080 level feeds five renditions: it outranks every encode that reads it
    for (const e of plan.encodes.filter((x) => x.from === 1)) expect(level1080.priority).toBeGreaterThan(e.priority);
    // the body encode carries the thumb that waits for it
    expect(enc('wechat-body').priority).toBeGreaterThan(enc('wechat-body').cost);
    // the two large encodes come before the small ones
    expect(enc('portal').priority).toBeGreaterThan(enc('portal-thumb').priority);
    expect(enc('weibo-pic').priority).toBeGreaterThan(enc('led-192x96').priority);
  });

  it('reads the decode directly when nothing is worth keeping in memory', () => {
    const small = planDerivation(
      { width: 1600, height: 1200 },
      { width: 1600, height: 1200 },
      jobs([MEDIA_PROFILES.portal, MEDIA_PROFILES['weibo-pic']], 1600, 1200),
    );
    expect(small.levels).toHaveLength(1);
    expect(small.encodes.every((e) => e.from === 0 && e.after === null)).toBe(true);
  });
});
