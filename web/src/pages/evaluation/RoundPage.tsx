// One evaluation round for the operator (auditors read it): its facts and status, and a tab for
// each step — rubric, candidates, evaluator panels, reliability, demand, selection. The open tab
// is in the address (?tab=…), so a reload or a shared link lands on it.
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useTitle } from '../../components/useTitle';
import { ErrorBox, formatDateTime, formatNumber, Loading } from '../census/common';
import { AssignmentsPanel } from './AssignmentsPanel';
import { CandidatesPanel } from './CandidatesPanel';
import { EvaluationBreadcrumb, formatKrw, RoundStatusBadge, useEvaluationRoles, useMessages } from './common';
import { roundQuery } from './evaluationApi';
import { RoundStatusActions } from './RoundStatusActions';
import { DemandAggregatePanel, ReliabilityPanel } from './ReviewPanels';
import { RubricPanel } from './RubricPanel';
import { SelectionPanel } from './SelectionPanel';

export const ROUND_TABS = ['rubric', 'candidates', 'assignments', 'reliability', 'demand', 'selection'] as const;
export type RoundTab = (typeof ROUND_TABS)[number];

export function validateRoundSearch(search: Record<string, unknown>): { tab?: RoundTab } {
  const tab = search.tab;
  return typeof tab === 'string' && (ROUND_TABS as readonly string[]).includes(tab) ? { tab: tab as RoundTab } : {};
}

export function RoundPage() {
  const { t } = useTranslation();
  const m = useMessages();
  const { id } = useParams({ from: '/evaluation/rounds/$id' });
  const search = useSearch({ from: '/evaluation/rounds/$id' });
  const navigate = useNavigate({ from: '/evaluation/rounds/$id' });
  const roles = useEvaluationRoles();
  const round = useQuery(roundQuery(id));
  const tab: RoundTab = search.tab ?? 'rubric';
  useTitle(round.data ? `${round.data.title} — ${t('modules.evaluation.title')}` : t('modules.evaluation.title'));
  const tabRefs = useRef<Array<HTMLButtonElement | null>>([]);

  if (round.isPending) return <Loading />;
  if (round.isError) {
    return (
      <div className="inner dd-section">
        <EvaluationBreadcrumb trail={[{ label: m.round.title }]} />
        <ErrorBox error={round.error} />
      </div>
    );
  }
  const r = round.data;
  const select = (next: RoundTab) => void navigate({ search: { tab: next }, replace: true, state: { keepFocus: true } });
  const onKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const delta = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (delta === 0 && event.key !== 'Home' && event.key !== 'End') return;
    event.preventDefault();
    const nextIndex =
      event.key === 'Home' ? 0 : event.key === 'End' ? ROUND_TABS.length - 1 : (index + delta + ROUND_TABS.length) % ROUND_TABS.length;
    select(ROUND_TABS[nextIndex]!);
    tabRefs.current[nextIndex]?.focus();
  };

  return (
    <div className="inner dd-section">
      <EvaluationBreadcrumb trail={[{ label: r.title }]} />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{r.title}</h1>
        <RoundStatusBadge status={r.status} />
      </div>
      <dl className="dd-facts">
        <div>
          <dt>{m.home.budget}</dt>
          <dd data-round-budget={r.budget}>{formatKrw(r.budget)}</dd>
        </div>
        <div>
          <dt>{m.home.targetCount}</dt>
          <dd>{formatNumber(r.targetCount)}</dd>
        </div>
        <div>
          <dt>{m.home.candidates}</dt>
          <dd>{formatNumber(r.candidateCount)}</dd>
        </div>
        <div>
          <dt>{m.home.rubricVersion}</dt>
          <dd>{r.rubricVersion === null ? m.round.noRubric : `v${r.rubricVersion}`}</dd>
        </div>
        <div>
          <dt>{m.home.createdAt}</dt>
          <dd>{formatDateTime(r.createdAt)}</dd>
        </div>
      </dl>
      <p className="dd-muted">{m.round.statusHelp[r.status]}</p>
      {roles.operator && <RoundStatusActions round={r} />}
      <p>
        <Link to="/evaluation/rounds/$id/demand" params={{ id: r.id }}>
          {m.round.demandPage}
        </Link>
      </p>

      <div className="krds-tab-area dd-ev-tabs">
        <div className="tab line">
          <ul role="tablist" aria-label={m.round.tabsLabel}>
            {ROUND_TABS.map((key, index) => (
              <li key={key} role="presentation" className={tab === key ? 'active' : undefined}>
                <button
                  type="button"
                  role="tab"
                  id={`ev-tab-${key}`}
                  className="btn-tab"
                  aria-selected={tab === key}
                  aria-controls={`ev-panel-${key}`}
                  tabIndex={tab === key ? 0 : -1}
                  ref={(el) => {
                    tabRefs.current[index] = el;
                  }}
                  onClick={() => select(key)}
                  onKeyDown={(e) => onKey(e, index)}
                >
                  {m.tabs[key]}
                </button>
              </li>
            ))}
          </ul>
        </div>
        <section id={`ev-panel-${tab}`} role="tabpanel" aria-labelledby={`ev-tab-${tab}`} className="dd-ev-panel" tabIndex={0}>
          {tab === 'rubric' && <RubricPanel round={r} canEdit={roles.operator} />}
          {tab === 'candidates' && <CandidatesPanel round={r} canEdit={roles.operator} />}
          {tab === 'assignments' && <AssignmentsPanel round={r} canEdit={roles.operator} />}
          {tab === 'reliability' && <ReliabilityPanel round={r} canEdit={roles.operator} />}
          {tab === 'demand' && <DemandAggregatePanel round={r} />}
          {tab === 'selection' && <SelectionPanel round={r} canEdit={roles.operator} />}
        </section>
      </div>
    </div>
  );
}
