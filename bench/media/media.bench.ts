/**
 * npm run bench:media
 *
 * Renders every channel's renditions (all MEDIA_PROFILES + a 192×96 LED screen) for a set of
 * camera-sized photos with MediaService.renderAll, and, in the same run, the baseline: one plain sharp
 * decode + one resize per photo to the largest size any profile needs (what renderAll must do anyway).
 * ratio = renderAll images/s ÷ baseline images/s; target ≥ 0.8, i.e. the renditions cost little beside
 * the one decode. Rounds alternate between the two so load from other processes hits both alike; the
 * median round counts. The LAST line is one JSON object.
 *
 * For context it also times the naive way once (renderAll per profile, i.e. one decode per rendition).
 * renderAll's own diagnostics (onDiagnostics) give encodes/resizes per image and where its time goes:
 * the decode, then the derivation (steps run in parallel lanes, so step times overlap).
 *
 * It then measures the floor any single-decode design has on this machine (BENCH_MEDIA_FLOOR=0 skips):
 * the CPU of the work no design can avoid after the decode (each rendition renderAll produced, encoded
 * once at its final size and quality from pixels already that size, plus one lanczos3 resample into
 * each size from the next larger one), and the ratio that work allows when it is spread perfectly over
 * every core the moment the decode ends: floorRatio = baseline / (baseline + work / cores). A ratio
 * above floorRatio would mean a decode skipped or a rendition not made.
 *
 * BENCH_MEDIA_IMAGES (default 12), BENCH_MEDIA_ROUNDS (default 3), BENCH_MEDIA_NAIVE=0 skips the naive run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { encodeAs } from '@app/media/budget-encoder';
import { MediaService } from '@app/media/media.service';
import { RenderDiagnostics } from '@app/media/media.types';
import { MEDIA_PROFILES, RenditionProfile, ledImageProfile } from '@app/media/profiles';
import { planGeometry } from '@app/media/rendition-plan';
import { syntheticImages } from '@app/media/testing/synthetic-images';

const IMAGES = Number(process.env.BENCH_MEDIA_IMAGES ?? 12);
const ROUNDS = Number(process.env.BENCH_MEDIA_ROUNDS ?? 3);
const NAIVE = process.env.BENCH_MEDIA_NAIVE !== '0';
const FLOOR = process.env.BENCH_MEDIA_FLOOR !== '0';
const FLOOR_PHOTOS = 3;
const WIDTH = 4000;
const HEIGHT = 3000;
const CACHE_DIR = resolve(__dirname, '..', '..', '.data', 'bench-media');

const PROFILES: RenditionProfile[] = [...Object.values(MEDIA_PROFILES), ledImageProfile({ width: 192, height: 96 })];

interface Round {
  wallMs: number;
  cpuMs: number;
}

async function photos(): Promise<Buffer[]> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const out: Buffer[] = [];
  for (let i = 1; i <= IMAGES; i++) {
    const file = join(CACHE_DIR, `photo-${WIDTH}x${HEIGHT}-${i}.jpg`);
    if (!existsSync(file)) writeFileSync(file, await syntheticImages.noisyPhoto(WIDTH, HEIGHT, i));
    out.push(readFileSync(file));
  }
  return out;
}

/** The decode size renderAll picks for these photos: the largest any profile needs. */
function largestSize(width: number, height: number): { width: number; height: number } {
  const density = Math.min(1, Math.max(...PROFILES.map((p) => planGeometry(p, width, height).density)));
  return { width: Math.ceil(width * density), height: Math.ceil(height * density) };
}

