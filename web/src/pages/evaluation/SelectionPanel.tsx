// 선정 Selection: the constraints (how many, the budget, per-domain minimums and maximums, a cap per
// agency, per-modality minimums, entries that must or must not be chosen), the run (an exact
// optimum by HiGHS), and its report — status, objective, cost against the budget, the greedy
// ranking's objective and gap, every entry with its score breakdown, marginal value, binding
// constraint and reason, the sensitivity to each weight, the CSV and XLSX downloads, and a rerun
// from the stored inputs that says whether it came out identical. When no selection satisfies
// the constraints, the clashing ones are named in words.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ErrorBox, formatDateTime, formatNumber, Loading } from '../census/common';
import {
  criterionLabel,
  formatKrw,
  formatScore,
  groupDigits,
  parseAmount,
  ProblemList,
  SelectionStatusBadge,
  useCensusLabels,
  useMessages,
} from './common';
import { fmt, pick, type Messages } from './strings';
import {
  candidatesQuery,
  evaluationKeys,
  reportUrl,
  rerunSelection,
  rubricQuery,
  runSelection,
  selectionQuery,
  selectionsQuery,
  type Candidate,
  type Round,
  type Rubric,
  type SelectionConstraints,
} from './evaluationApi';

interface GroupRow {
  value: string;
  n: string;
}

type Pin = 'auto' | 'include' | 'exclude';

/** 'domainMin:vision' → "분야 최소 (영상이미지)"; several, comma-separated, each in words. */
export function bindingWords(
  m: Messages,
  binding: string | null,
  labels: { domain: (c: string | null) => string; modality: (c: string | null) => string },
) {
  if (!binding) return '—';
  return binding
    .split(/[,;]\s*/)
    .filter(Boolean)
    .map((part) => {
      const [kind, value] = part.split(':');
      const shown = kind?.startsWith('domain')
        ? labels.domain(value ?? null)
        : kind?.startsWith('modality')
          ? labels.modality(value ?? null)
          : value;
      const word = pick(m.selection.binding, kind, kind ?? part);
      return shown ? `${word} (${shown})` : word;
    })
    .join(', ');
}

function GroupRows({
  legend,
  rows,
  setRows,
  options,
  idPrefix,
}: {
  legend: string;
  rows: GroupRow[];
  setRows: (rows: GroupRow[]) => void;
  options: Array<{ value: string; label: string }>;
  idPrefix: string;
}) {
  const m = useMessages();
  return (
    <fieldset className="form-group dd-ev-group" data-group={idPrefix}>
      <legend className="form-tit dd-legend">{legend}</legend>
      {rows.map((row, i) => (
        <div className="dd-ev-inline" key={i}>
          <div>
            <label htmlFor={`${idPrefix}-${i}-value`}>{m.selection.group}</label>
            <select
              id={`${idPrefix}-${i}-value`}
              className="krds-form-select"
              value={row.value}
              onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))}
            >
              {options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={`${idPrefix}-${i}-n`}>{m.selection.groupCount}</label>
            <input
              id={`${idPrefix}-${i}-n`}
              className="krds-input"
              type="number"
              min={0}
              value={row.n}
              onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, n: e.target.value } : r)))}
            />
          </div>
          <button type="button" className="krds-btn small text" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
            {m.selection.removeRule}
          </button>
        </div>
      ))}
      {options.length > 0 && (
        <button
          type="button"
          className="krds-btn xsmall secondary"
          onClick={() => setRows([...rows, { value: options[0]!.value, n: '1' }])}
        >
          {m.selection.addRule}
        </button>
      )}
    </fieldset>
  );
}

const toRecord = (rows: GroupRow[]) => {
  const out: Record<string, number> = {};
  for (const r of rows) if (r.value && r.n !== '' && Number.isInteger(Number(r.n))) out[r.value] = Number(r.n);
  return Object.keys(out).length > 0 ? out : undefined;
};

