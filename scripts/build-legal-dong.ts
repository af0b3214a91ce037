/**
 * Regenerates data/legal-dong.csv, the 법정동 codes the de-identification of tables uses to
 * generalise addresses (읍면동 → 시군구 → 시도), from the Ministry of Land's code table kept under
 * test/fixtures (CP949, every row since 1988): only codes still in force, down to 읍면동 (no 리),
 * in UTF-8, so the product reads a small table of its own and never a test fixture.
 * Run: `npx tsx scripts/build-legal-dong.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Cp949Decoder, detectEncoding } from '../src/modules/shared/encoding.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = `${root}test/fixtures/datago-tabular/국토교통부_전국 법정동/국토교통부_전국 법정동.csv`;
const target = `${root}data/legal-dong.csv`;

const bytes = readFileSync(source);
const text = detectEncoding(bytes.subarray(0, 65536)) === 'cp949' ? new Cp949Decoder().decode(bytes) : bytes.toString('utf8');
const [headerLine, ...lines] = text.split(/\r?\n/);
const header = headerLine!.replace(/^\uFEFF/, '').split(',');
const KEEP = ['법정동코드', '시도명', '시군구명', '읍면동명', '리명', '삭제일자'];
const at = KEEP.map((name) => {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`column ${name} missing in ${source}`);
  return i;
});
const [CODE, , , , RI, DELETED] = at as [number, number, number, number, number, number];

const rows = lines
  .map((line) => line.split(','))
  .filter((cells) => /^\d{10}$/.test(cells[CODE] ?? '') && !cells[DELETED] && !cells[RI])
  .map((cells) => at.map((i) => cells[i] ?? '').join(','))
  .sort();
writeFileSync(target, `${KEEP.join(',')}\n${rows.join('\n')}\n`);
console.log(`${target}: ${rows.length} codes`);
