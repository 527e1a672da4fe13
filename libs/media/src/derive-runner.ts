import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { DecodedImage, EncodeJob, EncodeOutcome, encodeWithinBudget } from './budget-encoder';
import { DeriveStep, EncodeStep, LevelStep } from './derive-plan';
import type { RenderDiagnostics } from './media.types';
import { SizeModel } from './size-model';

/** Steps running at once: one per core (every step is a CPU-bound sharp pipeline). */
const LANES = Math.max(1, availableParallelism());

/**
 * Runs a derivation plan: a free lane takes the ready step with the highest priority (derive-plan.ts).
 * Encodes record their sizes in a per-picture size model; an encode that waits for a sibling starts
 * from the quality the model predicts for its budget. The first failure stops new steps; steps already
 * running finish before it is thrown, so nothing is left working on a request that has failed.
 */
export function deriveAll(
  decoded: DecodedImage,
  plan: { levels: LevelStep[]; encodes: EncodeStep[] },
  diagnostics: RenderDiagnostics | null,
  began: number,
): Promise<Map<EncodeJob, EncodeOutcome>> {
  const images: (DecodedImage | undefined)[] = [decoded];
  const settled = new Set<EncodeStep>();
  const results = new Map<EncodeJob, EncodeOutcome>();
  const model = new SizeModel();
  const waiting: DeriveStep[] = [...plan.levels.slice(1), ...plan.encodes];
  let running = 0;
  let failure: { error: unknown } | null = null;

  const ready = (s: DeriveStep) => images[s.from] !== undefined && (s.kind === 'level' || !s.after || settled.has(s.after));

  const runLevel = async (level: LevelStep) => {
    images[level.id] = await resizeRaw(images[level.from]!, level.width, level.height);
    if (diagnostics) diagnostics.resizes++;
  };
  const runEncode = async (step: EncodeStep) => {
    const { job } = step;
    try {
      const outcome = await encodeWithinBudget(images[step.from]!, { ...job, crop: step.crop }, model.start(job) ?? undefined);
      const r = outcome.rendition;
      results.set(job, outcome);
      if (r.quality !== null && !job.geometry.canvas) {
        const shrink = r.width / job.geometry.width;
        model.record({
          format: r.format,
          density: job.geometry.density * shrink,
          pixels: r.width * r.height,
          quality: r.quality,
          optimise: outcome.optimise,
          bytes: r.bytes,
        });
      }
      if (diagnostics) {
        diagnostics.encodes += outcome.encodes;
        diagnostics.resizes += outcome.resizes;
      }
    } finally {
      settled.add(step);
    }
  };

  return new Promise((resolve, reject) => {
    const pump = () => {
      while (!failure && running < LANES) {
        let next = -1;
        for (let i = 0; i < waiting.length; i++) {
          if (ready(waiting[i]) && (next < 0 || waiting[i].priority > waiting[next].priority)) next = i;
        }
        if (next < 0) break;
        const [step] = waiting.splice(next, 1);
        running++;
        const startMs = performance.now() - began;
        const work = step.kind === 'level' ? runLevel(step) : runEncode(step);
        work.then(
          () => {
            if (diagnostics) {
              const name = step.kind === 'level' ? `resize ${images[step.from]!.width}→${step.width}` : `encode ${step.job.profileIds.join('+')}`;
              const outcome = step.kind === 'encode' ? results.get(step.job) : undefined;
              diagnostics.steps.push({
                name,
                startMs,
                endMs: performance.now() - began,
                ...(outcome ? { encodes: outcome.encodes, quality: outcome.rendition.quality } : {}),
              });
            }
            running--;
            pump();
          },
          (error: unknown) => {
            failure ??= { error };
            running--;
            pump();
          },
        );
      }
      if (running > 0) return;
      if (failure) reject(failure.error);
      else if (waiting.length > 0) reject(new Error(`derivation stalled with ${waiting.length} steps left`));
      else resolve(results);
    };
    pump();
  });
}

async function resizeRaw(src: DecodedImage, width: number, height: number): Promise<DecodedImage> {
  const { data, info } = await sharp(src.data, { raw: { width: src.width, height: src.height, channels: src.channels } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: src.channels, opaque: src.opaque };
}
