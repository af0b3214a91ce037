/**
 * `datadam deid images IN_DIR OUT_DIR [--json]`: finds faces in every image under IN_DIR and writes
 * the image with each face pixelated to the same path under OUT_DIR, in the same format, without
 * metadata. Exit 0 done, 1 when any image could not be read (the others are still written; the
 * report names each failed file), 2 bad usage.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../core/errors.js';
import type { FolderReport } from '../modules/deid/images/deid-images.js';
import type { CensusCommandContext } from './census.js';
import { EXIT_FAILED, printResult } from './output.js';
import { createProgress } from './progress.js';

interface ImagesOptions {
  json?: boolean;
  force?: boolean;
  minConfidence?: string;
  margin?: string;
  tiles?: boolean;
}

function fraction(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new AppError('bad_request', `${flag} must be a number from 0 to 1, not "${value}"`);
  return n;
}

/**
 * Registers `deid images` on the `deid` command.
 *
 * @example registerDeidImages(deidCommand(program), { action })
 */
export function registerDeidImages(deid: Command, { action }: Pick<CensusCommandContext, 'action'>): void {
  deid
    .command('images')
    .description('pixelate the faces in every image (JPEG, PNG, WebP, TIFF) of a folder; writes the same tree to OUT_DIR')
    .argument('<in_dir>', 'the folder of images (searched recursively)')
    .argument('<out_dir>', 'where the de-identified images go (must be empty or missing, unless --force)')
    .option('--min-confidence <0-1>', 'keep face detections scoring at least this; lower finds more faces and more false alarms', '0.3')
    .option('--margin <0-1>', 'grow each face box by this share of its size on every side before pixelating', '0.25')
    .option(
      '--no-tiles',
      'search each image whole only: several times faster on large photos, but misses faces under about 5% of the image width',
    )
    .option('--force', 'write into a folder that is not empty (files of the same name are replaced)')
    .option('--json', 'print one JSON document for machines')
    .action(
      action(async (inDir: string, outDir: string, options: ImagesOptions) => {
        const minConfidence = fraction(options.minConfidence, '--min-confidence', 0.3);
        const margin = fraction(options.margin, '--margin', 0.25);
        if (!existsSync(inDir) || !statSync(inDir).isDirectory()) throw new AppError('bad_request', `No folder at ${inDir}`);
        const from = path.resolve(inDir);
        const to = path.resolve(outDir);
        if (to === from || to.startsWith(`${from}${path.sep}`))
          throw new AppError('bad_request', `${outDir} is inside ${inDir}: choose a folder outside it`);
        if (existsSync(to)) {
          if (!statSync(to).isDirectory()) throw new AppError('bad_request', `${outDir} is a file, not a folder`);
          if (readdirSync(to).length > 0 && !options.force)
            throw new AppError('bad_request', `${outDir} is not empty: choose an empty folder or add --force`);
        }
        // Loaded here, not at the top: TensorFlow.js takes a second to load and no other command needs it.
        const { loadFaceDetector } = await import('../modules/deid/images/face-detector.js');
        const { deidentifyImageFolder } = await import('../modules/deid/images/deid-images.js');
        const { DEFAULT_PIXELATE } = await import('../modules/deid/images/redact.js');
        const detector = await loadFaceDetector();
        const bar = createProgress('deid images');
        const report = await deidentifyImageFolder(from, to, detector, {
          // A tile larger than any image turns the tile passes off.
          detection: options.tiles === false ? { minConfidence, tileSize: Number.MAX_SAFE_INTEGER } : { minConfidence },
          pixelate: { ...DEFAULT_PIXELATE, margin },
          onProgress: (done, _total, file) => bar.update(done, file),
        });
        bar.finish(`${report.images} images, ${report.faces} faces`);
        printResult(options, report, () => human(report, outDir));
        if (report.failed > 0) {
          if (!options.json)
            process.stderr.write(`datadam: ${report.failed} image(s) could not be read and were not written (see above)\n`);
          process.exitCode = EXIT_FAILED;
        }
      }),
    );
}

function human(report: FolderReport, outDir: string): string {
  const lines = report.files.map((f) => {
    switch (f.status) {
      case 'done': {
        const faces = f.faces.map((b) => `    face ${b.score.toFixed(2)} at ${b.x},${b.y} ${b.width}×${b.height}`);
        return [`${f.path}  ${f.format} ${f.width}×${f.height}  ${f.faces.length} face(s) pixelated  ${f.millis} ms`, ...faces].join('\n');
      }
      case 'failed':
        return `${f.path}  FAILED: ${f.error}`;
      case 'skipped':
        return `${f.path}  skipped: ${f.reason}`;
    }
  });
  lines.push(
    `${report.images} image(s), ${report.faces} face(s) pixelated into ${outDir}; ${report.failed} failed, ${report.skipped} skipped; ` +
      `${report.seconds} s (${report.imagesPerSecond} images/s) with ${report.model}`,
  );
  return lines.join('\n');
}
