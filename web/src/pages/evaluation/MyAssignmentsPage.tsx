// 내 평가 My evaluations: the entries assigned to the signed-in evaluator in each round they sit
// on; for each, the expert criteria of the current rubric with a choice of 1 to 5 and a comment,
// submitted to the server (every submission is kept; the latest counts). An evaluator who finds a
// conflict of interest declares it with a reason instead. Entries flagged for the consensus step
// ask to be scored again. Blind: nothing of other evaluators is shown (the server sends none).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { useTitle } from '../../components/useTitle';
import { ErrorBox, Loading } from '../census/common';
import { AssignmentBadge } from './AssignmentsPanel';
import { criterionLabel, EvaluationBreadcrumb, ProblemList, RoundStatusBadge, useCensusLabels, useMessages } from './common';
import { fmt } from './strings';
import {
  declareConflict,
  evaluationKeys,
  myAssignmentsQuery,
  roundsQuery,
  submitScores,
  type Criterion,
  type MyAssignment,
  type Round,
} from './evaluationApi';

const SCALE = [1, 2, 3, 4, 5] as const;

export function MyAssignmentsPage() {
  const m = useMessages();
  const title = m.my.title;
  useTitle(title);
  const rounds = useQuery(roundsQuery);
  return (
    <div className="inner dd-section">
      <EvaluationBreadcrumb trail={[{ label: title }]} />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{title}</h1>
      </div>
      <p className="dd-body">{m.my.lead}</p>
      {rounds.isPending ? (
        <Loading />
      ) : rounds.isError ? (
        <ErrorBox error={rounds.error} />
      ) : rounds.data.length === 0 ? (
        <p className="dd-muted">{m.my.noRounds}</p>
      ) : (
        rounds.data.map((r) => <RoundAssignments key={r.id} round={r} />)
      )}
    </div>
  );
}

function RoundAssignments({ round }: { round: Round }) {
  const m = useMessages();
  const mine = useQuery(myAssignmentsQuery(round.id));
  // Rounds the person only reads (an operator who also evaluates elsewhere): nothing to show.
  if (mine.isError && mine.error instanceof ApiError && (mine.error.status === 403 || mine.error.status === 404)) return null;
  const todo = mine.data?.items.filter((a) => a.status === 'assigned' || a.needsConsensus).length ?? 0;
  return (
    <section className="dd-panel" aria-labelledby={`ev-my-${round.id}`} data-my-round={round.id}>
      <h2 id={`ev-my-${round.id}`} className="dd-panel-subtitle dd-first">
        {round.title} <RoundStatusBadge status={round.status} />
      </h2>
      {mine.isPending ? (
        <Loading />
      ) : mine.isError ? (
        <ErrorBox error={mine.error} />
      ) : mine.data.items.length === 0 ? (
        <p className="dd-muted">{m.my.none}</p>
      ) : (
        <>
          <p className="dd-muted" data-todo={todo}>
            {fmt(m.my.summary, { total: mine.data.items.length, todo })}
          </p>
          {round.status === 'setup' && <p className="dd-callout">{m.my.notOpen}</p>}
          {mine.data.criteria.length === 0 && <p className="dd-callout">{m.my.noCriteria}</p>}
          {mine.data.items.map((a) => (
            <AssignmentCard key={a.entryId} round={round} assignment={a} criteria={mine.data.criteria} />
          ))}
        </>
      )}
    </section>
  );
}

