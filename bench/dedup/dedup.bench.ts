/**
 * bench/dedup: near-duplicate detection (MinHash + LSH, src/modules/refinery/quality/minhash.ts) on
 * 1,000,000 short Korean texts with planted near-duplicates: documents per second, recall of the
 * planted pairs whose exact shingle Jaccard is ≥ 0.8, precision of what it reports; beside, in the
 * same run, exact-duplicate hashing of the same texts (the speed limit of any dedup pass) and
 * brute-force exact Jaccard over every pair of a 10,000-document sample (the accuracy reference,
 * and its time extrapolated to the full corpus).
 *
 *   npx tsx bench/dedup/dedup.bench.ts                 # 1,000,000 texts; writes ## dedup in bench/RESULTS.md
 *   BENCH_DEDUP_DOCS=50000 npx tsx bench/dedup/…       # a smaller corpus; prints only (BENCH_DEDUP_WRITE=1 to write)
 *   BENCH_DEDUP_SAMPLE=5000 …                          # brute-force sample size (default 10,000)
 *
 * Corpus: sentences of the NSMC movie reviews (../shared/data/nsmc-sample, CC0) and of the
 * data.go.kr catalog titles and descriptions (../shared/data/datago-catalog, CC0 / KOGL type 1),
 * each description cut into sentences and clipped to 60 characters at a word boundary. A text is
 * one review or description sentence and one catalog title, picked by a seeded PRNG, kept only if
 * no earlier text is the same: 1,000,000 distinct texts of 20–130 characters. 2 % of the texts
 * get a copy with one or two small edits (a word dropped, two words swapped, a word added from
 * another text, a space removed or added, a syllable changed), placed at a random later position.
 *
 * - truth: planted pairs whose exact Jaccard on 3-character shingles is ≥ 0.8 (computed for each
 *   pair; the others are reported as "planted below 0.8" and are not expected to be found).
 * - recall: truth pairs whose two texts end up in the same reported cluster.
 * - precision: reported pairs whose Jaccard, recomputed from plain JavaScript string sets (not the
 *   32-bit shingle hashes the engine uses), is ≥ 0.8. The engine confirms every candidate by exact
 *   Jaccard on hashes, so this measures what hash collisions and the verification let through; the
 *   share of reported pairs that are planted is shown too (the rest are real near-duplicates the
 *   corpus has by itself, e.g. two texts sharing a long review and a short title).
 * - brute force: all n(n−1)/2 pairs of a sample (1,000 planted pairs and the rest random texts)
 *   through the same exact Jaccard; the engine is run on the same sample and its recall measured
 *   against every pair brute force finds, planted or not.
 * - exact duplicates: normalizeText, then a Map from normalised text to first document.
 */
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import {
  jaccard,
  nearDuplicates,
  normalizeText,
  shingleHashes,
  type NearDuplicateResult,
} from '../../src/modules/refinery/quality/minhash.js';
import { writeResultsSection } from '../results.js';
import { seededRandom } from '../../src/core/random.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHARED = path.resolve(HERE, '../../../shared/data');
const DOCS = Number(process.env.BENCH_DEDUP_DOCS ?? 1_000_000);
const SAMPLE = Number(process.env.BENCH_DEDUP_SAMPLE ?? 10_000);
const WRITE = process.env.BENCH_DEDUP_DOCS === undefined || process.env.BENCH_DEDUP_WRITE === '1';
const PLANTED_SHARE = 0.02;
const THRESHOLD = 0.8;
const SHINGLE = 3;

const random = seededRandom(20_261_121);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;

function clip(sentence: string, max = 60): string {
  const s = sentence.replace(/\s+/gu, ' ').trim();
  if (s.length <= max) return s;
  const cut = s.lastIndexOf(' ', max);
  return s.slice(0, cut > 20 ? cut : max);
}

function loadSentences(): { bodies: string[]; titles: string[] } {
  const bodies = new Set<string>();
  const folder = path.join(SHARED, 'nsmc-sample');
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
    for (const review of JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as Array<{ review: string }>) {
      const s = clip(review.review);
      if (s.length >= 8) bodies.add(s);
    }
  }
  const reviews = bodies.size;
  const rows = parse(readFileSync(path.join(SHARED, 'datago-catalog/data-go-kr-catalog-20220630.csv')), {
    columns: true,
    bom: true,
  }) as Array<Record<string, string>>;
  const titles = new Set<string>();
  for (const row of rows) {
    const title = clip(row['목록명'] ?? '', 50);
    if (title.length >= 4) titles.add(title);
    for (const sentence of (row['목록설명'] ?? '').split(/(?<=[.다])\s+|\n/u)) {
      const s = clip(sentence);
      if (s.length >= 8) bodies.add(s);
    }
  }
  process.stderr.write(
    `sentences: ${fmt(reviews)} reviews, ${fmt(bodies.size - reviews)} description sentences, ${fmt(titles.size)} titles\n`,
  );
  return { bodies: [...bodies], titles: [...titles] };
}

