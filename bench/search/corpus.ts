/**
 * The search benchmark's corpus: the real data.go.kr catalog (61,359 rows) and generated variants
 * of it up to a target size, as one CSV in the catalog's own columns, so it goes through the real
 * census import and the real indexer.
 *
 * A variant of a real row keeps its description, category and type (so the vocabulary and its
 * frequencies stay those of the real catalog) but is published by another real agency (its title's
 * `기관명_` prefix changes with it), gets one of a few suffixes portals really use (연도별, 시군구별,
 * a year…), a registration year moved by up to five years and a view count scaled from the original.
 * Every variant has its own 목록키, so the import keeps it as its own entry.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { parse } from 'csv-parse';
import { seededRandom } from '../../src/core/random.js';

const SUFFIXES = ['', ' 연도별 현황', ' 시군구별', ' 월별 통계', ' (2019년)', ' (2021년)', ' 상세', ' 목록', ' 표준데이터', ' 조회 서비스'];

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** Reads the catalog's rows (header first). */
async function readCatalog(source: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const cells of createReadStream(source).pipe(parse({ bom: true, relax_column_count: true })) as AsyncIterable<string[]>) {
    rows.push(cells);
  }
  return rows;
}

/**
 * Writes `total` rows: every real row, then variants of them round by round until the total.
 * Returns the number of real rows.
 */
export async function writeCorpus(source: string, target: string, total: number): Promise<{ real: number; total: number }> {
  const [header, ...rows] = await readCatalog(source);
  if (!header) throw new Error(`${source} is empty`);
  const col = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`${source} has no ${name} column`);
    return index;
  };
  const [KEY, TITLE, VIEWS, AGENCY_CODE, AGENCY, REGISTERED] = ['목록키', '목록명', '조회수', '기관코드', '기관명', '목록.등록일'].map(
    col,
  ) as [number, number, number, number, number, number];
  const agencies = [...new Map(rows.map((r) => [r[AGENCY_CODE]!, r[AGENCY]!]))];
  const next = seededRandom(20261121);
  const out = createWriteStream(target);
  let buffer = '';
  let written = 0;
  const write = async (cells: string[]) => {
    buffer += `${cells.map(csvCell).join(',')}\n`;
    written++;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  };
  buffer = `${header.map(csvCell).join(',')}\n`;
  for (const row of rows) {
    if (written >= total) break;
    await write(row);
  }
  for (let round = 1; written < total; round++) {
    for (const row of rows) {
      if (written >= total) break;
      const cells = [...row];
      const [code, name] = agencies[Math.floor(next() * agencies.length)]!;
      const title = row[TITLE] ?? '';
      const underscore = title.indexOf('_');
      cells[KEY] = `${row[KEY]}-${round}`;
      cells[AGENCY_CODE] = code;
      cells[AGENCY] = name;
      cells[TITLE] = `${name}_${underscore >= 0 ? title.slice(underscore + 1) : title}${SUFFIXES[Math.floor(next() * SUFFIXES.length)]}`;
      cells[VIEWS] = String(Math.round(Number(row[VIEWS] || 0) * next()));
      const registered = /^(\d{4})(-.*)$/.exec(row[REGISTERED] ?? '');
      if (registered) cells[REGISTERED] = `${Number(registered[1]) + Math.floor(next() * 6) - 2}${registered[2]}`;
      await write(cells);
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  return { real: Math.min(rows.length, total), total: written };
}
