// 평가위원 배정 Assignments: the operator gives entries to evaluators (picked from the people who
// hold the evaluator role, or by their user id). An evaluator from the entry's own agency is
// refused (conflict of interest), and the page says so by name.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorBox, Loading } from '../census/common';
import { ProblemList, useMessages } from './common';
import { fmt, pick } from './strings';
import {
  assignEvaluators,
  assignmentsQuery,
  candidatesQuery,
  evaluationKeys,
  evaluatorsQuery,
  type AssignmentStatus,
  type Round,
} from './evaluationApi';

const STATUS_CLASS: Record<AssignmentStatus, string> = {
  assigned: 'bg-light-information',
  scored: 'bg-light-success',
  declined: 'bg-light-danger',
};

export function AssignmentBadge({ status }: { status: AssignmentStatus }) {
  const m = useMessages();
  return (
    <span className={`krds-badge ${STATUS_CLASS[status] ?? 'bg-light-gray'} dd-status`} data-assignment-status={status}>
      {pick(m.assignmentStatus, status, status)}
    </span>
  );
}

export function AssignmentsPanel({ round, canEdit }: { round: Round; canEdit: boolean }) {
  const m = useMessages();
  const queryClient = useQueryClient();
  const assignments = useQuery(assignmentsQuery(round.id));
  const candidates = useQuery(candidatesQuery(round.id));
  const evaluators = useQuery({ ...evaluatorsQuery, enabled: canEdit });
  const [picked, setPicked] = useState('');
  const [typed, setTyped] = useState('');
  const [entries, setEntries] = useState<string[]>([]);
  const [formError, setFormError] = useState<string | null>(null);

  const assign = useMutation({
    mutationFn: (items: Array<{ entryId: string; evaluatorId: string }>) => assignEvaluators(round.id, items),
    onSuccess: async () => {
      setEntries([]);
      await queryClient.invalidateQueries({ queryKey: evaluationKeys.assignments(round.id) });
    },
  });

  const titleOf = (entryId: string) => candidates.data?.find((c) => c.entryId === entryId)?.title ?? entryId;
  const nameOf = (userId: string) => {
    const e = evaluators.data?.find((x) => x.userId === userId);
    if (e) return e.displayName;
    return assignments.data?.find((a) => a.evaluatorId === userId)?.evaluatorName ?? userId;
  };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const evaluatorId = typed.trim() || picked;
    if (!evaluatorId) return setFormError(m.assignments.evaluatorRequired);
    if (entries.length === 0) return setFormError(m.assignments.entriesRequired);
    setFormError(null);
    assign.mutate(entries.map((entryId) => ({ entryId, evaluatorId })));
  }

  return (
    <div className="dd-ev-assignments">
      <h2 className="dd-panel-subtitle dd-first">{m.tabs.assignments}</h2>
      <p className="dd-body">{m.assignments.lead}</p>

      {canEdit && (
        <form onSubmit={onSubmit} noValidate aria-labelledby="ev-assign-title">
          <h3 id="ev-assign-title" className="dd-panel-subtitle">
            {m.assignments.new}
          </h3>
          <div className="dd-ev-grid">
            {evaluators.data && evaluators.data.length > 0 && (
              <div>
                <label htmlFor="ev-assign-evaluator">{m.assignments.evaluator}</label>
                <select id="ev-assign-evaluator" className="krds-form-select" value={picked} onChange={(e) => setPicked(e.target.value)}>
                  <option value="">{m.assignments.choose}</option>
                  {evaluators.data.map((e) => (
                    <option key={e.userId} value={e.userId}>
                      {e.displayName} ({e.orgName}, {e.email})
                    </option>
                  ))}
                </select>
              </div>
            )}
            <div>
              <label htmlFor="ev-assign-id">{m.assignments.evaluatorId}</label>
              <input
                id="ev-assign-id"
                className="krds-input"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                aria-describedby="ev-assign-id-hint"
              />
              <p className="form-hint" id="ev-assign-id-hint">
                {m.assignments.evaluatorIdHint}
              </p>
            </div>
          </div>
          <fieldset className="form-group">
            <legend className="form-tit dd-legend">{m.assignments.entries}</legend>
            {candidates.isPending ? (
              <Loading />
            ) : candidates.isError ? (
              <ErrorBox error={candidates.error} />
            ) : candidates.data.length === 0 ? (
              <p className="dd-muted">{m.candidates.empty}</p>
            ) : (
              <>
                <div className="dd-actions">
                  <button
                    type="button"
                    className="krds-btn xsmall secondary"
                    onClick={() => setEntries(candidates.data.map((c) => c.entryId))}
                  >
                    {m.assignments.selectAll}
                  </button>
                  <button type="button" className="krds-btn xsmall text" onClick={() => setEntries([])}>
                    {m.assignments.selectNone}
                  </button>
                </div>
                <div className="krds-check-area chk-column dd-check-grid">
                  {candidates.data.map((c) => (
                    <div className="krds-form-check" key={c.entryId}>
                      <input
                        type="checkbox"
                        id={`ev-assign-${c.entryId}`}
                        checked={entries.includes(c.entryId)}
                        onChange={(e) => setEntries(e.target.checked ? [...entries, c.entryId] : entries.filter((x) => x !== c.entryId))}
                      />
                      <label htmlFor={`ev-assign-${c.entryId}`}>
                        {c.title} <span className="dd-muted">{c.agency}</span>
                      </label>
                    </div>
                  ))}
                </div>
              </>
            )}
          </fieldset>
          {formError && (
            <p className="form-hint-invalid" role="alert">
              {formError}
            </p>
          )}
          {assign.isError && (
            <ErrorBox error={assign.error}>
              <ProblemList error={assign.error} />
            </ErrorBox>
          )}
          {assign.isSuccess && (
            <div className={`dd-callout ${assign.data.refused.length > 0 ? 'dd-callout-danger' : 'dd-callout-success'}`} role="status">
              <p>{fmt(m.assignments.assigned, { count: assign.data.assigned })}</p>
              {assign.data.refused.length > 0 && (
                <>
                  <p className="dd-callout-title">{fmt(m.assignments.refusedTitle, { count: assign.data.refused.length })}</p>
                  <ul data-refused>
                    {assign.data.refused.map((r) => (
                      <li key={`${r.entryId}:${r.evaluatorId}`} data-refused-entry={r.entryId} data-reason={r.reason}>
                        <strong>{titleOf(r.entryId)}</strong> — {nameOf(r.evaluatorId)}: {pick(m.assignments.reasons, r.reason, r.reason)}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          )}
          <button type="submit" className="krds-btn primary" disabled={assign.isPending}>
            {m.assignments.submit}
          </button>
        </form>
      )}

      <h3 className="dd-panel-subtitle">{m.assignments.current}</h3>
      {assignments.isPending ? (
        <Loading />
      ) : assignments.isError ? (
        <ErrorBox error={assignments.error} />
      ) : assignments.data.length === 0 ? (
        <p className="dd-muted">{m.assignments.empty}</p>
      ) : (
        <div className="krds-table-wrap">
          <table className="tbl col data dd-table">
            <caption className="sr-only">{m.assignments.current}</caption>
            <thead>
              <tr>
                <th scope="col">{m.candidates.title}</th>
                <th scope="col">{m.assignments.evaluator}</th>
                <th scope="col">{m.assignments.status}</th>
              </tr>
            </thead>
            <tbody>
              {[...assignments.data]
                .sort((a, b) => titleOf(a.entryId).localeCompare(titleOf(b.entryId)) || a.evaluatorName.localeCompare(b.evaluatorName))
                .map((a) => (
                  <tr key={`${a.entryId}:${a.evaluatorId}`} data-assignment-row={`${a.entryId}:${a.evaluatorId}`}>
                    <td>{titleOf(a.entryId)}</td>
                    <td>{a.evaluatorName}</td>
                    <td>
                      <AssignmentBadge status={a.status} />
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