export function SelectionPanel({ round, canEdit }: { round: Round; canEdit: boolean }) {
  const m = useMessages();
  const queryClient = useQueryClient();
  const candidates = useQuery(candidatesQuery(round.id));
  const selections = useQuery(selectionsQuery(round.id));
  const labels = useCensusLabels();
  const [countMode, setCountMode] = useState<'exact' | 'max' | 'none'>('exact');
  const [countN, setCountN] = useState(String(round.targetCount));
  const [budget, setBudget] = useState(round.budget.toLocaleString('en-US'));
  const [agencyMax, setAgencyMax] = useState('');
  const [domainMin, setDomainMin] = useState<GroupRow[]>([]);
  const [domainMax, setDomainMax] = useState<GroupRow[]>([]);
  const [modalityMin, setModalityMin] = useState<GroupRow[]>([]);
  const [pins, setPins] = useState<Record<string, Pin>>({});
  const [shown, setShown] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const reportRef = useRef<HTMLDivElement>(null);

  // The newest run is shown until another is picked.
  const latest = selections.data?.[0]?.id ?? null;
  const current = shown ?? latest;

  const run = useMutation({
    mutationFn: (body: SelectionConstraints) => runSelection(round.id, body),
    onSuccess: async (selection) => {
      queryClient.setQueryData(evaluationKeys.selection(selection.id), selection);
      setShown(selection.id);
      await queryClient.invalidateQueries({ queryKey: evaluationKeys.selections(round.id) });
    },
  });
  useEffect(() => {
    if (run.isSuccess) reportRef.current?.focus();
  }, [run.isSuccess, run.data]);

  const list: Candidate[] = candidates.data ?? [];
  const domains = [...new Set(list.map((c) => c.domain).filter((d): d is string => !!d))].map((d) => ({
    value: d,
    label: labels.domain(d),
  }));
  const modalities = [...new Set(list.map((c) => c.modality).filter((d): d is string => !!d))].map((m) => ({
    value: m,
    label: labels.modality(m),
  }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const n = Number(countN);
    if (countMode !== 'none' && (!Number.isInteger(n) || n < 0)) return setFormError(m.selection.countInvalid);
    const amount = parseAmount(budget);
    if (budget.trim() !== '' && amount === null) return setFormError(m.home.budgetInvalid);
    setFormError(null);
    const mustInclude = Object.entries(pins)
      .filter(([, p]) => p === 'include')
      .map(([id]) => id);
    const mustExclude = Object.entries(pins)
      .filter(([, p]) => p === 'exclude')
      .map(([id]) => id);
    const body: SelectionConstraints = {
      ...(countMode === 'exact' ? { count: { exact: n } } : countMode === 'max' ? { count: { max: n } } : {}),
      ...(amount !== null ? { budget: amount } : {}),
      ...(toRecord(domainMin) ? { domainMin: toRecord(domainMin) } : {}),
      ...(toRecord(domainMax) ? { domainMax: toRecord(domainMax) } : {}),
      ...(agencyMax !== '' && Number.isInteger(Number(agencyMax)) ? { agencyMax: Number(agencyMax) } : {}),
      ...(toRecord(modalityMin) ? { modalityMin: toRecord(modalityMin) } : {}),
      ...(mustInclude.length > 0 ? { mustInclude } : {}),
      ...(mustExclude.length > 0 ? { mustExclude } : {}),
    };
    run.mutate(body);
  }

  return (
    <div className="dd-ev-selection">
      <h2 className="dd-panel-subtitle dd-first">{m.tabs.selection}</h2>
      <p className="dd-body">{m.selection.lead}</p>

      {canEdit && (
        <form onSubmit={onSubmit} noValidate aria-labelledby="ev-constraints-title" className="dd-ev-form">
          <h3 id="ev-constraints-title" className="dd-panel-subtitle">
            {m.selection.constraints}
          </h3>
          <div className="dd-ev-grid">
            <fieldset className="form-group">
              <legend className="form-tit dd-legend">{m.selection.count}</legend>
              <div className="krds-check-area">
                {(['exact', 'max', 'none'] as const).map((mode) => (
                  <div className="krds-form-check" key={mode}>
                    <input
                      type="radio"
                      name="ev-count-mode"
                      id={`ev-count-${mode}`}
                      checked={countMode === mode}
                      onChange={() => setCountMode(mode)}
                    />
                    <label htmlFor={`ev-count-${mode}`}>{m.selection.countModes[mode]}</label>
                  </div>
                ))}
              </div>
              {countMode !== 'none' && (
                <>
                  <label htmlFor="ev-count-n" className="sr-only">
                    {m.selection.countN}
                  </label>
                  <input
                    id="ev-count-n"
                    className="krds-input"
                    type="number"
                    min={0}
                    value={countN}
                    onChange={(e) => setCountN(e.target.value)}
                    aria-label={m.selection.countN}
                  />
                </>
              )}
            </fieldset>
            <div>
              <label htmlFor="ev-sel-budget">{m.home.budgetKrw}</label>
              <input
                id="ev-sel-budget"
                className="krds-input dd-ev-cost-input"
                inputMode="numeric"
                value={budget}
                onChange={(e) => setBudget(e.target.value)}
                onBlur={() => setBudget(groupDigits(budget))}
                aria-describedby="ev-sel-budget-hint"
              />
              <p className="form-hint" id="ev-sel-budget-hint">
                {formatKrw(parseAmount(budget))}
              </p>
            </div>
            <div>
              <label htmlFor="ev-agency-max">{m.selection.agencyMax}</label>
              <input
                id="ev-agency-max"
                className="krds-input"
                type="number"
                min={1}
                value={agencyMax}
                onChange={(e) => setAgencyMax(e.target.value)}
                aria-describedby="ev-agency-max-hint"
              />
              <p className="form-hint" id="ev-agency-max-hint">
                {m.selection.agencyMaxHint}
              </p>
            </div>
          </div>
          <GroupRows legend={m.selection.domainMin} rows={domainMin} setRows={setDomainMin} options={domains} idPrefix="ev-dmin" />
          <GroupRows legend={m.selection.domainMax} rows={domainMax} setRows={setDomainMax} options={domains} idPrefix="ev-dmax" />
          <GroupRows legend={m.selection.modalityMin} rows={modalityMin} setRows={setModalityMin} options={modalities} idPrefix="ev-mmin" />
          {list.length > 0 && (
            <details className="dd-ev-pins">
              <summary>
                {fmt(m.selection.pins, {
                  include: Object.values(pins).filter((p) => p === 'include').length,
                  exclude: Object.values(pins).filter((p) => p === 'exclude').length,
                })}
              </summary>
              <div className="krds-table-wrap">
                <table className="tbl col data dd-table">
                  <caption className="sr-only">{m.selection.pinsCaption}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{m.candidates.title}</th>
                      <th scope="col">{m.candidates.agency}</th>
                      <th scope="col">{m.selection.pin}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((c) => (
                      <tr key={c.entryId}>
                        <th scope="row">{c.title}</th>
                        <td>{c.agency}</td>
                        <td>
                          <select
                            className="krds-form-select small"
                            aria-label={fmt(m.selection.pinOf, { title: c.title })}
                            value={pins[c.entryId] ?? 'auto'}
                            onChange={(e) => setPins({ ...pins, [c.entryId]: e.target.value as Pin })}
                          >
                            {(['auto', 'include', 'exclude'] as const).map((p) => (
                              <option key={p} value={p}>
                                {m.selection.pinValues[p]}
                              </option>
                            ))}
                          </select>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          )}
          {formError && (
            <p className="form-hint-invalid" role="alert">
              {formError}
            </p>
          )}
          {run.isError && (
            <ErrorBox error={run.error}>
              <ProblemList error={run.error} />
            </ErrorBox>
          )}
          <button type="submit" className="krds-btn primary" disabled={run.isPending}>
            {run.isPending ? m.selection.running : m.selection.run}
          </button>
        </form>
      )}

      {selections.data && selections.data.length > 1 && (
        <div className="dd-ev-inline">
          <div>
            <label htmlFor="ev-sel-history">{m.selection.history}</label>
            <select id="ev-sel-history" className="krds-form-select" value={current ?? ''} onChange={(e) => setShown(e.target.value)}>
              {selections.data.map((s) => (
                <option key={s.id} value={s.id}>
                  {formatDateTime(s.createdAt)} · {m.selection.status[s.status]} · {formatScore(s.objective)}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      <div ref={reportRef} tabIndex={-1} className="dd-ev-report-wrap">
        {selections.isError ? (
          <ErrorBox error={selections.error} />
        ) : current ? (
          <SelectionReport selectionId={current} round={round} onShow={setShown} />
        ) : selections.isPending ? (
          <Loading />
        ) : (
          <p className="dd-muted">{m.selection.none}</p>
        )}
      </div>
    </div>
  );
}

function SelectionReport({ selectionId, round, onShow }: { selectionId: string; round: Round; onShow: (id: string) => void }) {
  const m = useMessages();
  const queryClient = useQueryClient();
  const selection = useQuery(selectionQuery(selectionId));
  const rubric = useQuery(rubricQuery(round.id)).data;
  const labels = useCensusLabels();
  const rerun = useMutation({
    mutationFn: () => rerunSelection(selectionId),
    onSuccess: async (result) => {
      queryClient.setQueryData(evaluationKeys.selection(result.selection.id), result.selection);
      await queryClient.invalidateQueries({ queryKey: evaluationKeys.selections(round.id) });
    },
  });
  if (selection.isPending) return <Loading />;
  if (selection.isError) return <ErrorBox error={selection.error} />;
  const s = selection.data;
  const rubricOf: Rubric | undefined = rubric?.versions.find((v) => v.version === s.rubricVersion) ?? rubric?.current ?? undefined;
  const criterionName = (key: string) => {
    const c = rubricOf?.criteria.find((x) => x.key === key);
    if (c) return criterionLabel(c).main;
    return pick(m.criteria, key, key);
  };
  const budget = s.constraints?.budget ?? round.budget;
  const titleOf = (id: string) => s.entries.find((e) => e.entryId === id)?.title ?? id;
  const entries = [...s.entries].sort((a, b) => Number(b.selected) - Number(a.selected) || b.score - a.score);
  const breakdownKeys = [...new Set(s.entries.flatMap((e) => Object.keys(e.breakdown)))];
  const greedyCount = s.greedy.selected.length;

  return (
    <section className="dd-panel dd-ev-report" aria-labelledby="ev-report-title" data-selection={s.id}>
      <h3 id="ev-report-title" className="dd-panel-subtitle dd-first">
        {m.selection.report} <SelectionStatusBadge status={s.status} />
      </h3>
      <p className="dd-muted">
        {formatDateTime(s.createdAt)} · {fmt(m.rubric.version, { version: s.rubricVersion })} · <code>{s.inputsHash.slice(0, 16)}…</code>
      </p>
      {s.status === 'infeasible' && (
        <div className="dd-alert" role="alert" data-conflict>
          <p>{m.selection.infeasible}</p>
          {s.conflict && s.conflict.length > 0 && (
            <ul className="dd-problems">
              {s.conflict.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          )}
          <p className="dd-alert-detail">{m.selection.infeasibleHint}</p>
        </div>
      )}
      {s.status === 'time_limit' && <p className="dd-callout">{m.selection.timeLimit}</p>}
      {s.status !== 'infeasible' && (
        <dl className="dd-facts">
          <div>
            <dt>{m.selection.objective}</dt>
            <dd data-objective={s.objective ?? ''}>{formatScore(s.objective)}</dd>
          </div>
          <div>
            <dt>{m.selection.selectedCount}</dt>
            <dd data-selected-count={s.selected.length}>{formatNumber(s.selected.length)}</dd>
          </div>
          <div>
            <dt>{m.selection.cost}</dt>
            <dd data-cost={s.cost}>
              {formatKrw(s.cost)} / {formatKrw(budget)} <meter min={0} max={budget} value={s.cost} aria-label={m.selection.costOfBudget} />{' '}
              {budget > 0 ? `${formatScore((s.cost / budget) * 100, 1)}%` : ''}
            </dd>
          </div>
          <div>
            <dt>{m.selection.greedy}</dt>
            <dd data-greedy-gap={s.greedy.gapPercent ?? ''}>
              {fmt(m.selection.greedyValue, {
                objective: formatScore(s.greedy.objective),
                count: greedyCount,
                gap: s.greedy.gapPercent === null ? '—' : `${formatScore(s.greedy.gapPercent, 2)}%`,
              })}
            </dd>
          </div>
        </dl>
      )}
      <p className="dd-ev-downloads">
        <a className="krds-btn secondary small" href={reportUrl(s.id, 'csv')} download data-report="csv">
          {m.selection.downloadCsv}
        </a>{' '}
        <a className="krds-btn secondary small" href={reportUrl(s.id, 'xlsx')} download data-report="xlsx">
          {m.selection.downloadXlsx}
        </a>{' '}
        <button type="button" className="krds-btn tertiary small" disabled={rerun.isPending} onClick={() => rerun.mutate()}>
          {m.selection.rerun}
        </button>
      </p>
      {rerun.isError && <ErrorBox error={rerun.error} />}
      {rerun.isSuccess && (
        <div
          className={`dd-callout ${rerun.data.identical ? 'dd-callout-success' : 'dd-callout-danger'}`}
          role="status"
          data-rerun-identical={String(rerun.data.identical)}
        >
          <p>{rerun.data.identical ? m.selection.identical : m.selection.different}</p>
          {rerun.data.selection.id !== s.id && (
            <button type="button" className="krds-btn xsmall secondary" onClick={() => onShow(rerun.data.selection.id)}>
              {m.selection.showRerun}
            </button>
          )}
        </div>
      )}

      <h4 className="dd-panel-subtitle">{fmt(m.selection.entries, { selected: s.selected.length, total: s.entries.length })}</h4>
      <div className="krds-table-wrap">
        <table className="tbl col data dd-table dd-ev-entries">
          <caption className="sr-only">{m.selection.entriesCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{m.selection.selected}</th>
              <th scope="col">{m.candidates.title}</th>
              <th scope="col">{m.candidates.cost}</th>
              <th scope="col">{m.candidates.score}</th>
              <th scope="col">{m.selection.breakdown}</th>
              <th scope="col">{m.selection.marginal}</th>
              <th scope="col">{m.selection.bindingTitle}</th>
              <th scope="col">{m.selection.reason}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr
                key={e.entryId}
                data-entry={e.entryId}
                data-selected={String(e.selected)}
                className={e.selected ? 'dd-ev-row-selected' : undefined}
              >
                <td>
                  {e.selected ? (
                    <span className="krds-badge bg-light-success">{m.selection.in}</span>
                  ) : (
                    <span className="krds-badge bg-light-gray">{m.selection.out}</span>
                  )}
                </td>
                <th scope="row" className="dd-ev-col-title">
                  {e.title}
                  <span className="dd-ev-sub">
                    {e.agency} · {labels.domain(e.domain)} · {labels.modality(e.modality)}
                  </span>
                </th>
                <td className="dd-ev-num">{formatKrw(e.cost)}</td>
                <td className="dd-ev-num">
                  <strong>{formatScore(e.score)}</strong>
                </td>
                <td>
                  <ul className="dd-plain-list dd-ev-breakdown">
                    {breakdownKeys
                      .filter((k) => e.breakdown[k] !== undefined)
                      .map((k) => (
                        <li key={k}>
                          {criterionName(k)} {formatScore(e.breakdown[k])}
                        </li>
                      ))}
                  </ul>
                </td>
                <td className="dd-ev-num">
                  {e.marginalValue === null ? '—' : formatScore(e.marginalValue)}
                  {e.marginalKind && <span className="dd-muted"> {m.selection.marginalKind[e.marginalKind]}</span>}
                </td>
                <td>{bindingWords(m, e.binding, labels)}</td>
                <td className="dd-ev-col-reason">{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {s.sensitivity.length > 0 && (
        <>
          <h4 className="dd-panel-subtitle">{m.selection.sensitivity}</h4>
          <p className="dd-muted">{m.selection.sensitivityLead}</p>
          <div className="krds-table-wrap">
            <table className="tbl col data dd-table dd-ev-sensitivity">
              <caption className="sr-only">{m.selection.sensitivity}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.rubric.criterion}</th>
                  <th scope="col">{m.selection.change}</th>
                  <th scope="col">{m.selection.objective}</th>
                  <th scope="col">{m.selection.entering}</th>
                  <th scope="col">{m.selection.leaving}</th>
                </tr>
              </thead>
              <tbody>
                {s.sensitivity.map((move) => (
                  <tr key={`${move.criterion}${move.change}`} data-sensitivity={`${move.criterion}${move.change}`}>
                    <th scope="row">{criterionName(move.criterion)}</th>
                    <td>{move.change}</td>
                    <td className="dd-ev-num">{formatScore(move.objective)}</td>
                    <td>{move.entering.length === 0 ? m.selection.noChange : move.entering.map(titleOf).join(', ')}</td>
                    <td>{move.leaving.length === 0 ? m.selection.noChange : move.leaving.map(titleOf).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
