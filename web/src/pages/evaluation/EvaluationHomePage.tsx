// 평가·선정 Evaluation: the rounds the signed-in person may see (all of them for the operator and
// auditors, those they evaluate in for evaluators, open ones for companies and research institutes
// stating demand), and, for the operator, a form to start a round.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useTitle } from '../../components/useTitle';
import { campaignsQuery } from '../census/censusApi';
import { ErrorBox, formatDateTime, formatNumber, Loading } from '../census/common';
import {
  EvaluationBreadcrumb,
  formatKrw,
  groupDigits,
  parseAmount,
  ProblemList,
  RoundStatusBadge,
  useEvaluationRoles,
  useMessages,
} from './common';
import { createRound, evaluationKeys, roundsQuery } from './evaluationApi';

export const DEFAULT_BUDGET = 6_000_000_000;
export const DEFAULT_TARGET = 100;

export function EvaluationHomePage() {
  const { t } = useTranslation();
  const m = useMessages();
  const title = t('modules.evaluation.full');
  useTitle(title);
  const roles = useEvaluationRoles();
  const rounds = useQuery(roundsQuery);

  return (
    <div className="inner dd-section">
      <EvaluationBreadcrumb trail={[]} />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{title}</h1>
      </div>
      <p className="dd-body">{m.home.lead}</p>

      {roles.evaluator && (
        <div className="dd-callout">
          <p className="dd-callout-title">{m.home.evaluatorTitle}</p>
          <p>
            <Link to="/evaluation/my" className="krds-btn primary" data-my-assignments>
              {m.home.evaluatorLink}
            </Link>
          </p>
        </div>
      )}

      <section className="dd-panel" aria-labelledby="ev-rounds-title">
        <h2 id="ev-rounds-title" className="dd-panel-subtitle dd-first">
          {m.home.rounds}
        </h2>
        {rounds.isPending ? (
          <Loading />
        ) : rounds.isError ? (
          <ErrorBox error={rounds.error} />
        ) : rounds.data.length === 0 ? (
          <p className="dd-muted">{m.home.empty}</p>
        ) : (
          <div className="krds-table-wrap">
            <table className="tbl col data dd-table">
              <caption className="sr-only">{m.home.rounds}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.home.title}</th>
                  <th scope="col">{m.home.status}</th>
                  <th scope="col">{m.home.budget}</th>
                  <th scope="col">{m.home.targetCount}</th>
                  <th scope="col">{m.home.candidates}</th>
                  <th scope="col">{m.home.rubricVersion}</th>
                  <th scope="col">{m.home.createdAt}</th>
                  {roles.consumer && <th scope="col">{m.home.demand}</th>}
                </tr>
              </thead>
              <tbody>
                {rounds.data.map((r) => (
                  <tr key={r.id} data-round={r.id}>
                    <td>
                      {roles.operator || roles.auditor ? (
                        <Link to="/evaluation/rounds/$id" params={{ id: r.id }}>
                          {r.title}
                        </Link>
                      ) : roles.evaluator ? (
                        <Link to="/evaluation/my">{r.title}</Link>
                      ) : (
                        r.title
                      )}
                    </td>
                    <td>
                      <RoundStatusBadge status={r.status} />
                    </td>
                    <td className="dd-ev-num">{formatKrw(r.budget)}</td>
                    <td className="dd-ev-num">{formatNumber(r.targetCount)}</td>
                    <td className="dd-ev-num">{formatNumber(r.candidateCount)}</td>
                    <td>{r.rubricVersion === null ? '—' : `v${r.rubricVersion}`}</td>
                    <td>{formatDateTime(r.createdAt)}</td>
                    {roles.consumer && (
                      <td>
                        <Link to="/evaluation/rounds/$id/demand" params={{ id: r.id }}>
                          {m.home.stateDemand}
                        </Link>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {roles.operator && <CreateRound />}
    </div>
  );
}

function CreateRound() {
  const m = useMessages();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const campaigns = useQuery(campaignsQuery);
  const [title, setTitle] = useState('');
  const [campaignId, setCampaignId] = useState('');
  const [budget, setBudget] = useState(DEFAULT_BUDGET.toLocaleString('en-US'));
  const [target, setTarget] = useState(String(DEFAULT_TARGET));
  const [errors, setErrors] = useState<{ title?: string; budget?: string; target?: string }>({});

  const create = useMutation({
    mutationFn: createRound,
    onSuccess: async (round) => {
      await queryClient.invalidateQueries({ queryKey: evaluationKeys.rounds });
      await navigate({ to: '/evaluation/rounds/$id', params: { id: round.id } });
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const amount = parseAmount(budget);
    const count = Number(target);
    const found: typeof errors = {};
    if (title.trim() === '') found.title = m.home.titleRequired;
    if (amount === null || amount <= 0) found.budget = m.home.budgetInvalid;
    if (!Number.isInteger(count) || count < 1) found.target = m.home.targetInvalid;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    create.mutate({ title: title.trim(), campaignId: campaignId || null, budget: amount ?? DEFAULT_BUDGET, targetCount: count });
  }

  return (
    <section className="dd-panel" aria-labelledby="ev-new-title">
      <h2 id="ev-new-title" className="dd-panel-subtitle dd-first">
        {m.home.new}
      </h2>
      <form onSubmit={onSubmit} noValidate>
        <div className="dd-ev-grid">
          <div>
            <label htmlFor="ev-new-title-input">{m.home.title}</label>
            <input
              id="ev-new-title-input"
              className="krds-input"
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              aria-invalid={errors.title ? true : undefined}
              aria-describedby={errors.title ? 'ev-new-title-error' : undefined}
            />
            {errors.title && (
              <p className="form-hint-invalid" id="ev-new-title-error">
                {errors.title}
              </p>
            )}
          </div>
          <div>
            <label htmlFor="ev-new-campaign">{m.home.campaign}</label>
            <select id="ev-new-campaign" className="krds-form-select" value={campaignId} onChange={(e) => setCampaignId(e.target.value)}>
              <option value="">{m.home.campaignNone}</option>
              {(campaigns.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="ev-new-budget">{m.home.budgetKrw}</label>
            <input
              id="ev-new-budget"
              className="krds-input dd-ev-cost-input"
              inputMode="numeric"
              value={budget}
              onChange={(e) => setBudget(e.target.value)}
              onBlur={() => setBudget(groupDigits(budget))}
              aria-invalid={errors.budget ? true : undefined}
              aria-describedby="ev-new-budget-hint"
            />
            <p className="form-hint" id="ev-new-budget-hint">
              {errors.budget ?? formatKrw(parseAmount(budget))}
            </p>
          </div>
          <div>
            <label htmlFor="ev-new-target">{m.home.targetCount}</label>
            <input
              id="ev-new-target"
              className="krds-input"
              type="number"
              min={1}
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              aria-invalid={errors.target ? true : undefined}
              aria-describedby={errors.target ? 'ev-new-target-error' : undefined}
            />
            {errors.target && (
              <p className="form-hint-invalid" id="ev-new-target-error">
                {errors.target}
              </p>
            )}
          </div>
        </div>
        {create.isError && (
          <ErrorBox error={create.error}>
            <ProblemList error={create.error} />
          </ErrorBox>
        )}
        <button type="submit" className="krds-btn primary" disabled={create.isPending}>
          {m.home.create}
        </button>
      </form>
    </section>
  );
}
