/**
 * What changed between two releases of a dataset: files added, removed, renamed and changed (by
 * SHA-256, matched by path), and the schema differences of tabular files (columns added, removed
 * or with another type, from the Parquet schema each release's manifest records). Pure.
 */
import type { ManifestColumn, ReleaseManifest, ReleaseManifestFile } from './hf-layout.js';

export interface FileRef {
  path: string;
  sha256: string;
  size: number;
}

export interface SchemaDiff {
  path: string;
  added: ManifestColumn[];
  removed: ManifestColumn[];
  typeChanged: Array<{ name: string; before: string; after: string }>;
}

export interface ManifestDiff {
  added: FileRef[];
  removed: FileRef[];
  /** The same bytes under another path. */
  renamed: Array<{ from: string; to: string; sha256: string; size: number }>;
  changed: Array<{ path: string; before: FileRef; after: FileRef; records?: { before: number | null; after: number | null } }>;
  /** Files with the same path and bytes. */
  unchanged: number;
  /** Tabular files present in both whose columns differ. */
  schema: SchemaDiff[];
}

export interface DiffOptions {
  /** Paths left out of the comparison (the dataset card, regenerated for every release). */
  ignore?: readonly string[];
}

const refOf = (f: ReleaseManifestFile): FileRef => ({ path: f.path, sha256: f.sha256, size: f.size });
const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Columns added, removed and retyped, in the order of the newer file (added) and the older (removed). */
export function diffColumns(path: string, before: readonly ManifestColumn[], after: readonly ManifestColumn[]): SchemaDiff {
  const old = new Map(before.map((c) => [c.name, c.type]));
  const now = new Map(after.map((c) => [c.name, c.type]));
  return {
    path,
    added: after.filter((c) => !old.has(c.name)).map((c) => ({ name: c.name, type: c.type })),
    removed: before.filter((c) => !now.has(c.name)).map((c) => ({ name: c.name, type: c.type })),
    typeChanged: after
      .filter((c) => old.has(c.name) && old.get(c.name) !== c.type)
      .map((c) => ({ name: c.name, before: old.get(c.name)!, after: c.type })),
  };
}

/**
 * The differences from `previous` to `next`.
 *
 * @example
 * diffManifests(v1, v2, { ignore: ['README.md'] }).changed.map((c) => c.path) // ['data/train-00000-of-00001.parquet']
 */
export function diffManifests(
  previous: Pick<ReleaseManifest, 'files'>,
  next: Pick<ReleaseManifest, 'files'>,
  options: DiffOptions = {},
): ManifestDiff {
  const ignore = new Set(options.ignore ?? []);
  const before = new Map(previous.files.filter((f) => !ignore.has(f.path)).map((f) => [f.path, f]));
  const after = new Map(next.files.filter((f) => !ignore.has(f.path)).map((f) => [f.path, f]));
  let added: ReleaseManifestFile[] = [];
  let removed: ReleaseManifestFile[] = [];
  const changed: ManifestDiff['changed'] = [];
  const schema: SchemaDiff[] = [];
  let unchanged = 0;
  for (const [path, now] of after) {
    const old = before.get(path);
    if (!old) {
      added.push(now);
      continue;
    }
    if (old.sha256 === now.sha256) unchanged++;
    else {
      changed.push({
        path,
        before: refOf(old),
        after: refOf(now),
        ...(old.records !== null || now.records !== null ? { records: { before: old.records, after: now.records } } : {}),
      });
    }
    if (old.columns && now.columns) {
      const diff = diffColumns(path, old.columns, now.columns);
      if (diff.added.length + diff.removed.length + diff.typeChanged.length > 0) schema.push(diff);
    }
  }
  for (const [path, old] of before) if (!after.has(path)) removed.push(old);

  // The same bytes moved: a rename, not a removal and an addition.
  const renamed: ManifestDiff['renamed'] = [];
  const removedBySha = new Map<string, ReleaseManifestFile[]>();
  for (const f of removed) removedBySha.set(f.sha256, [...(removedBySha.get(f.sha256) ?? []), f]);
  const stillAdded: ReleaseManifestFile[] = [];
  for (const f of added.sort(byPath)) {
    const from = removedBySha.get(f.sha256)?.shift();
    if (from) renamed.push({ from: from.path, to: f.path, sha256: f.sha256, size: f.size });
    else stillAdded.push(f);
  }
  const renamedFrom = new Set(renamed.map((r) => r.from));
  added = stillAdded;
  removed = removed.filter((f) => !renamedFrom.has(f.path));

  return {
    added: added.sort(byPath).map(refOf),
    removed: removed.sort(byPath).map(refOf),
    renamed,
    changed: changed.sort(byPath),
    unchanged,
    schema: schema.sort(byPath),
  };
}

/** True when nothing but ignored files differs. */
export function isEmptyDiff(diff: ManifestDiff): boolean {
  return diff.added.length + diff.removed.length + diff.renamed.length + diff.changed.length + diff.schema.length === 0;
}

/**
 * The changelog as Markdown lines, in Korean or English.
 *
 * @example changelogMarkdown(diff, 'en', '1.0.0')[0] // '- Changes since 1.0.0:'
 */
export function changelogMarkdown(diff: ManifestDiff, lang: 'ko' | 'en', previousSemver: string): string[] {
  const ko = lang === 'ko';
  const lines = [ko ? `- ${previousSemver} 대비 변경 사항:` : `- Changes since ${previousSemver}:`];
  if (isEmptyDiff(diff)) lines.push(ko ? '  - 파일 변경 없음' : '  - No file changed');
  for (const f of diff.added) lines.push(`  - ${ko ? '추가' : 'Added'}: \`${f.path}\``);
  for (const f of diff.removed) lines.push(`  - ${ko ? '삭제' : 'Removed'}: \`${f.path}\``);
  for (const f of diff.renamed) lines.push(`  - ${ko ? '이름 변경' : 'Renamed'}: \`${f.from}\` → \`${f.to}\``);
  for (const f of diff.changed) {
    const records = f.records ? ` (${f.records.before ?? '?'} → ${f.records.after ?? '?'} ${ko ? '건' : 'records'})` : '';
    lines.push(`  - ${ko ? '변경' : 'Changed'}: \`${f.path}\`${records}`);
  }
  for (const s of diff.schema) {
    const parts = [
      ...s.added.map((c) => `+${c.name} (${c.type})`),
      ...s.removed.map((c) => `-${c.name} (${c.type})`),
      ...s.typeChanged.map((c) => `${c.name}: ${c.before} → ${c.after}`),
    ];
    lines.push(`  - ${ko ? '스키마' : 'Schema'} \`${s.path}\`: ${parts.join(', ')}`);
  }
  return lines;
}
