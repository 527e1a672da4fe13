/**
 * Lexicon scanning throughput: Aho-Corasick (libs/compliance/src/matcher/aho-corasick.ts) against
 * the naive baseline (one String.indexOf pass per term), on the same generated document and
 * lexicon, through the same LexiconScanner pipeline (folding, allowed contexts, overlap rules,
 * offsets back in the original). Both runs must give identical findings.
 *
 *   npm run bench:checks            # 10 MB document, 20,000 terms
 *   BENCH_MB=2 npm run bench:checks # smaller, for a quick look
 *
 * The last line printed is one JSON object with the figures.
 */
import * as path from 'path';
import { LexiconEntry, loadLexicons } from '../../libs/compliance/src/lexicons/lexicon-loader';
import { LexiconHit, LexiconScanner } from '../../libs/compliance/src/lexicons/lexicon-scanner';
import { NaiveMatcher } from '../../libs/compliance/src/matcher/naive-matcher';
import { CharFolding } from '../../libs/compliance/src/text/char-folding';
import { Severity } from '../../libs/compliance/src/finding';
import { ComplianceChecker } from '../../libs/compliance/src/compliance-checker';
import { measureAttachmentLoop } from './attachment-loop';

const MB = Number(process.env.BENCH_MB ?? 10);
const TERMS = Number(process.env.BENCH_TERMS ?? 20000);
const AC_RUNS = 5;

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(20240601);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

// ---- a document that reads like a county's 政务公开 report ----

const SUBJECTS = [
  '县人民政府',
  '各乡镇人民政府',
  '县直各部门',
  '县政务公开办公室',
  '县发展和改革局',
  '县财政局',
  '县自然资源局',
  '县生态环境局',
  '县卫生健康局',
  '县市场监督管理局',
  '县应急管理局',
  '县人力资源和社会保障局',
  '县住房和城乡建设局',
  '县教育局',
  '县民政局',
  '县农业农村局',
  '县交通运输局',
  '县水利局',
  '县文化和旅游局',
  '县审计局',
  '县统计局',
  '县医疗保障局',
  '县司法局',
  '各村（社区）',
  '县政务服务中心',
  '县数据资源管理局',
];
const VERBS = [
  '认真贯彻落实',
  '深入推进',
  '切实加强',
  '全面做好',
  '持续优化',
  '进一步规范',
  '扎实开展',
  '积极推动',
  '严格执行',
  '统筹推进',
  '不断完善',
  '加快建设',
  '及时公开',
  '主动回应',
  '依法做好',
  '细化分解',
  '督促指导',
];
const OBJECTS = [
  '政务公开工作',
  '政府信息主动公开',
  '政策解读和回应关切',
  '依申请公开办理',
  '政府网站和政务新媒体管理',
  '重大建设项目批准和实施领域信息公开',
  '公共资源配置领域信息公开',
  '财政预决算公开',
  '“双随机、一公开”监管',
  '行政执法公示制度',
  '权责清单动态调整',
  '基层政务公开标准化规范化建设',
  '政府信息公开保密审查制度',
  '营商环境优化',
  '民生实事项目',
  '乡村振兴重点任务',
  '安全生产专项整治',
  '生态环境保护督察整改',
  '就业创业政策落实',
  '规范性文件备案审查',
  '人大代表建议和政协提案办理结果公开',
  '政务服务“一网通办”',
];
const TAILS = [
  '取得了明显成效',
  '群众满意度不断提升',
  '各项工作有序推进',
  '为全县经济社会高质量发展提供有力保障',
  '切实保障人民群众的知情权、参与权、表达权和监督权',
  '做到应公开尽公开',
  '形成上下联动的工作合力',
  '确保各项任务落到实处',
];
const HEADINGS = ['一、总体要求', '二、主要任务', '三、工作措施', '四、保障措施', '（一）加强组织领导', '（二）强化监督考核', '（三）抓好宣传培训'];

