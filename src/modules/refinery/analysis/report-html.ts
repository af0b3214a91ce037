/**
 * The quality report of a version as one standalone HTML file: inline CSS and inline SVG charts,
 * no scripts and nothing fetched from anywhere, Korean labels with English beside them. Every value
 * that comes from the data (column names, values, file names, titles) is escaped, so a column named
 * `<script>` is shown, never run. Pure: a function of the reports.
 */
import type { ColumnProfile, FileProfile, ProfileReport } from '../profile/index.js';
import type { QualityReport } from './engine.js';

export interface ReportHtmlInput {
  dataset: { title: string };
  version: { number: number; id: string; manifestSha256: string | null; createdAt: string };
  profile: ProfileReport | null;
  quality: QualityReport | null;
  inspection: {
    status: string;
    aql: number;
    lotSize: number;
    plan: { sampleSize: number; acceptance: number; rejection: number };
    passed: number;
    failed: number;
    result: {
      lotAccepted: boolean;
      accuracy: number;
      wilson: { lower: number; upper: number };
      clopperPearson: { lower: number; upper: number };
    } | null;
  } | null;
  generatedAt: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in HTML content and quoted attributes. @example escapeHtml('<b>') // '&lt;b&gt;' */
export function escapeHtml(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(2)}%`);
const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toLocaleString('en-US'));
/** Korean label with the English one beside it. */
const both = (ko: string, en: string) => `${escapeHtml(ko)} <span class="en" lang="en">${escapeHtml(en)}</span>`;

/** A horizontal bar chart as inline SVG. */
function barChart(
  title: string,
  bars: Array<{ label: string; value: number }>,
  options: { max?: number; format?: (v: number) => string } = {},
): string {
  if (bars.length === 0) return '';
  const width = 560;
  const labelWidth = 180;
  const rowHeight = 20;
  const height = bars.length * rowHeight + 8;
  const max = options.max ?? Math.max(1, ...bars.map((b) => b.value));
  const format = options.format ?? ((v: number) => v.toLocaleString('en-US'));
  const rows = bars
    .map((bar, i) => {
      const y = i * rowHeight + 4;
      const w = Math.max(0, ((width - labelWidth - 70) * bar.value) / max);
      const label = bar.label.length > 28 ? `${bar.label.slice(0, 27)}…` : bar.label;
      return (
        `<text x="${labelWidth - 6}" y="${y + 13}" text-anchor="end">${escapeHtml(label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowHeight - 6}" fill="#256ef4"><title>${escapeHtml(bar.label)}: ${escapeHtml(format(bar.value))}</title></rect>` +
        `<text x="${(labelWidth + w + 4).toFixed(1)}" y="${y + 13}">${escapeHtml(format(bar.value))}</text>`
      );
    })
    .join('');
  return `<svg role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg" font-size="11" font-family="sans-serif">${rows}</svg>`;
}

function histogram(column: ColumnProfile): string {
  const h = column.stats.histogram;
  if (h.kind === 'bins') {
    return barChart(
      `${column.name} histogram`,
      h.bins.map((b) => ({ label: `${formatBound(b.from)} – ${formatBound(b.to)}`, value: b.count })),
    );
  }
  return barChart(
    `${column.name} top values`,
    h.values.map((v) => ({ label: v.value, value: v.count })),
  );
}

const formatBound = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(4));

