import { EncodeJob } from './budget-encoder';
import { MEDIA_PROFILES } from './profiles';
import { planGeometry } from './rendition-plan';
import { SizeModel, budgetAtRisk, bytesAtQuality, qualityForBudget, quantiserScale } from './size-model';

/** The encode job renderAll builds for a profile on a 4000×3000 photo. */
function jobFor(id: keyof typeof MEDIA_PROFILES): EncodeJob {
  const p = MEDIA_PROFILES[id];
  return {
    profileIds: [p.id],
    label: p.label,
    format: 'jpeg',
    keepAlpha: false,
    crop: null,
    geometry: planGeometry(p, 4000, 3000),
    maxBytes: p.maxBytes,
    quality: p.quality,
    minQuality: p.minQuality,
    minLongSide: p.minLongSide,
    background: p.background,
  };
}

describe('size model', () => {
  it("follows libjpeg's quality scale", () => {
    expect(quantiserScale(50)).toBe(100);
    expect(quantiserScale(85)).toBe(30);
    expect(quantiserScale(25)).toBe(200);
    expect(quantiserScale(100)).toBe(1);
    // lower quality, fewer bytes; same quality, same bytes
    expect(bytesAtQuality(100_000, 85, 50)).toBeLessThan(bytesAtQuality(100_000, 85, 70));
    expect(bytesAtQuality(100_000, 85, 70)).toBeLessThan(100_000);
    expect(bytesAtQuality(100_000, 60, 60)).toBeCloseTo(100_000, 6);
  });

  it('flags the WeChat thumb budget as at risk for a busy photo, not the roomy ones', () => {
    expect(budgetAtRisk(jobFor('wechat-thumb'))).toBe(true);
    for (const id of ['wechat-body', 'weibo-pic', 'portal', 'portal-thumb'] as const) expect(budgetAtRisk(jobFor(id))).toBe(false);
    expect(budgetAtRisk({ ...jobFor('wechat-thumb'), format: 'webp' })).toBe(false);
  });

  it('predicts nothing until a JPEG sibling has been measured', () => {
    const model = new SizeModel();
    expect(model.predict(jobFor('wechat-thumb'), 80)).toBeNull();
    expect(model.start(jobFor('wechat-thumb'))).toBeNull();
    model.record({ format: 'webp', density: 0.27, pixels: 874_800, quality: 85, optimise: false, bytes: 300_000 });
    expect(model.start(jobFor('wechat-thumb'))).toBeNull();
  });

  it('starts a busy thumb at a quality predicted to land under 64 KB, from the 1080 px sibling', () => {
    const model = new SizeModel();
    // measured on the bench photos: wechat-body 1080×810 at q85 = 343 KB
    model.record({ format: 'jpeg', density: 0.27, pixels: 874_800, quality: 85, optimise: false, bytes: 343_000 });
    // weibo-pic too, farther in scale: the nearer sibling decides
    model.record({ format: 'jpeg', density: 0.512, pixels: 3_145_728, quality: 85, optimise: false, bytes: 100_000 });
    const thumb = jobFor('wechat-thumb');
    const start = model.start(thumb)!;
    expect(start.optimise).toBe(true);
    // the real file is ~60 KB at q50 with optimised tables: the start is close to that, and no higher
    expect(start.quality).toBeLessThanOrEqual(52);
    expect(start.quality).toBeGreaterThanOrEqual(44);
    expect(model.predict(thumb, start.quality)! * 0.95).toBeLessThanOrEqual(thumb.maxBytes);
  });

  it('leaves jobs that are predicted to fit at their profile quality', () => {
    const model = new SizeModel();
    model.record({ format: 'jpeg', density: 0.27, pixels: 874_800, quality: 85, optimise: false, bytes: 120_000 });
    expect(model.start(jobFor('wechat-thumb'))).toBeNull();
    expect(model.start(jobFor('portal'))).toBeNull();
  });

  it('goes no lower than the quality floor', () => {
    const model = new SizeModel();
    model.record({ format: 'jpeg', density: 0.27, pixels: 874_800, quality: 85, optimise: false, bytes: 3_000_000 });
    expect(model.start(jobFor('wechat-thumb'))).toEqual({ quality: MEDIA_PROFILES['wechat-thumb'].minQuality, optimise: true });
  });

  it('finds the highest quality a measured file can be raised to within a budget', () => {
    expect(qualityForBudget(20_000, 40, 80, 64_000)).toBeGreaterThan(60);
    expect(qualityForBudget(20_000, 40, 80, 64_000)).toBeLessThanOrEqual(80);
    expect(bytesAtQuality(20_000, 40, qualityForBudget(20_000, 40, 80, 64_000), 0.8)).toBeLessThanOrEqual(64_000);
    expect(qualityForBudget(63_000, 50, 80, 64_000)).toBe(50);
  });
});
