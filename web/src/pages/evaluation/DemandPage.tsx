// 수요조사 Demand survey: a company or research institute says which data it needs — an entry of the
// round, when it may see them, or a need in its own words, which the server matches to the
// round's candidates through the data map search — with the intended use, the urgency and what it
// would co-invest; and sees its organisation's statements so far.
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { api } from '../../api';
import { useTitle } from '../../components/useTitle';
import type { EntrySummary } from '../census/censusApi';
import { ErrorBox, formatDateTime, Loading } from '../census/common';
import { EvaluationBreadcrumb, formatKrw, groupDigits, parseAmount, ProblemList, RoundStatusBadge, useMessages } from './common';
import { fmt } from './strings';
import { candidatesQuery, evaluationKeys, myDemandQuery, roundQuery, stateDemand, URGENCIES, type Urgency } from './evaluationApi';

/** Titles of census entries by id (accepted entries are readable by anyone signed in). */
function useEntryTitles(ids: string[]) {
  const results = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['census', 'entry-title', id],
      queryFn: ({ signal }: { signal: AbortSignal }) => api<EntrySummary>(`/api/v1/census/entries/${encodeURIComponent(id)}`, { signal }),
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  return (id: string) => {
    const i = ids.indexOf(id);
    const entry = i >= 0 ? results[i]?.data : undefined;
    return entry ? `${entry.title ?? id} (${entry.orgName})` : id;
  };
}