function fileSection(file: FileProfile): string {
  const head = `<h3>${escapeHtml(file.path)}</h3>
<p class="facts">${both('형식', 'format')}: ${escapeHtml(file.format)} · ${both('인코딩', 'encoding')}: ${escapeHtml(file.encoding ?? '—')} · ${both('행', 'rows')}: ${num(file.rows)} · ${both('크기', 'bytes')}: ${num(file.bytes)}</p>
${file.error ? `<p class="error">${both('오류', 'error')}: ${escapeHtml(file.error)}</p>` : ''}`;
  if (file.columns.length === 0) return `<section class="file">${head}</section>`;
  const rows = file.columns
    .map(
      (c) =>
        `<tr><th scope="row">${escapeHtml(c.name)}</th><td>${escapeHtml(c.type)}</td><td class="n">${num(c.nulls)}</td><td class="n">${num(c.distinct)}${c.distinctApprox ? '≈' : ''}</td><td>${escapeHtml(c.stats.min ?? '—')}</td><td>${escapeHtml(c.stats.max ?? '—')}</td><td>${c.issues.map(escapeHtml).join(', ')}</td></tr>`,
    )
    .join('\n');
  const nulls = barChart(
    `${file.path}: nulls per column`,
    file.columns.map((c) => ({ label: c.name, value: file.rows ? c.nulls / file.rows : 0 })),
    { max: 1, format: (v) => pct(v) },
  );
  const charts = file.columns
    .map(
      (c) =>
        `<figure><figcaption>${escapeHtml(c.name)} — ${c.stats.histogram.kind === 'bins' ? both('분포', 'histogram') : both('상위 값', 'top values')}</figcaption>${histogram(c)}</figure>`,
    )
    .join('\n');
  return `<section class="file">${head}
<table><caption>${both('열 프로파일', 'Column profile')}</caption>
<thead><tr><th scope="col">${both('열', 'column')}</th><th scope="col">${both('형', 'type')}</th><th scope="col">${both('결측', 'nulls')}</th><th scope="col">${both('고유값', 'distinct')}</th><th scope="col">${both('최솟값', 'min')}</th><th scope="col">${both('최댓값', 'max')}</th><th scope="col">${both('결함', 'defects')}</th></tr></thead>
<tbody>${rows}</tbody></table>
<figure><figcaption>${both('열별 결측 비율', 'Share of nulls per column')}</figcaption>${nulls}</figure>
${charts}
</section>`;
}

const CSS = `body{font-family:"Pretendard GOV","Noto Sans KR",sans-serif;margin:2rem auto;max-width:960px;padding:0 1rem;color:#1e2124;line-height:1.5}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:2px solid #256ef4;padding-bottom:.25rem}h3{margin-top:1.5rem}
.en{color:#58616a;font-size:.85em}.facts{color:#464c53}.error{color:#bd2c0f}
table{border-collapse:collapse;width:100%;margin:.75rem 0;font-size:.9rem}th,td{border:1px solid #cdd1d5;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right}caption{text-align:left;font-weight:bold;padding:.25rem 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:.75rem}
.card{border:1px solid #cdd1d5;border-radius:8px;padding:.75rem}.card .value{font-size:1.6rem;font-weight:bold}
.formula{font-family:monospace;font-size:.85rem;background:#f4f5f6;padding:.25rem .4rem;display:block}
figure{margin:.75rem 0}figcaption{font-size:.9rem;font-weight:bold}code{font-size:.85rem}`;

