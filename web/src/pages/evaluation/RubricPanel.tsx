// 평가 기준 Rubric: the criteria (key, Korean and English labels, who scores them) and their
// weights, given directly or derived by AHP from pairwise judgements on Saaty's 1–9 scale (the
// upper triangle is chosen, the reciprocals are shown below it). Saving makes a new version; when
// the judgements are inconsistent (CR ≥ 0.1) the server answers 422 naming the judgements at
// fault, which are highlighted in the matrix with the value it suggests.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { currentLanguage } from '../../i18n';
import { ErrorBox, formatDateTime, Loading } from '../census/common';
import { percent } from '../refinery/common';
import { CriterionName, formatScore, problemsOf, useMessages } from './common';
import { fmt } from './strings';
import {
  AUTO_CRITERIA,
  DEMAND_CRITERION,
  evaluationKeys,
  matrixCell,
  nearestSaaty,
  rubricQuery,
  SAATY_VALUES,
  saatyLabel,
  saveRubric,
  type Criterion,
  type CriterionSource,
  type Round,
  type Rubric,
} from './evaluationApi';

interface Row extends Criterion {
  /** The typed weight (direct method). */
  weight: string;
}

/** A sensible first rubric: two expert criteria, three computed ones, and demand. */
const STARTER: Row[] = [
  { key: 'usefulness', labelKo: '활용 가치', labelEn: 'Usefulness', source: 'expert', weight: '0.25' },
  { key: 'feasibility', labelKo: '구축 용이성', labelEn: 'Feasibility', source: 'expert', weight: '0.15' },
  { key: 'volume', labelKo: '데이터 규모', labelEn: 'Volume', source: 'auto', weight: '0.15' },
  { key: 'readiness', labelKo: '준비도', labelEn: 'Readiness', source: 'auto', weight: '0.1' },
  { key: 'quality', labelKo: '품질', labelEn: 'Quality', source: 'auto', weight: '0.1' },
  { key: DEMAND_CRITERION, labelKo: '민간 수요', labelEn: 'Demand', source: 'demand', weight: '0.25' },
];

const KEY_PATTERN = /^[a-z0-9_]+$/;

/** The source a key implies: the server computes the built-in ones. */
function impliedSource(key: string): CriterionSource | null {
  if ((AUTO_CRITERIA as readonly string[]).includes(key)) return 'auto';
  if (key === DEMAND_CRITERION) return 'demand';
  return null;
}

const pairKey = (a: string, b: string) => `${a}|${b}`;

/** Judgements a_ij of the upper triangle by criterion keys (1 when not given). */
type Judgements = Record<string, number>;

function judgementsFromRubric(rubric: Rubric): Judgements {
  // The saved judgements when the server keeps them; otherwise the consistent ones, w_i / w_j.
  const out: Judgements = {};
  const keys = rubric.criteria.map((c) => c.key);
  for (let i = 0; i < keys.length; i += 1) {
    for (let j = i + 1; j < keys.length; j += 1) {
      const saved = rubric.matrix?.[i]?.[j];
      const wi = rubric.weights[keys[i]!] ?? 0;
      const wj = rubric.weights[keys[j]!] ?? 0;
      out[pairKey(keys[i]!, keys[j]!)] =
        saved !== undefined && saved > 0 ? nearestSaaty(saved) : wi > 0 && wj > 0 ? nearestSaaty(wi / wj) : 1;
    }
  }
  return out;
}

function matrixOf(keys: string[], judgements: Judgements): number[][] {
  return keys.map((a, i) =>
    keys.map((b, j) => {
      if (i === j) return 1;
      if (i < j) return judgements[pairKey(a, b)] ?? 1;
      return 1 / (judgements[pairKey(b, a)] ?? 1);
    }),
  );
}

/** The suggested value in a problem's message ("… suggested 3", "suggest 1/5", "제안 값 2"). */
function suggestionOf(message: string): number | null {
  const m = /(?:suggest\w*|제안\S*)[^\d]*(\d+(?:\.\d+)?)(?:\s*\/\s*(\d+))?/i.exec(message);
  if (!m) return null;
  const value = m[2] ? Number(m[1]) / Number(m[2]) : Number(m[1]);
  return Number.isFinite(value) && value > 0 ? nearestSaaty(value) : null;
}