async function measure(work: () => Promise<void>): Promise<Round> {
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await work();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function median(rounds: Round[]): Round {
  const sorted = [...rounds].sort((a, b) => a.wallMs - b.wallMs);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  // libvips' operation cache would let repeated runs over the same buffers skip work
  sharp.cache(false);
  const inputs = await photos();
  const media = new MediaService();
  const size = largestSize(WIDTH, HEIGHT);
  const renditionsPerImage = new Set(PROFILES.map((p) => p.id)).size;

  const baseline = async () => {
    for (const buf of inputs) {
      await sharp(buf, { failOn: 'error', limitInputPixels: MediaService.DEFAULT_MAX_INPUT_PIXELS })
        .rotate()
        .resize(size.width, size.height, { fit: 'fill' })
        .raw()
        .toBuffer();
    }
  };
  const diagnostics: RenderDiagnostics[] = [];
  const renderAll = async () => {
    for (const buf of inputs) {
      const out = await media.renderAll(buf, PROFILES, { onDiagnostics: (d) => diagnostics.push(d) });
      // a fast run that breaks a limit proves nothing: check every rendition, every round
      for (const p of PROFILES) {
        const r = out[p.id];
        const ok =
          r !== undefined &&
          Buffer.isBuffer(r.buffer) &&
          r.bytes === r.buffer.length &&
          r.bytes <= p.maxBytes &&
          r.width > 0 &&
          r.width <= p.maxWidth &&
          r.height > 0 &&
          r.height <= p.maxHeight;
        if (!ok) throw new Error(`rendition ${p.id} breaks its profile: ${JSON.stringify({ ...r, buffer: undefined })}`);
      }
    }
  };

  // warm-up: font/codec initialisation, JIT
  await media.renderAll(inputs[0], PROFILES);
  await sharp(inputs[0]).resize(size.width, size.height).raw().toBuffer();
  diagnostics.length = 0;

  const base: Round[] = [];
  const ours: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      base.push(await measure(baseline));
      ours.push(await measure(renderAll));
    } else {
      ours.push(await measure(renderAll));
      base.push(await measure(baseline));
    }
    console.log(
      `round ${r + 1}: baseline ${base[r].wallMs.toFixed(0)} ms (cpu ${base[r].cpuMs.toFixed(0)}), ` +
        `renderAll ${ours[r].wallMs.toFixed(0)} ms (cpu ${ours[r].cpuMs.toFixed(0)})`,
    );
  }
  let naive: Round | null = null;
  if (NAIVE) {
    naive = await measure(async () => {
      for (const buf of inputs) for (const p of PROFILES) await media.render(buf, p);
    });
    console.log(`naive (one decode per rendition): ${naive.wallMs.toFixed(0)} ms (cpu ${naive.cpuMs.toFixed(0)})`);
  }
  const b = median(base);
  const o = median(ours);
  const cores = availableParallelism();
  let floor: { workCpuMsPerImage: number; steps: [string, number][]; ratio: number } | null = null;
  if (FLOOR) {
    const perPhoto: { total: number; steps: [string, number][] }[] = [];
    for (const buf of inputs.slice(0, FLOOR_PHOTOS)) perPhoto.push(await unavoidableWork(media, buf, size));
    const work = medianOf(perPhoto.map((p) => p.total));
    const basePerImage = b.wallMs / IMAGES;
    floor = { workCpuMsPerImage: work, steps: perPhoto[0].steps, ratio: basePerImage / (basePerImage + work / cores) };
    console.log(`unavoidable work after the decode (CPU ms, first photo): ${floor.steps.map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join(', ')}`);
    console.log(
      `floor: ${work.toFixed(1)} ms CPU per photo after a ${basePerImage.toFixed(0)} ms decode; on ${cores} cores ` +
        `no single-decode design exceeds ratio ${floor.ratio.toFixed(3)} on this machine`,
    );
  }
  const baselineImagesPerSec = (IMAGES * 1000) / b.wallMs;
  const imagesPerSec = (IMAGES * 1000) / o.wallMs;
  const ratio = imagesPerSec / baselineImagesPerSec;
  const cpuRatio = b.cpuMs / o.cpuMs;

  console.log(`photos: ${IMAGES} × ${WIDTH}×${HEIGHT} JPEG (${(inputs.reduce((s, x) => s + x.length, 0) / IMAGES / 1e6).toFixed(1)} MB avg)`);
  console.log(`profiles: ${PROFILES.map((p) => p.id).join(', ')} (decode size ${size.width}×${size.height})`);
  console.log(`baseline (decode + resize): ${baselineImagesPerSec.toFixed(2)} images/s, ${(b.cpuMs / IMAGES).toFixed(0)} ms CPU/image`);
  console.log(`renderAll (${renditionsPerImage} renditions): ${imagesPerSec.toFixed(2)} images/s, ${(o.cpuMs / IMAGES).toFixed(0)} ms CPU/image`);
  const naiveImagesPerSec = naive ? (IMAGES * 1000) / naive.wallMs : null;
  if (naive && naiveImagesPerSec) {
    console.log(`naive: ${naiveImagesPerSec.toFixed(2)} images/s, ${(naive.cpuMs / IMAGES).toFixed(0)} ms CPU/image`);
  }
  const perImage = (f: (d: RenderDiagnostics) => number) => diagnostics.reduce((sum, d) => sum + f(d), 0) / diagnostics.length;
  const encodesPerImage = perImage((d) => d.encodes);
  const resizesPerImage = perImage((d) => d.resizes);
  const decodeMs = medianOf(diagnostics.map((d) => d.decodeMs));
  const deriveMs = medianOf(diagnostics.map((d) => d.totalMs - d.decodeMs));
  const steps = new Map<string, number[]>();
  for (const d of diagnostics) for (const st of d.steps) steps.set(st.name, [...(steps.get(st.name) ?? []), st.endMs - st.startMs]);
  console.log(
    `renderAll per image: ${encodesPerImage.toFixed(2)} encodes, ${resizesPerImage.toFixed(2)} resizes into memory; ` +
      `median wall: decode ${decodeMs.toFixed(0)} ms, derive ${deriveMs.toFixed(0)} ms`,
  );
  console.log(`derive steps (median wall ms, overlapping): ${[...steps].map(([n, t]) => `${n} ${medianOf(t).toFixed(0)}`).join(', ')}`);
  console.log(`ratio ${ratio.toFixed(3)} (target >= 0.8), CPU-time ratio ${cpuRatio.toFixed(3)}`);
  console.log(
    JSON.stringify({
      bench: 'media',
      images: IMAGES,
      imagesPerSec: round(imagesPerSec),
      baselineImagesPerSec: round(baselineImagesPerSec),
      ratio: round(ratio),
      cpuRatio: round(cpuRatio),
      renditionsPerImage,
      rounds: ROUNDS,
      naiveImagesPerSec: naiveImagesPerSec === null ? null : round(naiveImagesPerSec),
      cpuMsPerImage: round(o.cpuMs / IMAGES),
      baselineCpuMsPerImage: round(b.cpuMs / IMAGES),
      encodesPerImage: round(encodesPerImage),
      resizesPerImage: round(resizesPerImage),
      decodeMsPerImage: round(decodeMs),
      deriveMsPerImage: round(deriveMs),
      cores,
      floorWorkCpuMsPerImage: floor ? round(floor.workCpuMsPerImage) : null,
      floorRatio: floor ? round(floor.ratio) : null,
    }),
  );
}