/** Renders the report. @example renderReportHtml({ dataset: { title: '주차장' }, version, profile, quality: null, inspection: null, generatedAt }) */
export function renderReportHtml(input: ReportHtmlInput): string {
  const { dataset, version, profile, quality, inspection } = input;
  const title = `${dataset.title} v${version.number}`;
  const cards = (quality?.indicators ?? [])
    .map(
      (i) => `<div class="card"><h3>${both(i.name.ko, i.name.en)}</h3><p class="value">${pct(i.value)}</p>
<code class="formula">${escapeHtml(i.formula)}</code>
<table><tbody>${Object.entries(i.inputs)
        .map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(typeof v === 'number' ? num(v) : v)}</td></tr>`)
        .join('')}</tbody></table></div>`,
    )
    .join('\n');
  const defects = (quality?.defects ?? [])
    .map(
      (d) =>
        `<tr><td>${escapeHtml(d.file)}</td><td>${escapeHtml(d.column)}</td><td>${escapeHtml(d.message.ko)} <span class="en" lang="en">${escapeHtml(d.message.en)}</span></td><td class="n">${num(d.count)}</td><td>${d.examples
          .map((e) => `${both('행', 'row')} ${e.row}: <code>${escapeHtml(e.value)}</code>`)
          .join('<br>')}</td></tr>`,
    )
    .join('\n');
  const duplicates = (quality?.duplicates.exact ?? [])
    .map((d) => `<li>${escapeHtml(d.file)}: ${both('행', 'rows')} ${d.rows.join(', ')} (${num(d.count)})</li>`)
    .join('');
  const rules = (quality?.rules ?? [])
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.name ?? `rules[${r.rule}]`)}</td><td>${escapeHtml(r.file)}</td><td>${r.passed ? both('통과', 'pass') : both('위반', 'fail')}</td><td>${escapeHtml(r.message.ko)} <span class="en" lang="en">${escapeHtml(r.message.en)}</span></td></tr>`,
    )
    .join('\n');
  const inspectionHtml = inspection
    ? `<h2>${both('표본 검사', 'Sampling inspection')}</h2>
<p>AQL ${escapeHtml(inspection.aql)} · ${both('로트', 'lot')} ${num(inspection.lotSize)} · n = ${inspection.plan.sampleSize}, Ac = ${inspection.plan.acceptance}, Re = ${inspection.plan.rejection}</p>
<p>${both('합격', 'pass')} ${inspection.passed} · ${both('불합격', 'fail')} ${inspection.failed} · ${
        inspection.result
          ? `${inspection.result.lotAccepted ? both('로트 합격', 'lot accepted') : both('로트 불합격', 'lot rejected')} · ${both('정확도', 'accuracy')} ${pct(inspection.result.accuracy)} (Clopper–Pearson 95%: ${pct(inspection.result.clopperPearson.lower)}–${pct(inspection.result.clopperPearson.upper)}; Wilson: ${pct(inspection.result.wilson.lower)}–${pct(inspection.result.wilson.upper)})`
          : both('진행 중', 'in progress')
      }</p>`
    : '';
  return `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)} — 품질 보고서 Quality report</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(dataset.title)} · v${version.number} — ${both('품질 보고서', 'Quality report')}</h1>
<p class="facts">${both('버전', 'version')} <code>${escapeHtml(version.id)}</code> · ${both('매니페스트', 'manifest')} SHA-256 <code>${escapeHtml(version.manifestSha256 ?? '—')}</code> · ${both('작성', 'generated')} ${escapeHtml(input.generatedAt)}</p>
<h2>${both('품질 지표', 'Quality indicators')}</h2>
${quality ? `<p>${both('레코드', 'records')}: ${num(quality.records)}</p><div class="cards">${cards}</div>` : `<p>${both('품질 측정 전입니다', 'Quality not measured yet')}</p>`}
${quality && quality.warnings.length ? `<h3>${both('측정하지 못한 것', 'Not measured')}</h3><ul>${quality.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : ''}
<h2>${both('결함', 'Defects')}</h2>
${defects ? `<table><thead><tr><th scope="col">${both('파일', 'file')}</th><th scope="col">${both('열', 'column')}</th><th scope="col">${both('결함', 'defect')}</th><th scope="col">${both('건수', 'count')}</th><th scope="col">${both('예시 행', 'example rows')}</th></tr></thead><tbody>${defects}</tbody></table>` : `<p>${both('발견된 결함 없음', 'No defects found')}</p>`}
${duplicates ? `<h3>${both('중복 행', 'Duplicate rows')}</h3><ul>${duplicates}</ul>` : ''}
${rules ? `<h2>${both('규칙', 'Rules')}</h2><table><thead><tr><th scope="col">${both('규칙', 'rule')}</th><th scope="col">${both('파일', 'file')}</th><th scope="col">${both('결과', 'result')}</th><th scope="col">${both('설명', 'detail')}</th></tr></thead><tbody>${rules}</tbody></table>` : ''}
${inspectionHtml}
<h2>${both('파일과 열', 'Files and columns')}</h2>
${(profile?.files ?? []).map(fileSection).join('\n')}
</body>
</html>
`;
}