function AssignmentCard({ round, assignment: a, criteria }: { round: Round; assignment: MyAssignment; criteria: Criterion[] }) {
  const m = useMessages();
  const queryClient = useQueryClient();
  const labels = useCensusLabels();
  const [scores, setScores] = useState<Record<string, number>>(a.myScores ?? {});
  const [comment, setComment] = useState(a.myComment ?? '');
  const [missing, setMissing] = useState<string[]>([]);
  const [conflictOpen, setConflictOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: evaluationKeys.myAssignments(round.id) });

  const submit = useMutation({
    mutationFn: () => submitScores(round.id, a.entryId, { scores, ...(comment.trim() ? { comment: comment.trim() } : {}) }),
    onSuccess: refresh,
  });
  const decline = useMutation({ mutationFn: () => declareConflict(round.id, a.entryId, reason.trim()), onSuccess: refresh });

  const open = round.status === 'scoring' || (round.status === 'consensus' && a.needsConsensus);
  const canScore = open && a.status !== 'declined' && criteria.length > 0;
  const id = `ev-a-${a.entryId}`;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const left = criteria.filter((c) => scores[c.key] === undefined).map((c) => c.key);
    setMissing(left);
    if (left.length === 0) submit.mutate();
  }

  return (
    <article
      className="dd-ev-card"
      aria-labelledby={`${id}-title`}
      data-assignment={a.entryId}
      data-status={a.status}
      data-needs-consensus={a.needsConsensus ? 'true' : undefined}
    >
      <h3 id={`${id}-title`} className="dd-panel-subtitle dd-first">
        {a.title} <AssignmentBadge status={a.status} />{' '}
        {a.needsConsensus && <span className="krds-badge bg-light-warning">{m.my.needsConsensus}</span>}
      </h3>
      <p className="dd-muted">
        {a.agency} · {labels.domain(a.domain)} · {labels.modality(a.modality)}
      </p>
      {a.description && <p className="dd-body dd-prewrap">{a.description}</p>}
      {a.needsConsensus && <p className="dd-callout">{m.my.consensusHelp}</p>}

      {a.status === 'declined' ? (
        <p className="dd-muted">{m.my.declined}</p>
      ) : canScore ? (
        <form onSubmit={onSubmit} noValidate>
          {criteria.map((c) => {
            const { main, other } = criterionLabel(c);
            const invalid = missing.includes(c.key);
            return (
              <fieldset
                key={c.key}
                className="dd-ev-scores"
                data-criterion={c.key}
                aria-invalid={invalid ? true : undefined}
                aria-describedby={invalid ? `${id}-${c.key}-error` : undefined}
              >
                <legend className="dd-legend">
                  {main} {other && other !== main && <span className="dd-muted dd-ev-other">{other}</span>}
                </legend>
                {SCALE.map((v) => (
                  <label key={v}>
                    <input
                      type="radio"
                      name={`${id}-${c.key}`}
                      value={v}
                      checked={scores[c.key] === v}
                      onChange={() => {
                        setScores({ ...scores, [c.key]: v });
                        setMissing(missing.filter((k) => k !== c.key));
                      }}
                    />
                    {v} <span className="dd-muted">{m.my.scale[v]}</span>
                  </label>
                ))}
                {invalid && (
                  <p className="form-hint-invalid" id={`${id}-${c.key}-error`}>
                    {m.my.choose}
                  </p>
                )}
              </fieldset>
            );
          })}
          <div className="form-group">
            <div className="form-tit">
              <label htmlFor={`${id}-comment`}>{m.my.comment}</label>
            </div>
            <div className="form-conts">
              <textarea id={`${id}-comment`} className="krds-input" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />
            </div>
          </div>
          {submit.isError && (
            <ErrorBox error={submit.error}>
              <ProblemList error={submit.error} />
            </ErrorBox>
          )}
          {submit.isSuccess && (
            <p className="dd-callout dd-callout-success" role="status">
              {m.my.saved}
            </p>
          )}
          <div className="dd-actions">
            <button type="submit" className="krds-btn primary" disabled={submit.isPending}>
              {a.status === 'scored' && !a.needsConsensus ? m.my.resubmit : m.my.submit}
            </button>
            {a.status === 'assigned' && !conflictOpen && (
              <button type="button" className="krds-btn secondary" onClick={() => setConflictOpen(true)}>
                {m.my.declare}
              </button>
            )}
          </div>
        </form>
      ) : (
        <>
          {a.myScores && (
            <dl className="dd-facts">
              {criteria.map((c) => (
                <div key={c.key}>
                  <dt>{criterionLabel(c).main}</dt>
                  <dd>{a.myScores?.[c.key] ?? '—'}</dd>
                </div>
              ))}
            </dl>
          )}
          {a.myComment && <p className="dd-body dd-prewrap">{a.myComment}</p>}
          <p className="dd-muted">{m.my.closed}</p>
        </>
      )}

      {conflictOpen && a.status !== 'declined' && (
        <form
          className="dd-ev-conflict"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim() === '') return setReasonError(true);
            setReasonError(false);
            decline.mutate();
          }}
        >
          <div className="form-group">
            <div className="form-tit">
              <label htmlFor={`${id}-reason`}>{m.my.conflictReason}</label>
            </div>
            <div className="form-conts">
              <textarea
                id={`${id}-reason`}
                className="krds-input"
                rows={2}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                aria-invalid={reasonError ? true : undefined}
                aria-describedby={`${id}-reason-hint`}
              />
              <p className={reasonError ? 'form-hint-invalid' : 'form-hint'} id={`${id}-reason-hint`}>
                {reasonError ? m.my.conflictReasonRequired : m.my.conflictHint}
              </p>
            </div>
          </div>
          {decline.isError && <ErrorBox error={decline.error} />}
          <div className="dd-actions">
            <button type="submit" className="krds-btn primary" disabled={decline.isPending}>
              {m.my.declareSubmit}
            </button>
            <button type="button" className="krds-btn text" onClick={() => setConflictOpen(false)}>
              {m.my.cancel}
            </button>
          </div>
        </form>
      )}
    </article>
  );
}
