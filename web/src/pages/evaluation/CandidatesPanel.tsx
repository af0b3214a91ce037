// 후보 Candidates: the census entries the round chooses among, with their estimated cost (editable),
// the computed indicators, demand, the experts' mean scores and the weighted total under the
// current rubric. "Add all accepted entries" brings in every accepted entry of the campaign.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorBox, Loading } from '../census/common';
import { criterionLabel, formatKrw, formatScore, groupDigits, parseAmount, ProblemList, useCensusLabels, useMessages } from './common';
import { fmt } from './strings';
import {
  addCandidates,
  AUTO_CRITERIA,
  candidatesQuery,
  evaluationKeys,
  removeCandidate,
  rubricQuery,
  updateCandidateCost,
  type Candidate,
  type Round,
} from './evaluationApi';

function CostCell({ round, candidate, canEdit }: { round: Round; candidate: Candidate; canEdit: boolean }) {
  const m = useMessages();
  const queryClient = useQueryClient();
  const [text, setText] = useState(candidate.estimatedCost.toLocaleString('en-US'));
  const save = useMutation({
    mutationFn: (cost: number) => updateCandidateCost(round.id, candidate.entryId, cost),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: evaluationKeys.candidates(round.id) }),
  });
  if (!canEdit) return <>{formatKrw(candidate.estimatedCost)}</>;
  const amount = parseAmount(text);
  const changed = amount !== null && amount !== candidate.estimatedCost;
  return (
    <form
      className="dd-ev-cost"
      onSubmit={(e) => {
        e.preventDefault();
        if (amount !== null && amount >= 0) save.mutate(amount);
      }}
    >
      <input
        className="krds-input small dd-ev-cost-input"
        inputMode="numeric"
        aria-label={fmt(m.candidates.costOf, { title: candidate.title })}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => setText(groupDigits(text))}
      />
      {changed && (
        <button type="submit" className="krds-btn xsmall secondary" disabled={save.isPending}>
          {m.candidates.saveCost}
        </button>
      )}
      {save.isSuccess && !changed && (
        <span className="sr-only" role="status">
          {m.candidates.costSaved}
        </span>
      )}
      {save.isError && <ErrorBox error={save.error} />}
    </form>
  );
}

export function CandidatesPanel({ round, canEdit }: { round: Round; canEdit: boolean }) {
  const m = useMessages();
  const queryClient = useQueryClient();
  const candidates = useQuery(candidatesQuery(round.id));
  const rubric = useQuery(rubricQuery(round.id)).data?.current ?? null;
  const labels = useCensusLabels();
  const [defaultCost, setDefaultCost] = useState('');
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: evaluationKeys.candidates(round.id) });
    await queryClient.invalidateQueries({ queryKey: evaluationKeys.round(round.id) });
    await queryClient.invalidateQueries({ queryKey: evaluationKeys.rounds });
  };
  const addAll = useMutation({
    mutationFn: () => {
      const cost = parseAmount(defaultCost);
      return addCandidates(round.id, { allAccepted: true, ...(cost !== null ? { defaultCost: cost } : {}) });
    },
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: (entryId: string) => removeCandidate(round.id, entryId), onSuccess: refresh });

  const expertKeys = rubric ? rubric.criteria.filter((c) => c.source === 'expert').map((c) => c.key) : [];
  const expertLabel = (key: string) => {
    const c = rubric?.criteria.find((x) => x.key === key);
    return c ? criterionLabel(c).main : key;
  };

  return (
    <div className="dd-ev-candidates">
      <h2 className="dd-panel-subtitle dd-first">{m.tabs.candidates}</h2>
      <p className="dd-body">{m.candidates.lead}</p>
      {canEdit && (
        <div className="dd-ev-inline">
          <div>
            <label htmlFor="ev-default-cost">{m.candidates.defaultCost}</label>
            <input
              id="ev-default-cost"
              className="krds-input dd-ev-cost-input"
              inputMode="numeric"
              value={defaultCost}
              placeholder={m.candidates.defaultCostPlaceholder}
              onChange={(e) => setDefaultCost(e.target.value)}
              onBlur={() => setDefaultCost(groupDigits(defaultCost))}
              aria-describedby="ev-default-cost-hint"
            />
          </div>
          <button type="button" className="krds-btn primary" disabled={addAll.isPending} onClick={() => addAll.mutate()}>
            {m.candidates.addAll}
          </button>
          <p className="form-hint" id="ev-default-cost-hint">
            {m.candidates.defaultCostHint}
          </p>
        </div>
      )}
      {addAll.isSuccess && (
        <p className="dd-callout dd-callout-success" role="status">
          {fmt(m.candidates.added, { added: addAll.data.added, updated: addAll.data.updated })}
        </p>
      )}
      {addAll.isError && (
        <ErrorBox error={addAll.error}>
          <ProblemList error={addAll.error} />
        </ErrorBox>
      )}
      {remove.isError && <ErrorBox error={remove.error} />}

      {candidates.isPending ? (
        <Loading />
      ) : candidates.isError ? (
        <ErrorBox error={candidates.error} />
      ) : candidates.data.length === 0 ? (
        <p className="dd-muted">{m.candidates.empty}</p>
      ) : (
        <div className="krds-table-wrap">
          <table className="tbl col data dd-table dd-ev-candidates-table">
            <caption className="sr-only">{m.tabs.candidates}</caption>
            <thead>
              <tr>
                <th scope="col">{m.candidates.title}</th>
                <th scope="col">{m.candidates.agency}</th>
                <th scope="col">{m.candidates.domain}</th>
                <th scope="col">{m.candidates.modality}</th>
                <th scope="col">{m.candidates.cost}</th>
                <th scope="col">{m.candidates.indicators}</th>
                <th scope="col">{m.criteria.demand}</th>
                <th scope="col">{m.candidates.expert}</th>
                <th scope="col">{m.candidates.score}</th>
                {canEdit && (
                  <th scope="col">
                    <span className="sr-only">{m.candidates.remove}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {[...candidates.data]
                .sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.title.localeCompare(b.title))
                .map((c) => (
                  <tr key={c.entryId} data-candidate={c.entryId}>
                    <th scope="row">{c.title}</th>
                    <td>{c.agency}</td>
                    <td>{labels.domain(c.domain)}</td>
                    <td>{labels.modality(c.modality)}</td>
                    <td>
                      <CostCell round={round} candidate={c} canEdit={canEdit} />
                    </td>
                    <td>
                      <ul className="dd-plain-list">
                        {AUTO_CRITERIA.map((k) => (
                          <li key={k}>
                            {m.criteria[k]} {formatScore(c.indicators[k], 0)}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td className="dd-ev-num">{formatScore(c.demand, 0)}</td>
                    <td>
                      {Object.keys(c.expert).length === 0 && expertKeys.length === 0 ? (
                        '—'
                      ) : (
                        <ul className="dd-plain-list">
                          {(expertKeys.length > 0 ? expertKeys : Object.keys(c.expert)).map((k) => (
                            <li key={k}>
                              {expertLabel(k)} {formatScore(c.expert[k] ?? null, 1)}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td className="dd-ev-num" data-score={c.score ?? ''}>
                      <strong>{formatScore(c.score)}</strong>
                    </td>
                    {canEdit && (
                      <td>
                        <button
                          type="button"
                          className="krds-btn xsmall text"
                          disabled={remove.isPending}
                          aria-label={fmt(m.candidates.removeNamed, { title: c.title })}
                          onClick={() => remove.mutate(c.entryId)}
                        >
                          {m.candidates.remove}
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
