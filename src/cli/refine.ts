/** `datadam refine apply RECIPE.yaml PATH OUT`: cleaning and standardisation recipes, without a server. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../core/errors.js';
import { applyRecipe, type RecipeRun } from '../modules/refinery/recipe/apply.js';
import { parseRecipe } from '../modules/refinery/recipe/recipe.js';
import type { CensusCommandContext } from './census.js';
import { printResult } from './output.js';
import { createProgress } from './progress.js';

export function registerRefineCommands(
  program: Command,
  { dataCommand, action }: Pick<CensusCommandContext, 'dataCommand' | 'action'>,
): void {
  const refine = program.command('refine').description('clean and standardise files with a recipe (no server needed)');

  dataCommand(refine, 'apply', 'apply a recipe (YAML) to a file or folder and write Parquet/JSONL to OUT/data, with OUT/run.json')
    .argument('<recipe>', 'the recipe file (YAML)')
    .argument('<path>', 'the input: a CSV/TSV/JSONL/Parquet file, or a folder of them')
    .argument('<out>', 'the output folder (must be empty or missing, unless --force)')
    .option('--force', 'write into a folder that is not empty (its data/ and run.json are replaced)')
    .action(
      action(async (recipeFile: string, inputPath: string, out: string, options: { json?: boolean; force?: boolean }) => {
        if (!existsSync(recipeFile)) throw new AppError('bad_request', `No recipe file at ${recipeFile}`);
        if (!existsSync(inputPath)) throw new AppError('bad_request', `No file or folder at ${inputPath}`);
        const recipe = parseRecipe(readFileSync(recipeFile, 'utf8'));
        if (existsSync(out)) {
          if (!statSync(out).isDirectory()) throw new AppError('bad_request', `${out} is a file, not a folder`);
          if (readdirSync(out).length > 0) {
            if (!options.force) throw new AppError('bad_request', `${out} is not empty: choose an empty folder or add --force`);
            // Only what a run writes is removed; anything else the user keeps there stays.
            await rm(path.join(out, 'data'), { recursive: true, force: true });
            await rm(path.join(out, 'run.json'), { force: true });
          }
        }
        const bars = new Map<string, ReturnType<typeof createProgress>>();
        const run = await applyRecipe(recipe, inputPath, out, {
          onProgress: (p) => {
            let bar = bars.get(p.phase);
            if (!bar) bars.set(p.phase, (bar = createProgress(`refine ${p.phase}`, p.total)));
            bar.update(p.done, p.detail);
          },
        });
        for (const bar of bars.values()) bar.finish();
        printResult(options, run, () => humanRun(run, out));
      }),
    );
}

function humanRun(run: RecipeRun, out: string): string {
  const lines = [
    `Refined ${run.rowsIn.toLocaleString('en-US')} rows into ${run.rowsOut.toLocaleString('en-US')} (recipe ${run.recipeHash.slice(0, 12)})`,
    ...run.steps.map((s) => {
      const removed = s.rowsIn - s.rowsOut;
      const notes = [
        removed > 0 ? `${removed} row(s) removed` : '',
        ...Object.entries(s.nulled ?? {}).map(([c, n]) => `${n} ${c} nulled`),
        ...Object.entries(s.precisionLost ?? {}).map(([c, n]) => `${n} ${c} lost precision`),
        ...Object.entries(s.filled ?? {}).map(([c, n]) => `${n} ${c} filled`),
      ].filter(Boolean);
      return `  ${s.at.padEnd(10)} ${s.op.padEnd(15)} ${s.rowsIn} → ${s.rowsOut}${notes.length ? `  (${notes.join(', ')})` : ''}`;
    }),
    ...run.outputs.map((o) => `  ${path.join(out, o.path)}  ${o.rows} rows  sha256 ${o.sha256}`),
    ...run.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join('\n');
}