export function DemandPage() {
  const m = useMessages();
  const { id } = useParams({ from: '/evaluation/rounds/$id/demand' });
  const queryClient = useQueryClient();
  const round = useQuery(roundQuery(id));
  const candidates = useQuery({ ...candidatesQuery(id), retry: false });
  const mine = useQuery(myDemandQuery(id));
  const title = m.demand.title;
  useTitle(round.data ? `${title} — ${round.data.title}` : title);

  const visible = candidates.data ?? [];
  const [mode, setMode] = useState<'entry' | 'need'>('entry');
  const [entryId, setEntryId] = useState('');
  const [need, setNeed] = useState('');
  const [intendedUse, setIntendedUse] = useState('');
  const [urgency, setUrgency] = useState<Urgency>('medium');
  const [coInvest, setCoInvest] = useState('');
  const [errors, setErrors] = useState<{ target?: string; use?: string }>({});
  const effectiveMode = visible.length === 0 ? 'need' : mode;

  const state = useMutation({
    mutationFn: () => {
      const amount = parseAmount(coInvest);
      return stateDemand(id, {
        ...(effectiveMode === 'entry' ? { entryId } : { need: need.trim() }),
        intendedUse: intendedUse.trim(),
        urgency,
        ...(amount !== null ? { coInvestKrw: amount } : {}),
      });
    },
    onSuccess: async () => {
      setNeed('');
      setIntendedUse('');
      setCoInvest('');
      await queryClient.invalidateQueries({ queryKey: evaluationKeys.myDemand(id) });
    },
  });
  const matchTitle = useEntryTitles(state.data?.matchedEntryIds ?? []);
  const titleOf = (entryId: string) => visible.find((c) => c.entryId === entryId)?.title ?? matchTitle(entryId);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: typeof errors = {};
    if (effectiveMode === 'entry' && !entryId) found.target = m.demand.entryRequired;
    if (effectiveMode === 'need' && need.trim() === '') found.target = m.demand.needRequired;
    if (intendedUse.trim() === '') found.use = m.demand.useRequired;
    setErrors(found);
    if (Object.keys(found).length === 0) state.mutate();
  }

  if (round.isPending) return <Loading />;
  if (round.isError) {
    return (
      <div className="inner dd-section">
        <EvaluationBreadcrumb trail={[{ label: title }]} />
        <ErrorBox error={round.error} />
      </div>
    );
  }

  return (
    <div className="inner dd-section">
      <EvaluationBreadcrumb trail={[{ label: round.data.title, to: '/evaluation' }, { label: title }]} />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{title}</h1>
        <RoundStatusBadge status={round.data.status} />
      </div>
      <p className="dd-body">{fmt(m.demand.lead, { round: round.data.title })}</p>

      <section className="dd-panel" aria-labelledby="ev-demand-form-title">
        <h2 id="ev-demand-form-title" className="dd-panel-subtitle dd-first">
          {m.demand.new}
        </h2>
        <form onSubmit={onSubmit} noValidate className="dd-ev-form">
          {visible.length > 0 && (
            <fieldset className="form-group">
              <legend className="form-tit dd-legend">{m.demand.what}</legend>
              <div className="krds-check-area">
                {(['entry', 'need'] as const).map((kind) => (
                  <div className="krds-form-check" key={kind}>
                    <input
                      type="radio"
                      name="ev-demand-mode"
                      id={`ev-demand-${kind}`}
                      checked={mode === kind}
                      onChange={() => setMode(kind)}
                    />
                    <label htmlFor={`ev-demand-${kind}`}>{m.demand.modes[kind]}</label>
                  </div>
                ))}
              </div>
            </fieldset>
          )}
          {effectiveMode === 'entry' ? (
            <div className="form-group">
              <div className="form-tit">
                <label htmlFor="ev-demand-entry">{m.demand.entry}</label>
              </div>
              <div className="form-conts">
                <select
                  id="ev-demand-entry"
                  className="krds-form-select"
                  value={entryId}
                  onChange={(e) => setEntryId(e.target.value)}
                  aria-invalid={errors.target ? true : undefined}
                  aria-describedby={errors.target ? 'ev-demand-target-error' : undefined}
                >
                  <option value="">{m.assignments.choose}</option>
                  {visible.map((c) => (
                    <option key={c.entryId} value={c.entryId}>
                      {c.title} ({c.agency})
                    </option>
                  ))}
                </select>
              </div>
            </div>
          ) : (
            <div className="form-group">
              <div className="form-tit">
                <label htmlFor="ev-demand-need">{m.demand.need}</label>
              </div>
              <div className="form-conts">
                <textarea
                  id="ev-demand-need"
                  className="krds-input"
                  rows={3}
                  value={need}
                  placeholder={m.demand.needPlaceholder}
                  onChange={(e) => setNeed(e.target.value)}
                  aria-invalid={errors.target ? true : undefined}
                  aria-describedby={errors.target ? 'ev-demand-target-error' : 'ev-demand-need-hint'}
                />
                <p className="form-hint" id="ev-demand-need-hint">
                  {m.demand.needHint}
                </p>
              </div>
            </div>
          )}
          {errors.target && (
            <p className="form-hint-invalid" id="ev-demand-target-error">
              {errors.target}
            </p>
          )}
          <div className="form-group">
            <div className="form-tit">
              <label htmlFor="ev-demand-use">{m.demand.intendedUse}</label>
            </div>
            <div className="form-conts">
              <textarea
                id="ev-demand-use"
                className="krds-input"
                rows={2}
                value={intendedUse}
                onChange={(e) => setIntendedUse(e.target.value)}
                aria-invalid={errors.use ? true : undefined}
                aria-describedby={errors.use ? 'ev-demand-use-error' : undefined}
              />
              {errors.use && (
                <p className="form-hint-invalid" id="ev-demand-use-error">
                  {errors.use}
                </p>
              )}
            </div>
          </div>
          <div className="dd-ev-grid">
            <fieldset className="form-group">
              <legend className="form-tit dd-legend">{m.demand.urgency}</legend>
              <div className="krds-check-area">
                {URGENCIES.map((u) => (
                  <div className="krds-form-check" key={u}>
                    <input type="radio" name="ev-urgency" id={`ev-urgency-${u}`} checked={urgency === u} onChange={() => setUrgency(u)} />
                    <label htmlFor={`ev-urgency-${u}`}>{m.urgency[u]}</label>
                  </div>
                ))}
              </div>
            </fieldset>
            <div>
              <label htmlFor="ev-demand-coinvest">{m.demand.coInvest}</label>
              <input
                id="ev-demand-coinvest"
                className="krds-input dd-ev-cost-input"
                inputMode="numeric"
                value={coInvest}
                onChange={(e) => setCoInvest(e.target.value)}
                onBlur={() => setCoInvest(groupDigits(coInvest))}
                aria-describedby="ev-demand-coinvest-hint"
              />
              <p className="form-hint" id="ev-demand-coinvest-hint">
                {parseAmount(coInvest) !== null ? formatKrw(parseAmount(coInvest)) : m.demand.coInvestHint}
              </p>
            </div>
          </div>
          {state.isError && (
            <ErrorBox error={state.error}>
              <ProblemList error={state.error} />
            </ErrorBox>
          )}
          {state.isSuccess && (
            <div className="dd-callout dd-callout-success" role="status" data-demand-saved>
              <p>{m.demand.saved}</p>
              {state.data.matchedEntryIds.length > 0 ? (
                <>
                  <p>{m.demand.matches}</p>
                  <ol data-matches>
                    {state.data.matchedEntryIds.map((m) => (
                      <li key={m} data-match={m}>
                        {titleOf(m)}
                      </li>
                    ))}
                  </ol>
                </>
              ) : (
                effectiveMode === 'need' && <p>{m.demand.noMatches}</p>
              )}
            </div>
          )}
          <button type="submit" className="krds-btn primary" disabled={state.isPending}>
            {m.demand.submit}
          </button>
        </form>
      </section>

      <section className="dd-panel" aria-labelledby="ev-demand-mine-title">
        <h2 id="ev-demand-mine-title" className="dd-panel-subtitle dd-first">
          {m.demand.mine}
        </h2>
        {mine.isPending ? (
          <Loading />
        ) : mine.isError ? (
          <ErrorBox error={mine.error} />
        ) : mine.data.length === 0 ? (
          <p className="dd-muted">{m.demand.mineEmpty}</p>
        ) : (
          <div className="krds-table-wrap">
            <table className="tbl col data dd-table">
              <caption className="sr-only">{m.demand.mine}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.demand.what}</th>
                  <th scope="col">{m.demand.intendedUse}</th>
                  <th scope="col">{m.demand.urgency}</th>
                  <th scope="col">{m.demand.coInvest}</th>
                  <th scope="col">{m.demand.when}</th>
                </tr>
              </thead>
              <tbody>
                {mine.data.map((d) => (
                  <tr key={d.id} data-my-demand={d.id}>
                    <td>
                      {(d.entryId ? titleOf(d.entryId) : null) ?? d.need ?? '—'}
                      {d.matchedEntryIds.length > 0 && (
                        <div className="dd-muted">{fmt(m.demand.matchedCount, { count: d.matchedEntryIds.length })}</div>
                      )}
                    </td>
                    <td>{d.intendedUse}</td>
                    <td>{m.urgency[d.urgency]}</td>
                    <td className="dd-ev-num">{d.coInvestKrw ? formatKrw(d.coInvestKrw) : '—'}</td>
                    <td>{formatDateTime(d.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <p>
        <Link to="/evaluation">{m.demand.back}</Link>
      </p>
    </div>
  );
}
