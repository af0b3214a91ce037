// The buttons that move a round on (setup → scoring → consensus → decided, or scoring → decided), with the server's reason when it says no (no rubric or no candidates yet).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ErrorBox } from '../census/common';
import { ProblemList, useMessages } from './common';
import { fmt } from './strings';
import { evaluationKeys, setRoundStatus, type Round, type RoundStatus } from './evaluationApi';

/** The statuses a round may move to (scoring may skip consensus). */
const NEXT: Record<RoundStatus, RoundStatus[]> = {
  setup: ['scoring'],
  scoring: ['consensus', 'decided'],
  consensus: ['decided'],
  decided: [],
};

export function RoundStatusActions({ round }: { round: Round }) {
  const m = useMessages();
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (status: RoundStatus) => setRoundStatus(round.id, status),
    onSuccess: async (updated) => {
      queryClient.setQueryData(evaluationKeys.round(round.id), updated);
      await queryClient.invalidateQueries({ queryKey: evaluationKeys.all });
    },
  });
  const next = NEXT[round.status] ?? [];
  if (next.length === 0) return null;
  return (
    <div className="dd-ev-status-actions">
      <div className="dd-actions">
        {next.map((status) => (
          <button
            key={status}
            type="button"
            className={`krds-btn ${status === next[0] ? 'primary' : 'secondary'}`}
            disabled={change.isPending}
            onClick={() => change.mutate(status)}
            data-move-to={status}
          >
            {fmt(m.round.moveTo, { status: m.status[status] })}
          </button>
        ))}
      </div>
      {change.isError && (
        <ErrorBox error={change.error}>
          <ProblemList error={change.error} />
        </ErrorBox>
      )}
    </div>
  );
}
