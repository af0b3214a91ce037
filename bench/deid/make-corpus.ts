/**
 * Writes the labelled corpus to bench/deid/corpus.jsonl (BENCH_DEID_MB megabytes, default 5; seed
 * BENCH_DEID_SEED, default 6) and its first documents, five of each kind, to
 * test/fixtures/deid/corpus-sample.jsonl — the small sample committed for tests.
 *
 *   npx tsx bench/deid/make-corpus.ts
 *
 * Each line: {"id", "kind", "text", "entities": [{"type", "start", "end"}], "negatives": [{"kind", "start", "end"}]},
 * offsets in UTF-16 code units, end exclusive.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './corpus.js';
import { loadPlaces } from './places.js';

export const SAMPLE_DOCUMENTS = 35;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MB = Number(process.env.BENCH_DEID_MB ?? 5);
const SEED = Number(process.env.BENCH_DEID_SEED ?? 6);

const docs = generateCorpus(await loadPlaces(), { seed: SEED, targetBytes: MB * 1e6 });
const lines = docs.map((d) => JSON.stringify(d));
writeFileSync(path.join(HERE, 'corpus.jsonl'), `${lines.join('\n')}\n`);
const sampleFile = path.resolve(HERE, '../../test/fixtures/deid/corpus-sample.jsonl');
mkdirSync(path.dirname(sampleFile), { recursive: true });
writeFileSync(sampleFile, `${lines.slice(0, SAMPLE_DOCUMENTS).join('\n')}\n`);
process.stderr.write(`${docs.length} documents → bench/deid/corpus.jsonl; ${SAMPLE_DOCUMENTS} → test/fixtures/deid/corpus-sample.jsonl\n`);