/** CPU ms of one sharp call, median of three after a warm-up (single calls are noisy). */
async function cpuOf(work: () => Promise<unknown>): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const before = process.cpuUsage();
    await work();
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1000);
  }
  return medianOf(times);
}

interface Pixels {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

/**
 * The least work any design must do after the decode, for the renditions renderAll actually made of
 * this photo: each distinct output encoded once at its size and quality (from pixels already that size,
 * prepared untimed), and each output size resampled once, from the next larger size, the cheapest
 * source there is (crops are taken as whole frames: fewer source pixels would only lower the figure,
 * and the chain is cheaper than reading the decode each time).
 */
async function unavoidableWork(media: MediaService, buf: Buffer, size: { width: number; height: number }) {
  const decoded: Pixels = (await sharp(buf).rotate().resize(size.width, size.height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true })) as Pixels;
  const out = await media.renderAll(buf, PROFILES);
  const distinct = [...new Map(Object.values(out).map((r) => [r.buffer, r])).values()].sort((x, y) => y.width * y.height - x.width * x.height);
  const steps: [string, number][] = [];
  let larger = decoded;
  for (const r of distinct) {
    const resample = (from: Pixels) =>
      sharp(from.data, { raw: from.info }).resize(r.width, r.height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true }) as Promise<Pixels>;
    if (larger.info.width !== r.width || larger.info.height !== r.height) {
      const from = larger;
      steps.push([`resample ${from.info.width}→${r.width}`, await cpuOf(() => resample(from))]);
    }
    const pixels = await resample(larger);
    const raw = { raw: pixels.info };
    // renderAll's own encoder settings, first try (no Huffman optimisation), without its retries
    const encode = () =>
      encodeAs(sharp(pixels.data, raw), r.format, { quality: r.quality ?? 80, optimise: false, palette: r.format === 'png' && r.quality !== null });
    steps.push([`encode ${r.format} ${r.width}×${r.height}`, await cpuOf(encode)]);
    larger = pixels;
  }
  return { total: steps.reduce((sum, [, ms]) => sum + ms, 0), steps };
}

function medianOf(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