/** "CR 0.23" or "CR = 0.231" in the server's words. */
function crOf(error: ApiError): string | null {
  const text = `${error.detail ?? ''} ${error.problems.map((p) => p.message).join(' ')}`;
  const m = /CR\s*[=:≈]?\s*(\d+(?:\.\d+)?)/i.exec(text);
  return m ? m[1]! : null;
}

interface Inconsistency {
  a: string;
  b: string;
  message: string;
  suggested: number | null;
}

export function RubricPanel({ round, canEdit }: { round: Round; canEdit: boolean }) {
  const m = useMessages();
  const queryClient = useQueryClient();
  const rubric = useQuery(rubricQuery(round.id));
  const [rows, setRows] = useState<Row[] | null>(null);
  const [method, setMethod] = useState<'direct' | 'ahp'>('direct');
  const [judgements, setJudgements] = useState<Judgements>({});
  const [rowErrors, setRowErrors] = useState<Record<number, string>>({});
  const [inconsistent, setInconsistent] = useState<Inconsistency[]>([]);
  const [crRejected, setCrRejected] = useState<string | null>(null);

  // The form starts from the current version (or the starter set) once it is known.
  const current = rubric.data?.current ?? null;
  useEffect(() => {
    if (rows !== null || rubric.isPending) return;
    if (current) {
      setRows(current.criteria.map((c) => ({ ...c, weight: String(Number((current.weights[c.key] ?? 0).toFixed(4))) })));
      setMethod(current.method);
      if (current.method === 'ahp') setJudgements(judgementsFromRubric(current));
    } else {
      setRows(STARTER);
    }
  }, [rows, current, rubric.isPending]);

  const save = useMutation({
    mutationFn: (body: Parameters<typeof saveRubric>[1]) => saveRubric(round.id, body),
    onMutate: () => {
      setInconsistent([]);
      setCrRejected(null);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: evaluationKeys.rubric(round.id) });
      await queryClient.invalidateQueries({ queryKey: evaluationKeys.round(round.id) });
      await queryClient.invalidateQueries({ queryKey: evaluationKeys.candidates(round.id) });
    },
    onError: (error, body) => {
      if (!(error instanceof ApiError) || error.status !== 422 || body.weighting.method !== 'ahp') return;
      const keys = body.criteria.map((c) => c.key);
      const found: Inconsistency[] = [];
      for (const p of problemsOf(error)) {
        const cell = matrixCell(p.field);
        if (!cell) continue;
        const [i, j] = cell[0] <= cell[1] ? cell : [cell[1], cell[0]];
        const a = keys[i];
        const b = keys[j];
        if (a === undefined || b === undefined || a === b) continue;
        let suggested = suggestionOf(p.message);
        // A suggestion for the lower cell (j over i) is the reciprocal of the upper one.
        if (suggested !== null && cell[0] > cell[1]) suggested = nearestSaaty(1 / suggested);
        found.push({ a, b, message: p.message, suggested });
      }
      setInconsistent(found);
      setCrRejected(crOf(error));
    },
  });

  if (rubric.isPending || rows === null) return <Loading />;
  if (rubric.isError) return <ErrorBox error={rubric.error} />;

  const keys = rows.map((r) => r.key);
  const update = (i: number, patch: Partial<Row>) => setRows(rows.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  const badCell = (a: string, b: string) => inconsistent.find((x) => x.a === a && x.b === b);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!rows) return;
    const errors: Record<number, string> = {};
    rows.forEach((row, i) => {
      if (!KEY_PATTERN.test(row.key)) errors[i] = m.rubric.keyInvalid;
      else if (rows.findIndex((r) => r.key === row.key) !== i) errors[i] = m.rubric.keyDuplicate;
      else if (row.labelKo.trim() === '' || row.labelEn.trim() === '') errors[i] = m.rubric.labelRequired;
      else if (method === 'direct' && !(Number(row.weight) >= 0)) errors[i] = m.rubric.weightInvalid;
    });
    setRowErrors(errors);
    if (Object.keys(errors).length > 0 || rows.length === 0) return;
    const criteria: Criterion[] = rows.map(({ key, labelKo, labelEn, source }) => ({
      key,
      labelKo: labelKo.trim(),
      labelEn: labelEn.trim(),
      source,
    }));
    save.mutate({
      criteria,
      weighting:
        method === 'direct'
          ? { method: 'direct', weights: Object.fromEntries(rows.map((r) => [r.key, Number(r.weight)])) }
          : { method: 'ahp', matrix: matrixOf(keys, judgements) },
    });
  }

  const directTotal = rows.reduce((s, r) => s + (Number(r.weight) || 0), 0);
  const otherErrors = save.isError && inconsistent.length === 0;

  return (
    <div className="dd-ev-rubric">
      <h2 className="dd-panel-subtitle dd-first">{m.tabs.rubric}</h2>
      <p className="dd-body">{m.rubric.lead}</p>
      {current ? <RubricSummary rubric={current} versions={rubric.data.versions} /> : <p className="dd-muted">{m.rubric.none}</p>}

      {canEdit && (
        <form onSubmit={onSubmit} noValidate aria-labelledby="ev-rubric-edit-title" className="dd-ev-form">
          <h3 id="ev-rubric-edit-title" className="dd-panel-subtitle">
            {current ? fmt(m.rubric.editNew, { version: current.version + 1 }) : m.rubric.editFirst}
          </h3>
          <div className="krds-table-wrap">
            <table className="tbl col data dd-table dd-ev-criteria">
              <caption className="sr-only">{m.rubric.criteria}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.rubric.key}</th>
                  <th scope="col">{m.rubric.labelKo}</th>
                  <th scope="col">{m.rubric.labelEn}</th>
                  <th scope="col">{m.rubric.source}</th>
                  {method === 'direct' && <th scope="col">{m.rubric.weight}</th>}
                  <th scope="col">
                    <span className="sr-only">{m.rubric.remove}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row, i) => (
                  <tr key={i} data-criterion-row={row.key}>
                    <td>
                      <input
                        className="krds-input"
                        aria-label={`${m.rubric.key} ${i + 1}`}
                        value={row.key}
                        onChange={(e) => {
                          const key = e.target.value.trim().toLowerCase();
                          update(i, { key, source: impliedSource(key) ?? (impliedSource(row.key) ? 'expert' : row.source) });
                        }}
                        aria-invalid={rowErrors[i] ? true : undefined}
                        aria-describedby={rowErrors[i] ? `ev-crit-error-${i}` : undefined}
                      />
                      {rowErrors[i] && (
                        <p className="form-hint-invalid" id={`ev-crit-error-${i}`}>
                          {rowErrors[i]}
                        </p>
                      )}
                    </td>
                    <td>
                      <input
                        className="krds-input"
                        lang="ko"
                        aria-label={`${m.rubric.labelKo} ${i + 1}`}
                        value={row.labelKo}
                        onChange={(e) => update(i, { labelKo: e.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        className="krds-input"
                        lang="en"
                        aria-label={`${m.rubric.labelEn} ${i + 1}`}
                        value={row.labelEn}
                        onChange={(e) => update(i, { labelEn: e.target.value })}
                      />
                    </td>
                    <td>
                      <select
                        className="krds-form-select"
                        aria-label={`${m.rubric.source} ${i + 1}`}
                        value={row.source}
                        onChange={(e) => update(i, { source: e.target.value as CriterionSource })}
                      >
                        {(['expert', 'auto', 'demand'] as const).map((s) => (
                          <option key={s} value={s}>
                            {m.source[s]}
                          </option>
                        ))}
                      </select>
                    </td>
                    {method === 'direct' && (
                      <td>
                        <input
                          className="krds-input"
                          type="number"
                          min={0}
                          step="any"
                          aria-label={`${m.rubric.weight} ${row.key || i + 1}`}
                          value={row.weight}
                          onChange={(e) => update(i, { weight: e.target.value })}
                        />
                      </td>
                    )}
                    <td>
                      <button
                        type="button"
                        className="krds-btn small text"
                        onClick={() => setRows(rows.filter((_, j) => j !== i))}
                        aria-label={fmt(m.rubric.removeNamed, { key: row.key || i + 1 })}
                      >
                        {m.rubric.remove}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="form-hint">{fmt(m.rubric.sourceHint, { auto: AUTO_CRITERIA.join(', '), demand: DEMAND_CRITERION })}</p>
          <div className="dd-actions">
            <button
              type="button"
              className="krds-btn small secondary"
              onClick={() => setRows([...rows, { key: '', labelKo: '', labelEn: '', source: 'expert', weight: '0' }])}
            >
              {m.rubric.add}
            </button>
          </div>

          <fieldset className="form-group">
            <legend className="form-tit dd-legend">{m.rubric.method}</legend>
            <div className="krds-check-area">
              {(['direct', 'ahp'] as const).map((way) => (
                <div className="krds-form-check" key={way}>
                  <input
                    type="radio"
                    name="ev-method"
                    id={`ev-method-${way}`}
                    value={way}
                    checked={method === way}
                    onChange={() => setMethod(way)}
                  />
                  <label htmlFor={`ev-method-${way}`}>{m.rubric.methods[way]}</label>
                </div>
              ))}
            </div>
          </fieldset>

          {method === 'direct' ? (
            <p className="dd-muted" data-direct-total={directTotal}>
              {fmt(m.rubric.directTotal, { total: formatScore(directTotal, 4) })}
            </p>
          ) : (
            <AhpMatrix
              rows={rows}
              judgements={judgements}
              onChange={(a, b, value) => {
                setJudgements({ ...judgements, [pairKey(a, b)]: value });
                setInconsistent(inconsistent.filter((x) => !(x.a === a && x.b === b)));
              }}
              badCell={badCell}
            />
          )}

          {inconsistent.length > 0 && (
            <div className="dd-alert" role="alert" data-ahp-rejected>
              <p>{crRejected ? fmt(m.rubric.crRejected, { cr: crRejected }) : m.rubric.crRejectedNoValue}</p>
              <ul className="dd-problems">
                {inconsistent.map((x) => {
                  const a = rows.find((r) => r.key === x.a);
                  const b = rows.find((r) => r.key === x.b);
                  const name = (r: Row | undefined, key: string) => (r ? (currentLanguage() === 'ko' ? r.labelKo : r.labelEn) || key : key);
                  return (
                    <li key={pairKey(x.a, x.b)} data-inconsistent={pairKey(x.a, x.b)}>
                      {fmt(m.rubric.inconsistentPair, {
                        a: name(a, x.a),
                        b: name(b, x.b),
                        value: saatyLabel(judgements[pairKey(x.a, x.b)] ?? 1),
                      })}
                      {x.suggested !== null && <> {fmt(m.rubric.suggested, { value: saatyLabel(x.suggested) })}</>}
                      <span className="dd-muted"> — {x.message}</span>{' '}
                      {x.suggested !== null && (
                        <button
                          type="button"
                          className="krds-btn xsmall secondary"
                          onClick={() => {
                            setJudgements({ ...judgements, [pairKey(x.a, x.b)]: x.suggested! });
                            setInconsistent(inconsistent.filter((y) => y !== x));
                          }}
                        >
                          {m.rubric.applySuggestion}
                        </button>
                      )}
                    </li>
                  );
                })}
              </ul>
            </div>
          )}
          {otherErrors && (
            <ErrorBox error={save.error}>
              <ul className="dd-problems">
                {problemsOf(save.error).map((p) => (
                  <li key={`${p.field}:${p.message}`}>
                    <code>{p.field}</code> {p.message}
                  </li>
                ))}
              </ul>
            </ErrorBox>
          )}
          {save.isSuccess && (
            <p className="dd-callout dd-callout-success" role="status" data-rubric-saved={save.data.version}>
              {fmt(m.rubric.saved, { version: save.data.version })}
              {save.data.consistency ? ` · CR ${formatScore(save.data.consistency.cr, 3)}` : ''}
            </p>
          )}
          <button type="submit" className="krds-btn primary" disabled={save.isPending || rows.length === 0}>
            {m.rubric.save}
          </button>
        </form>
      )}
    </div>
  );
}

function AhpMatrix({
  rows,
  judgements,
  onChange,
  badCell,
}: {
  rows: Row[];
  judgements: Judgements;
  onChange: (a: string, b: string, value: number) => void;
  badCell: (a: string, b: string) => Inconsistency | undefined;
}) {
  const m = useMessages();
  const label = (r: Row) => (currentLanguage() === 'ko' ? r.labelKo : r.labelEn) || r.key;
  return (
    <div className="dd-ev-ahp">
      <p className="dd-body">{m.rubric.ahpLead}</p>
      <div className="krds-table-wrap">
        <table className="dd-ev-matrix" data-ahp-matrix>
          <caption className="sr-only">{m.rubric.ahpCaption}</caption>
          <thead>
            <tr>
              <td />
              {rows.map((r) => (
                <th scope="col" key={r.key}>
                  {label(r)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((ri, i) => (
              <tr key={ri.key}>
                <th scope="row">{label(ri)}</th>
                {rows.map((rj, j) => {
                  if (i === j) {
                    return (
                      <td key={rj.key} className="dd-ev-diag">
                        1
                      </td>
                    );
                  }
                  if (i > j) {
                    const bad = badCell(rj.key, ri.key);
                    return (
                      <td key={rj.key} className={`dd-ev-recip${bad ? ' dd-ev-bad' : ''}`} data-cell={`${i}-${j}`}>
                        {saatyLabel(1 / (judgements[pairKey(rj.key, ri.key)] ?? 1))}
                      </td>
                    );
                  }
                  const bad = badCell(ri.key, rj.key);
                  const value = judgements[pairKey(ri.key, rj.key)] ?? 1;
                  return (
                    <td key={rj.key} className={bad ? 'dd-ev-bad' : undefined} data-cell={`${i}-${j}`} data-bad={bad ? 'true' : undefined}>
                      <select
                        className="krds-form-select small"
                        aria-label={fmt(m.rubric.judgement, { a: label(ri), b: label(rj) })}
                        aria-invalid={bad ? true : undefined}
                        value={String(SAATY_VALUES.find((v) => Math.abs(v - value) < 1e-9) ?? nearestSaaty(value))}
                        onChange={(e) => onChange(ri.key, rj.key, Number(e.target.value))}
                      >
                        {SAATY_VALUES.map((v) => (
                          <option key={v} value={String(v)}>
                            {saatyLabel(v)}
                          </option>
                        ))}
                      </select>
                      {bad?.suggested !== undefined && bad.suggested !== null && (
                        <span className="dd-ev-suggest" data-suggested={saatyLabel(bad.suggested)}>
                          {fmt(m.rubric.suggestedShort, { value: saatyLabel(bad.suggested) })}
                        </span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="form-hint">{m.rubric.ahpScale}</p>
    </div>
  );
}

function RubricSummary({ rubric, versions }: { rubric: Rubric; versions: Rubric[] }) {
  const m = useMessages();
  return (
    <div className="dd-ev-rubric-current" data-rubric-version={rubric.version}>
      <p>
        <strong>{fmt(m.rubric.version, { version: rubric.version })}</strong> · {m.rubric.methods[rubric.method]} ·{' '}
        {formatDateTime(rubric.createdAt)}
        {rubric.consistency && (
          <span data-cr={rubric.consistency.cr}>
            {' '}
            ·{' '}
            {fmt(m.rubric.consistency, {
              cr: formatScore(rubric.consistency.cr, 3),
              ci: formatScore(rubric.consistency.ci, 3),
              lambda: formatScore(rubric.consistency.lambdaMax, 3),
            })}
          </span>
        )}
      </p>
      <div className="krds-table-wrap">
        <table className="tbl col data dd-table">
          <caption className="sr-only">{m.rubric.weights}</caption>
          <thead>
            <tr>
              <th scope="col">{m.rubric.criterion}</th>
              <th scope="col">{m.rubric.key}</th>
              <th scope="col">{m.rubric.source}</th>
              <th scope="col">{m.rubric.weight}</th>
            </tr>
          </thead>
          <tbody>
            {rubric.criteria.map((c) => (
              <tr key={c.key} data-weight={c.key}>
                <th scope="row">
                  <CriterionName criterion={c} />
                </th>
                <td>
                  <code>{c.key}</code>
                </td>
                <td>{m.source[c.source]}</td>
                <td className="dd-ev-num">{percent(rubric.weights[c.key] ?? 0, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {versions.length > 1 && (
        <details>
          <summary>{fmt(m.rubric.versions, { count: versions.length })}</summary>
          <ul>
            {versions.map((v) => (
              <li key={v.version}>
                v{v.version} · {m.rubric.methods[v.method]} · {formatDateTime(v.createdAt)} ·{' '}
                {v.criteria.map((c) => `${c.key} ${percent(v.weights[c.key] ?? 0, 1)}`).join(', ')}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