function sentence(): string {
  switch (int(0, 5)) {
    case 0:
      return `截至${int(2016, 2025)}年${int(1, 12)}月底，${pick(SUBJECTS)}累计主动公开政府信息${int(100, 9999)}条，其中政策文件${int(10, 500)}件。`;
    case 1:
      return `根据《关于全面推进政务公开工作的意见》（${pick(['中办发', '国办发', '政办发'])}〔${int(2014, 2025)}〕${int(1, 120)}号）要求，${pick(SUBJECTS)}${pick(VERBS)}${pick(OBJECTS)}。`;
    default:
      return `${pick(SUBJECTS)}${pick(VERBS)}${pick(OBJECTS)}，${pick(VERBS)}${pick(OBJECTS)}，${pick(TAILS)}。`;
  }
}

function paragraph(): string {
  if (rnd() < 0.08) return pick(HEADINGS);
  return Array.from({ length: int(2, 6) }, sentence).join('');
}

// ---- a 20,000-term lexicon ----

function charPool(): string[] {
  const fromText = new Set<string>();
  for (const s of [...SUBJECTS, ...VERBS, ...OBJECTS, ...TAILS]) for (const c of s) if (/[\u4e00-\u9fa5]/.test(c)) fromText.add(c);
  return [...fromText];
}

function generatedEntries(real: LexiconEntry[], n: number): LexiconEntry[] {
  const pool = charPool();
  const terms = new Set(real.map((e) => e.term));
  const out: LexiconEntry[] = [...real];
  const sev: Severity[] = ['warn', 'review', 'block'];
  while (out.length < n) {
    const len = int(3, 6);
    // Half from the document's own characters (many partial matches, some real hits), half random CJK.
    const term = Array.from({ length: len }, () => (rnd() < 0.5 ? pick(pool) : String.fromCharCode(int(0x4e00, 0x9fa5)))).join('');
    if (terms.has(term)) continue;
    terms.add(term);
    const contexts = rnd() < 0.05 ? [`原${term}`, `${term}时期`] : [];
    out.push({ term, severity: pick(sev), categoryId: `gen-${out.length % 7}`, categoryName: '生成词库', allowedContexts: contexts, source: 'bench' });
  }
  return out;
}

// ---- insert hits, plain and disguised ----

function disguise(term: string, reverseMap: Map<string, string>): string {
  const r = rnd();
  if (r < 0.55) return term;
  if (r < 0.7) return [...term].join(' ');
  if (r < 0.8) return [...term].join('\u200b');
  if (r < 0.9) return [...term].map((c) => reverseMap.get(c) ?? c).join('');
  return [...term].join('·');
}

function buildDocument(targetBytes: number, entries: LexiconEntry[], reverseMap: Map<string, string>): { doc: string; inserted: number } {
  const parts: string[] = [];
  let bytes = 0;
  let inserted = 0;
  while (bytes < targetBytes) {
    let p = paragraph();
    if (rnd() < 0.35) {
      const e = pick(entries);
      const form = e.allowedContexts.length && rnd() < 0.3 ? pick(e.allowedContexts) : disguise(e.term, reverseMap);
      const at = int(0, p.length);
      p = p.slice(0, at) + form + p.slice(at);
      inserted++;
    }
    parts.push(p);
    bytes += Buffer.byteLength(p, 'utf8') + 1;
  }
  return { doc: parts.join('\n'), inserted };
}

function key(h: LexiconHit): string {
  return `${h.start}:${h.end}:${h.entry.term}`;
}

