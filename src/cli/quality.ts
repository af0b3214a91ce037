/** `datadam quality check PATH --rules RULES.yaml`: declared rules on files, without a server or a database. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../core/errors.js';
import { openDuckDb } from '../modules/refinery/duckdb.js';
import {
  RuleFileError,
  parseRuleFile,
  ruleApplies,
  runRules,
  tabularFormat,
  type RuleResult,
  type RuleSet,
} from '../modules/refinery/quality/rules.js';
import type { CensusCommandContext } from './census.js';
import { EXIT_FAILED, printResult } from './output.js';

/** Failing rows shown per rule on a terminal (--json has up to 100). */
const ROWS_SHOWN = 5;

function ruleFileError(error: RuleFileError, rulesPath: string): AppError {
  return new AppError('validation', `${rulesPath}: the rule file is not valid`, {
    problems: error.problems.map((p) => ({ field: p.field, message: p.message })),
  });
}

/** Tabular files under a folder (hidden ones skipped), as paths relative to it, sorted. */
function tabularFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && tabularFormat(entry.name)) found.push(path.relative(root, full));
    }
  };
  walk(root);
  return found.sort();
}

function loadRules(rulesPath: string): RuleSet {
  let text: string;
  try {
    text = readFileSync(rulesPath, 'utf8');
  } catch {
    throw new AppError('bad_request', `--rules: cannot read ${rulesPath}`);
  }
  try {
    return parseRuleFile(text);
  } catch (error) {
    if (error instanceof RuleFileError) throw ruleFileError(error, rulesPath);
    throw error;
  }
}

function human(results: RuleResult[], files: Array<{ file: string; rules: number }>, ok: boolean): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${result.passed ? 'ok  ' : 'FAIL'} rules[${result.rule}] ${result.file}: ${result.message.en} / ${result.message.ko}`);
    for (const failing of result.failingRows.slice(0, ROWS_SHOWN)) {
      const values = Object.entries(failing.values)
        .map(([k, v]) => `${k}=${v === null ? '(empty)' : JSON.stringify(v)}`)
        .join(', ');
      lines.push(`       row ${failing.row}: ${values}`);
    }
    if (result.failed > ROWS_SHOWN && result.failingRows.length > 0) lines.push(`       … ${result.failed - ROWS_SHOWN} more`);
  }
  const failed = results.filter((r) => !r.passed).length;
  lines.push(
    ok
      ? `All ${results.length} rule checks passed on ${files.length} file(s)`
      : `${failed} of ${results.length} rule checks failed on ${files.length} file(s)`,
  );
  return lines.join('\n');
}

export function registerQualityCommands(program: Command, { dataCommand, action }: CensusCommandContext): void {
  const quality = program.command('quality').description('data quality: declared rules and quality indicators on files');

  dataCommand(quality, 'check', 'check CSV (UTF-8), Parquet and JSONL files against a YAML rule file; exit 1 when a rule fails')
    .argument('<path>', 'a file, or a folder whose tabular files are checked (rules may pick files with `file:` globs)')
    .requiredOption('--rules <file>', 'the YAML rule file (docs/quality-indicators.md)')
    .action(
      action(async (target: string, options: { json?: boolean; rules: string }) => {
        const ruleSet = loadRules(options.rules);
        let stat;
        try {
          stat = statSync(target);
        } catch {
          throw new AppError('bad_request', `${target} does not exist`);
        }
        const root = path.resolve(stat.isDirectory() ? target : path.dirname(target));
        const candidates = stat.isDirectory() ? tabularFiles(root) : [path.basename(target)];
        if (!stat.isDirectory() && !tabularFormat(target))
          throw new AppError('bad_request', `${target} is not a CSV, Parquet or JSONL file`);
        const files: Array<{ file: string; rules: number; failed: number }> = [];
        const results: RuleResult[] = [];
        const db = await openDuckDb({ allowedDirectories: [root] });
        try {
          for (const file of candidates) {
            const rules = ruleSet.rules.filter((rule) => ruleApplies(rule, ruleSet.file, file));
            if (rules.length === 0) continue;
            let fileResults: RuleResult[];
            try {
              fileResults = await runRules(db, rules, path.join(root, file), file.split(path.sep).join('/'));
            } catch (error) {
              if (error instanceof RuleFileError) throw ruleFileError(error, options.rules);
              throw error;
            }
            results.push(...fileResults);
            files.push({ file: file.split(path.sep).join('/'), rules: rules.length, failed: fileResults.filter((r) => !r.passed).length });
          }
        } finally {
          db.close();
        }
        if (files.length === 0) throw new AppError('bad_request', `No CSV, Parquet or JSONL file under ${target} matches the rules`);
        const ok = results.every((r) => r.passed);
        printResult(options, { ok, files, rules: results }, () => human(results, files, ok));
        if (!ok) process.exitCode = EXIT_FAILED;
      }),
    );
}