const HANGUL = () => String.fromCharCode(0xac00 + Math.floor(random() * 11172));

/** One or two small edits; the kinds are what a copy-pasted, lightly rewritten text shows. */
function edit(text: string, donor: string): { text: string; edits: string[] } {
  let words = text.split(' ');
  const edits: string[] = [];
  const count = random() < 0.3 ? 2 : 1;
  for (let e = 0; e < count; e++) {
    const kind = pick(['drop-word', 'swap-words', 'add-word', 'spacing', 'syllable'] as const);
    const at = Math.floor(random() * words.length);
    switch (kind) {
      case 'drop-word':
        if (words.length > 3) words.splice(at, 1);
        break;
      case 'swap-words':
        if (at + 1 < words.length) [words[at], words[at + 1]] = [words[at + 1]!, words[at]!];
        break;
      case 'add-word':
        words.splice(at, 0, pick(donor.split(' ')));
        break;
      case 'spacing': {
        if (at + 1 < words.length && random() < 0.5) words.splice(at, 2, words[at]! + words[at + 1]!);
        else if (words[at]!.length >= 2) {
          const w = words[at]!;
          const cut = 1 + Math.floor(random() * (w.length - 1));
          words.splice(at, 1, w.slice(0, cut), w.slice(cut));
        }
        break;
      }
      case 'syllable': {
        const w = words[at]!;
        const i = Math.floor(random() * w.length);
        words[at] = w.slice(0, i) + HANGUL() + w.slice(i + 1);
        break;
      }
    }
    edits.push(kind);
    words = words.filter((w) => w.length > 0);
  }
  return { text: words.join(' '), edits };
}

interface Corpus {
  texts: string[];
  /** [original, copy] document numbers, original < copy. */
  planted: Array<[number, number]>;
}

function buildCorpus(docs: number): Corpus {
  const { bodies, titles } = loadSentences();
  const baseCount = Math.round(docs / (1 + PLANTED_SHARE));
  const seen = new Set<string>();
  const bases: string[] = [];
  while (bases.length < baseCount) {
    const text = random() < 0.5 ? `${pick(bodies)} ${pick(titles)}` : `${pick(titles)} ${pick(bodies)}`;
    if (seen.has(text)) continue;
    seen.add(text);
    bases.push(text);
  }
  // Copies go to random later positions: build the final order as a list of (base | copy-of-base).
  const copyOf: number[] = [];
  for (let i = 0; i < docs - baseCount; i++) copyOf.push(Math.floor(random() * baseCount));
  const order: Array<{ base: number; copy: boolean }> = bases.map((_, i) => ({ base: i, copy: false }));
  for (const base of copyOf) order.push({ base, copy: true });
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  // A copy must come after its original: swap the two if the shuffle put it first.
  const position = new Map<number, number>();
  order.forEach((o, i) => !o.copy && position.set(o.base, i));
  for (let i = 0; i < order.length; i++) {
    const o = order[i]!;
    if (o.copy && position.get(o.base)! > i) {
      const j = position.get(o.base)!;
      [order[i], order[j]] = [order[j]!, order[i]!];
      position.set(o.base, i);
    }
  }
  const texts: string[] = [];
  const planted: Array<[number, number]> = [];
  order.forEach((o, i) => {
    if (!o.copy) {
      texts.push(bases[o.base]!);
      return;
    }
    let copy = edit(bases[o.base]!, pick(bases)).text;
    while (seen.has(copy)) copy = edit(bases[o.base]!, pick(bases)).text;
    seen.add(copy);
    texts.push(copy);
    planted.push([position.get(o.base)!, i]);
  });
  return { texts, planted };
}

/** Exact Jaccard from plain string sets, independent of the engine's hashing. */
function stringJaccard(a: string, b: string): number {
  const grams = (t: string) => {
    const n = normalizeText(t);
    const set = new Set<string>();
    if (n.length > 0 && n.length < SHINGLE) set.add(n);
    for (let i = 0; i + SHINGLE <= n.length; i++) set.add(n.slice(i, i + SHINGLE));
    return set;
  };
  const x = grams(a);
  const y = grams(b);
  let common = 0;
  for (const g of x) if (y.has(g)) common++;
  return common / (x.size + y.size - common);
}