async function main() {
  const lexDir = path.resolve(__dirname, '..', '..', 'config', 'lexicons');
  const lex = loadLexicons(lexDir);
  const folding = CharFolding.create(lex.charMaps);
  const reverseMap = new Map<string, string>();
  for (const m of lex.charMaps) for (const [t, s] of m) if (!reverseMap.has(s)) reverseMap.set(s, t);

  const entries = generatedEntries([...lex.sensitive, ...lex.typos], TERMS);
  const targetBytes = MB * 1024 * 1024;
  const t0 = performance.now();
  const { doc, inserted } = buildDocument(targetBytes, entries, reverseMap);
  const docBytes = Buffer.byteLength(doc, 'utf8');
  const docMb = docBytes / 1024 / 1024;
  console.log(
    `document: ${docMb.toFixed(2)} MB (${doc.length.toLocaleString()} UTF-16 units), ${inserted} inserted hits, generated in ${(performance.now() - t0).toFixed(0)} ms`,
  );

  let t = performance.now();
  const ac = new LexiconScanner(entries, folding);
  const acBuildMs = performance.now() - t;
  t = performance.now();
  const naive = new LexiconScanner(entries, folding, (p) => new NaiveMatcher(p));
  const naiveBuildMs = performance.now() - t;
  console.log(`lexicon: ${entries.length} terms (${ac.size} distinct after folding); build AC ${acBuildMs.toFixed(0)} ms, naive ${naiveBuildMs.toFixed(0)} ms`);

  ac.scan(doc.slice(0, 200000)); // warm-up
  const times: number[] = [];
  let acHits: LexiconHit[] = [];
  for (let i = 0; i < AC_RUNS; i++) {
    t = performance.now();
    acHits = ac.scan(doc);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const acMs = times[Math.floor(times.length / 2)];
  const mbPerSec = docMb / (acMs / 1000);
  console.log(
    `aho-corasick: median ${acMs.toFixed(0)} ms of ${AC_RUNS} runs (${times.map((x) => x.toFixed(0)).join(', ')}) → ${mbPerSec.toFixed(1)} MB/s, ${acHits.length} findings`,
  );

  t = performance.now();
  const naiveHits = naive.scan(doc);
  const naiveMs = performance.now() - t;
  const baselineMbPerSec = docMb / (naiveMs / 1000);
  console.log(`naive indexOf: ${naiveMs.toFixed(0)} ms → ${baselineMbPerSec.toFixed(2)} MB/s, ${naiveHits.length} findings`);

  const a = acHits.map(key);
  const b = naiveHits.map(key);
  let identical = a.length === b.length;
  for (let i = 0; identical && i < a.length; i++) if (a[i] !== b[i]) identical = false;
  if (!identical) {
    const diff = a.findIndex((x, i) => x !== b[i]);
    console.log(`MISMATCH at ${diff}: ac=${a[diff]} naive=${b[diff]}`);
  }
  // For scale: every check an item gets on save (secrecy marks, personal data, sensitive words, typos) on the same text.
  const checker = new ComplianceChecker({ ...lex, sensitive: entries.filter((e) => !lex.typos.includes(e)), typos: lex.typos });
  const fullTimes: number[] = [];
  let all: unknown[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    all = checker.check({ fields: [{ field: 'body', text: doc }] });
    fullTimes.push(performance.now() - t);
  }
  const fullMs = fullTimes.sort((x, y) => x - y)[1];
  const fullCheckMbPerSec = docMb / (fullMs / 1000);
  console.log(`full check (all detectors): ${fullMs.toFixed(0)} ms → ${fullCheckMbPerSec.toFixed(1)} MB/s, ${all.length} findings`);

  const loop = await measureAttachmentLoop();
  const ratio = mbPerSec / baselineMbPerSec;
  console.log(`ratio: ${ratio.toFixed(1)}× (target ≥ 50 MB/s and ≥ 20×)`);
  console.log(
    JSON.stringify({
      bench: 'checks',
      mb: Number(docMb.toFixed(2)),
      terms: entries.length,
      mbPerSec: Number(mbPerSec.toFixed(1)),
      baselineMbPerSec: Number(baselineMbPerSec.toFixed(3)),
      ratio: Number(ratio.toFixed(1)),
      findings: acHits.length,
      identical,
      acBuildMs: Math.round(acBuildMs),
      acMs: Math.round(acMs),
      baselineMs: Math.round(naiveMs),
      insertedHits: inserted,
      fullCheckMbPerSec: Number(fullCheckMbPerSec.toFixed(1)),
      ...loop,
    }),
  );
  if (!identical) process.exitCode = 1;
}

void main();
