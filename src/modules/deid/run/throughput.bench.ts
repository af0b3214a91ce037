/**
 * Throughput of `deidentifyFile` with the real detection engine: the same generated JSONL (a few
 * MB of Korean counselling notes with names, RRNs, phones, emails, addresses) on this thread and
 * on the worker pool. Run: `nice -n 19 node --import tsx src/modules/deid/run/throughput.bench.ts [MB]`.
 */
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parsePolicy } from '../policy.js';
import { deidentifyFile } from './deidentify-file.js';

const megabytes = Number(process.argv[2] ?? 4);
/** `pool` skips the single-thread run (for long memory runs). */
const only = process.argv[3];
const dir = mkdtempSync(path.join(tmpdir(), 'datadam-deid-bench-'));
const SURNAMES = [...'김이박최정강조윤장임'];
const GIVEN = [...'민서지현준우예도하윤주수영은채'];
const FILLER = [
  '상담 내용은 다음과 같습니다.',
  '특이사항 없음.',
  '다음 주에 다시 방문할 예정입니다.',
  '서류 보완을 요청함.',
  '민원 처리 완료.',
];

let seed = 42;
const random = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const pick = <T>(list: readonly T[]) => list[random(list.length)]!;
const digits = (n: number) => Array.from({ length: n }, () => random(10)).join('');

const input = path.join(dir, 'bench.jsonl');
writeFileSync(input, '');
let records = 0;
let chunk: string[] = [];
for (let size = 0; size < megabytes * 1e6;) {
  const name = pick(SURNAMES) + pick(GIVEN) + pick(GIVEN);
  const text = [
    `${name} 님(주민등록번호 ${digits(6)}-${1 + random(2)}${digits(6)})의 상담 기록.`,
    `연락처 010-${digits(4)}-${digits(4)}, 이메일 user${digits(4)}@example.com.`,
    `주소 서울특별시 강남구 테헤란로 ${1 + random(500)}.`,
    pick(FILLER),
    pick(FILLER),
  ].join(' ');
  const line = JSON.stringify({ id: ++records, text });
  chunk.push(`${line}\n`);
  size += Buffer.byteLength(line) + 1;
  // Written as it is made, so the script's own memory does not hide the run's.
  if (chunk.length === 1000) {
    appendFileSync(input, chunk.join(''));
    chunk = [];
  }
}
appendFileSync(input, chunk.join(''));
const policy = parsePolicy(
  'version: 1\ntypes:\n  PERSON: pseudonym\n  PHONE: pseudonym\n  EMAIL: pseudonym\n  KR_RRN: redact\n  ADDRESS: generalize\n',
);
const keys = { hmacSecret: Buffer.from('benchmark secret, not a real one') };

console.log(`${records.toLocaleString('en-US')} records, ${(statSync(input).size / 1e6).toFixed(1)} MB, ${availableParallelism()} cores`);
for (const threads of only === 'pool' ? [availableParallelism()] : [0, availableParallelism()]) {
  // CPU time of the whole process (worker threads included): on a busy machine the wall clock says
  // little about what the run would take on idle cores, the CPU time does.
  const cpuBefore = process.cpuUsage();
  const report = await deidentifyFile(input, path.join(dir, `out-${threads}.jsonl`), policy, { keys, threads });
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const { seconds, recordsPerSecond, megabytesPerSecond } = report.timing;
  console.log(
    `${threads === 0 ? 'single thread' : `pool of ${threads}`}: ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU (${(cpuSeconds / seconds).toFixed(2)} cores busy), ${recordsPerSecond.toLocaleString('en-US')} records/s, ${megabytesPerSecond} MB/s`,
  );
}
// Peak memory of the process: bounded by a few batches per thread, not by the file's size.
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
rmSync(dir, { recursive: true, force: true });
