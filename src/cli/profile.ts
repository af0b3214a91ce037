/** `datadam profile PATH`: profiles of files and folders, without a server. */
import { existsSync, lstatSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../core/errors.js';
import { profilePath, type FileProfile } from '../modules/refinery/profile/index.js';
import type { CensusCommandContext } from './census.js';
import { printResult } from './output.js';
import { createProgress, type Progress } from './progress.js';

/** The contract fields first, richer sections after (JSON keeps insertion order). */
function forJson(file: FileProfile) {
  const { path, format, encoding, rows, columns, ...rest } = file;
  return {
    path,
    format,
    encoding,
    rows,
    columns: columns.map(({ name, type, nulls, distinct, issues, ...more }) => ({ name, type, nulls, distinct, issues, ...more })),
    ...rest,
  };
}

function human(files: FileProfile[]): string {
  return files
    .map((file) => {
      const lines = [
        `${file.path}`,
        `  format ${file.format} (${file.mediaType}), encoding ${file.encoding ?? '-'}, rows ${file.rows ?? '-'}, ${file.bytes.toLocaleString('en-US')} bytes`,
      ];
      if (file.sheet !== undefined) lines.push(`  sheet ${file.sheet} (1 of ${file.sheets})`);
      if (file.error) lines.push(`  error: ${file.error}`);
      for (const c of file.columns) {
        lines.push(
          `  ${c.name}\t${c.type}\tnulls ${c.nulls}\tdistinct ~${c.distinct}${c.issues.length ? `\tissues: ${c.issues.join(', ')}` : ''}`,
        );
      }
      if (file.text) {
        const t = file.text;
        lines.push(
          `  documents ${t.documents} (empty ${t.emptyDocuments}, duplicates ${t.duplicates}), length ${t.length ? `${t.length.min}–${t.length.max}, median ${t.length.p50}` : '-'}`,
        );
        if (t.issues.length) lines.push(`  issues: ${t.issues.map((i) => `${i.code} (${i.count})`).join(', ')}`);
      }
      if (file.image) lines.push(`  image ${file.image.format} ${file.image.width}×${file.image.height}`);
      if (file.media) {
        lines.push(`  ${file.media.container ?? '?'}${file.media.duration !== null ? `, ${file.media.duration.toFixed(2)} s` : ''}`);
        for (const s of file.media.streams) {
          lines.push(
            `  stream ${s.index}: ${s.kind} ${s.codec ?? '?'}${s.sampleRate ? ` ${s.sampleRate} Hz` : ''}${s.channels ? ` ${s.channels} ch` : ''}${s.width ? ` ${s.width}×${s.height}` : ''}${s.fps ? ` ${s.fps} fps` : ''}`,
          );
        }
      }
      if (file.annotations)
        lines.push(`  records ${file.annotations.records}, valid ${file.annotations.validRecords}, errors ${file.annotations.errorCount}`);
      return lines.join('\n');
    })
    .join('\n\n');
}

export function registerProfileCommands(program: Command, { action }: CensusCommandContext): void {
  program
    .command('profile')
    .description('profile a file or a folder: formats, encodings, rows, columns and their defects (no server needed)')
    .argument('<path>', 'a file or a folder (symbolic links are not followed)')
    .option('--json', 'print one JSON document for machines')
    .action(
      action(async (target: string, options: { json?: boolean }) => {
        if (!existsSync(target) && !isDanglingLink(target)) throw new AppError('not_found', `No such file or folder: ${target}`);
        const folder = lstatSync(target).isDirectory();
        let progress: Progress | undefined;
        const report = await profilePath(target, {
          onProgress: (file, done, total) => {
            if (!folder) return;
            progress ??= createProgress(`profiling ${target}`, total);
            progress.update(done, file);
          },
        });
        progress?.finish(`${report.files.length} files`);
        printResult(options, { files: report.files.map(forJson) }, () =>
          report.files.length ? human(report.files) : `${target}: no files`,
        );
      }),
    );
}

function isDanglingLink(target: string): boolean {
  try {
    return lstatSync(target).isSymbolicLink();
  } catch {
    return false;
  }
}