function clusterIndex(result: NearDuplicateResult): Int32Array {
  const cluster = new Int32Array(result.documents).fill(-1);
  result.clusters.forEach((members, c) => members.forEach((d) => (cluster[d] = c)));
  return cluster;
}

function main(): void {
  const started = process.hrtime.bigint();
  const { texts, planted } = buildCorpus(DOCS);
  const lengths = texts.map((t) => t.length).sort((a, b) => a - b);
  process.stderr.write(
    `corpus: ${fmt(texts.length)} texts, ${fmt(planted.length)} planted copies, built in ${seconds(started).toFixed(1)} s\n`,
  );

  const plantedSimilarity = planted.map(([a, b]) => jaccard(shingleHashes(texts[a]!, SHINGLE), shingleHashes(texts[b]!, SHINGLE)));
  const truth = planted.filter((_, i) => plantedSimilarity[i]! >= THRESHOLD);

  // Peer 1: exact duplicates, the speed limit of a dedup pass over the same texts.
  let t0 = process.hrtime.bigint();
  const firstOf = new Map<string, number>();
  let exactDuplicates = 0;
  texts.forEach((text, i) => {
    const key = normalizeText(text);
    if (firstOf.has(key)) exactDuplicates++;
    else firstOf.set(key, i);
  });
  const exactSeconds = seconds(t0);
  firstOf.clear();
  process.stderr.write(`exact-duplicate hashing: ${fmt(texts.length / exactSeconds)} docs/s (${exactDuplicates} exact duplicates)\n`);

  // The engine on the whole corpus.
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  t0 = process.hrtime.bigint();
  const result = nearDuplicates(texts, { threshold: THRESHOLD, shingleSize: SHINGLE });
  const engineSeconds = seconds(t0);
  const rssAfter = process.memoryUsage().rss;
  const cluster = clusterIndex(result);
  const found = truth.filter(([a, b]) => cluster[a] !== -1 && cluster[a] === cluster[b]).length;
  const direct = new Set(result.pairs.map(([a, b]) => `${a},${b}`));
  const foundDirect = truth.filter(([a, b]) => direct.has(`${a},${b}`)).length;
  const plantedSet = new Set(planted.map(([a, b]) => `${a},${b}`));
  const reportedPlanted = result.pairs.filter(([a, b]) => plantedSet.has(`${a},${b}`)).length;
  const confirmed = result.pairs.filter(([a, b]) => stringJaccard(texts[a]!, texts[b]!) >= THRESHOLD - 1e-12).length;
  process.stderr.write(
    `minhash: ${fmt(texts.length / engineSeconds)} docs/s, recall ${(found / truth.length).toFixed(4)}, precision ${(confirmed / result.pairs.length).toFixed(4)}\n`,
  );

  // Peer 2: brute force on a sample of 1,000 planted pairs and random other texts.
  const sampleIds = new Set<number>();
  for (const [a, b] of [...planted].sort(() => random() - 0.5).slice(0, Math.min(1000, Math.floor(SAMPLE / 4)))) {
    sampleIds.add(a);
    sampleIds.add(b);
  }
  while (sampleIds.size < Math.min(SAMPLE, texts.length)) sampleIds.add(Math.floor(random() * texts.length));
  const sample = [...sampleIds].sort((x, y) => x - y);
  const sampleShingles = sample.map((d) => shingleHashes(texts[d]!, SHINGLE));
  t0 = process.hrtime.bigint();
  const bruteTruth = new Set<string>();
  for (let i = 0; i < sample.length; i++)
    for (let j = i + 1; j < sample.length; j++)
      if (jaccard(sampleShingles[i]!, sampleShingles[j]!) >= THRESHOLD) bruteTruth.add(`${i},${j}`);
  const bruteSeconds = seconds(t0);
  t0 = process.hrtime.bigint();
  const sampleResult = nearDuplicates(
    sample.map((d) => texts[d]!),
    { threshold: THRESHOLD, shingleSize: SHINGLE },
  );
  const sampleEngineSeconds = seconds(t0);
  const sampleCluster = clusterIndex(sampleResult);
  let sampleFound = 0;
  for (const key of bruteTruth) {
    const [i, j] = key.split(',').map(Number) as [number, number];
    if (sampleCluster[i] !== -1 && sampleCluster[i] === sampleCluster[j]) sampleFound++;
  }
  const pairsInSample = (sample.length * (sample.length - 1)) / 2;
  const bruteExtrapolated = bruteSeconds * ((texts.length * (texts.length - 1)) / 2 / pairsInSample);
  process.stderr.write(
    `brute force: ${fmt(pairsInSample / bruteSeconds)} pairs/s on ${fmt(sample.length)} docs; engine recall there ${(sampleFound / bruteTruth.size).toFixed(4)}\n`,
  );

  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const plan = result.plan;
  const below = planted.length - truth.length;
  const mean = lengths.reduce((s, l) => s + l, 0) / lengths.length;
  const hours = bruteExtrapolated / 3600;
  const text = [
    '## dedup',
    '',
    `Run ${new Date().toISOString()} by \`npx tsx bench/dedup/dedup.bench.ts\`: ${os.availableParallelism()} cores (${cpu}), ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}. ` +
      `${fmt(texts.length)} distinct short Korean texts (${lengths[0]}–${lengths[lengths.length - 1]} characters, mean ${mean.toFixed(0)}) ` +
      `from NSMC reviews and data.go.kr catalog titles and descriptions; ${fmt(planted.length)} planted edited copies, ` +
      `${fmt(truth.length)} of them with exact Jaccard ≥ ${THRESHOLD} on ${SHINGLE}-character shingles (the truth set; ${fmt(below)} fell below and are not counted).`,
    '',
    '| pass | docs/s | time | recall (truth ≥ 0.8) | precision | notes |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    `| MinHash + LSH (\`nearDuplicates\`) | ${fmt(texts.length / engineSeconds)} | ${engineSeconds.toFixed(1)} s | ${(found / truth.length).toFixed(4)} | ${(confirmed / result.pairs.length).toFixed(4)} | ${plan.permutations} permutations, ${plan.bands} bands × ${plan.rows} rows, ${fmt(result.candidates)} candidates checked, ${fmt(result.pairs.length)} pairs in ${fmt(result.clusters.length)} clusters; RSS +${fmt((rssAfter - rssBefore) / 2 ** 20)} MB |`,
    `| exact-duplicate hashing (peer: the limit) | ${fmt(texts.length / exactSeconds)} | ${exactSeconds.toFixed(1)} s | — | — | finds only identical normalised texts (${exactDuplicates} here) |`,
    `| brute-force exact Jaccard, ${fmt(sample.length)}-doc sample (peer: the reference) | ${fmt(sample.length / bruteSeconds)} | ${bruteSeconds.toFixed(1)} s | 1 | 1 | ${fmt(pairsInSample / bruteSeconds)} pairs/s; the whole corpus would take ≈ ${hours >= 1 ? `${hours.toFixed(0)} h` : `${(bruteExtrapolated / 60).toFixed(1)} min`} |`,
    `| MinHash + LSH on the same sample | ${fmt(sample.length / sampleEngineSeconds)} | ${sampleEngineSeconds.toFixed(2)} s | ${(sampleFound / bruteTruth.size).toFixed(4)} of all ${fmt(bruteTruth.size)} brute-force pairs | 1 by construction | recall against every pair ≥ 0.8 in the sample, planted or not |`,
    '',
    `- Recall: truth pairs whose two texts share a reported cluster (${fmt(found)} of ${fmt(truth.length)}); as direct pairs ${fmt(foundDirect)}. Targets: recall ≥ 0.9, precision ≥ 0.9.`,
    `- Precision: reported pairs whose Jaccard recomputed from plain string sets is ≥ ${THRESHOLD} (${fmt(confirmed)} of ${fmt(result.pairs.length)}). ` +
      `${fmt(reportedPlanted)} of the reported pairs are planted; the others are near-duplicates the mixed corpus has by itself.`,
    `- docs/s counts everything from the raw string: NFC, lower case, spacing, shingle hashing, ${plan.permutations} MinHash values, band keys, bucket look-ups, exact-Jaccard checks and union-find, single-threaded.`,
    `- LSH plan from \`chooseBands\`: P(candidate) = 1 − (1 − s^${plan.rows})^${plan.bands}, ${(1 - Math.pow(1 - Math.pow(THRESHOLD, plan.rows), plan.bands)).toFixed(3)} at s = ${THRESHOLD}.`,
  ].join('\n');
  process.stdout.write(`${text}\n`);
  if (WRITE) {
    writeResultsSection('dedup', text);
    process.stderr.write('written to bench/RESULTS.md\n');
  } else process.stderr.write('not written to bench/RESULTS.md (smaller run; BENCH_DEDUP_WRITE=1 to write)\n');
}

main();
