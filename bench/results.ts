/** bench/RESULTS.md: one section per benchmark, each replaced when its benchmark runs again. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');

const HEADER = '# Benchmark results\n\nEach section is written by its benchmark under `bench/`; rerun it to replace the section.\n';

/** Replaces the `## name` section (`text` starts with that heading), keeping every other section. */
export function writeResultsSection(name: string, text: string): void {
  let current = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : HEADER;
  const start = current.search(new RegExp(`^## ${name}\\s*$`, 'm'));
  if (start >= 0) {
    const rest = current.slice(start + 1);
    const next = rest.search(/^## /m);
    current = current.slice(0, start) + (next >= 0 ? rest.slice(next) : '');
  }
  writeFileSync(RESULTS_FILE, `${current.trimEnd()}\n\n${text}`);
}
