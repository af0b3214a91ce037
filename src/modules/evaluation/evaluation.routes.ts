/**
 * HTTP for evaluation and selection (issue 7), under /api/v1/evaluation: rounds, rubrics (direct or
 * AHP), candidates with their indicators, expert panels (blind scores, reliability, consensus), the
 * demand survey, and selections with their reports (CSV, XLSX) and re-runs.
 */
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { attachment } from '../refinery/analysis.routes.js';
import { commonErrors, problemSchema, type ApiApp } from '../shared/http.js';
import { selectionCsv, selectionXlsx } from './evaluation.report.js';
import {
  assignInputSchema,
  assignmentListSchema,
  assignReplySchema,
  candidateListSchema,
  candidatesAddedSchema,
  candidatesInputSchema,
  conflictBodySchema,
  costBodySchema,
  costReplySchema,
  demandInputSchema,
  demandListSchema,
  demandReplySchema,
  entryParamsSchema,
  idParamsSchema,
  myAssignmentsSchema,
  myDemandSchema,
  newRoundSchema,
  reliabilitySchema,
  rerunSchema,
  roundListSchema,
  roundSchema,
  rubricInputSchema,
  rubricSchema,
  rubricVersionsSchema,
  scoreHistorySchema,
  scoreReplySchema,
  scoresBodySchema,
  selectionListSchema,
  selectionRequestSchema,
  selectionSchema,
  statusBodySchema,
  assignmentSchema,
} from './evaluation.schema.js';
import type { EvaluationService } from './evaluation.service.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function registerEvaluationRoutes(app: ApiApp, { evaluation }: { evaluation: EvaluationService }): void {
  const tags = ['evaluation'];
  const base = '/api/v1/evaluation';
  const scope = app.withTypeProvider<ZodTypeProvider>();
  const withConflict = { 409: problemSchema, ...commonErrors };

  // Rounds
  scope.post(
    `${base}/rounds`,
    {
      schema: {
        tags,
        summary: 'Open an evaluation round (operator)',
        body: newRoundSchema,
        response: { 201: roundSchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await evaluation.createRound(request.actor, request.body)),
  );
  scope.get(
    `${base}/rounds`,
    {
      schema: {
        tags,
        summary: 'The rounds you may see: all (operator, auditor), those you are assigned in (evaluator), those not decided (consumer)',
        response: { 200: roundListSchema, ...commonErrors },
      },
    },
    async (request) => ({ items: await evaluation.listRounds(request.actor) }),
  );
  scope.get(
    `${base}/rounds/:id`,
    { schema: { tags, summary: 'A round', params: idParamsSchema, response: { 200: roundSchema, ...commonErrors } } },
    async (request) => evaluation.getRound(request.actor, request.params.id),
  );
  scope.post(
    `${base}/rounds/:id/status`,
    {
      schema: {
        tags,
        summary: 'Move a round on: setup → scoring (needs a rubric and candidates) → consensus → decided (operator)',
        params: idParamsSchema,
        body: statusBodySchema,
        response: { 200: roundSchema, ...withConflict },
      },
    },
    async (request) => evaluation.setStatus(request.actor, request.params.id, request.body.status),
  );

  // Rubric
  scope.put(
    `${base}/rounds/:id/rubric`,
    {
      schema: {
        tags,
        summary: 'Save a new rubric version: weights set directly (normalised) or by AHP pairwise comparison (CR < 0.1)',
        description:
          'An AHP matrix with CR ≥ 0.1 is a 422 whose problems name the most inconsistent judgements (weighting.matrix[i][j]) with a suggested value; the CR is in the message.',
        params: idParamsSchema,
        body: rubricInputSchema,
        response: { 200: rubricSchema, ...withConflict },
      },
    },
    async (request) => evaluation.putRubric(request.actor, request.params.id, request.body),
  );
  scope.get(
    `${base}/rounds/:id/rubric`,
    {
      schema: {
        tags,
        summary: 'The current rubric and every version',
        params: idParamsSchema,
        response: { 200: rubricVersionsSchema, ...commonErrors },
      },
    },
    async (request) => evaluation.getRubric(request.actor, request.params.id),
  );

  // Candidates
  scope.post(
    `${base}/rounds/:id/candidates`,
    {
      schema: {
        tags,
        summary: "Add accepted census entries as candidates, or every accepted entry of the round's campaign (operator)",
        params: idParamsSchema,
        body: candidatesInputSchema,
        response: { 200: candidatesAddedSchema, ...withConflict },
      },
    },
    async (request) => evaluation.addCandidates(request.actor, request.params.id, request.body),
  );
  scope.get(
    `${base}/rounds/:id/candidates`,
    {
      schema: {
        tags,
        summary: 'The candidates with their indicators, demand, expert means and weighted score (operator, auditor)',
        params: idParamsSchema,
        response: { 200: candidateListSchema, ...commonErrors },
      },
    },
    async (request) => ({ items: await evaluation.listCandidates(request.actor, request.params.id) }),
  );
  scope.put(
    `${base}/rounds/:id/candidates/:entryId`,
    {
      schema: {
        tags,
        summary: "Set a candidate's estimated processing cost (operator)",
        params: entryParamsSchema,
        body: costBodySchema,
        response: { 200: costReplySchema, ...withConflict },
      },
    },
    async (request) => evaluation.setCandidateCost(request.actor, request.params.id, request.params.entryId, request.body.estimatedCost),
  );
  scope.delete(
    `${base}/rounds/:id/candidates/:entryId`,
    { schema: { tags, summary: 'Remove a candidate (operator)', params: entryParamsSchema, response: { 204: z.null(), ...withConflict } } },
    async (request, reply) => {
      await evaluation.removeCandidate(request.actor, request.params.id, request.params.entryId);
      return reply.code(204).send(null);
    },
  );

  // Panels
  scope.post(
    `${base}/rounds/:id/assignments`,
    {
      schema: {
        tags,
        summary: "Assign evaluators to candidates (operator); an evaluator of the entry's own agency is refused (conflict_of_interest)",
        params: idParamsSchema,
        body: assignInputSchema,
        response: { 200: assignReplySchema, ...withConflict },
      },
    },
    async (request) => evaluation.assign(request.actor, request.params.id, request.body.items),
  );
  scope.get(
    `${base}/rounds/:id/assignments`,
    {
      schema: {
        tags,
        summary: 'Every assignment of the round (operator, auditor)',
        params: idParamsSchema,
        response: { 200: assignmentListSchema, ...commonErrors },
      },
    },
    async (request) => ({ items: await evaluation.listAssignments(request.actor, request.params.id) }),
  );
  scope.get(
    `${base}/rounds/:id/my-assignments`,
    {
      schema: {
        tags,
        summary: "The entries you are assigned, with your own scores only (blind) and the rubric's expert criteria (evaluator)",
        params: idParamsSchema,
        response: { 200: myAssignmentsSchema, ...commonErrors },
      },
    },
    async (request) => evaluation.myAssignments(request.actor, request.params.id),
  );
  scope.post(
    `${base}/rounds/:id/assignments/:entryId/conflict`,
    {
      schema: {
        tags,
        summary: 'Declare a conflict of interest: the assignment is declined and takes no further part in scoring (evaluator)',
        params: entryParamsSchema,
        body: conflictBodySchema,
        response: { 200: assignmentSchema, ...withConflict },
      },
    },
    async (request) => evaluation.declareConflict(request.actor, request.params.id, request.params.entryId, request.body.reason),
  );
  scope.put(
    `${base}/rounds/:id/scores/:entryId`,
    {
      schema: {
        tags,
        summary: 'Score an assigned entry 1–5 on every expert criterion (evaluator); every submission is kept, the latest counts',
        description: 'In scoring: initial scores. In consensus: only flagged entries, whose consensus scores replace the initial ones.',
        params: entryParamsSchema,
        body: scoresBodySchema,
        response: { 200: scoreReplySchema, ...withConflict },
      },
    },
    async (request) => evaluation.submitScores(request.actor, request.params.id, request.params.entryId, request.body),
  );
  scope.get(
    `${base}/rounds/:id/scores`,
    {
      schema: {
        tags,
        summary: 'Every score submission, oldest first, with its author and time (operator, auditor)',
        params: idParamsSchema,
        response: { 200: scoreHistorySchema, ...commonErrors },
      },
    },
    async (request) => ({ items: await evaluation.scoreHistory(request.actor, request.params.id) }),
  );
  scope.get(
    `${base}/rounds/:id/reliability`,
    {
      schema: {
        tags,
        summary: "Krippendorff's alpha per expert criterion and the entries whose scores span ≥ 2 (operator, auditor)",
        params: idParamsSchema,
        response: { 200: reliabilitySchema, ...commonErrors },
      },
    },
    async (request) => evaluation.reliability(request.actor, request.params.id),
  );

  // Demand
  scope.post(
    `${base}/rounds/:id/demand`,
    {
      schema: {
        tags,
        summary:
          'State demand for a candidate, or a free-text need matched to candidates through the data map (company and research members)',
        params: idParamsSchema,
        body: demandInputSchema,
        response: { 201: demandReplySchema, ...withConflict },
      },
    },
    async (request, reply) => reply.code(201).send(await evaluation.stateDemand(request.actor, request.params.id, request.body)),
  );
  scope.get(
    `${base}/rounds/:id/demand`,
    {
      schema: {
        tags,
        summary: 'Demand per candidate, 0–100 (operator, auditor)',
        params: idParamsSchema,
        response: { 200: demandListSchema, ...commonErrors },
      },
    },
    async (request) => ({ items: await evaluation.demand(request.actor, request.params.id) }),
  );
  scope.get(
    `${base}/rounds/:id/demand/mine`,
    {
      schema: {
        tags,
        summary: "Your organisation's own demand statements",
        params: idParamsSchema,
        response: { 200: myDemandSchema, ...commonErrors },
      },
    },
    async (request) => ({ items: await evaluation.myDemand(request.actor, request.params.id) }),
  );

  // Selections
  scope.post(
    `${base}/rounds/:id/selections`,
    {
      schema: {
        tags,
        summary:
          'Run the budgeted selection (HiGHS) and store it with every input (operator); infeasible is a stored result naming the conflict',
        params: idParamsSchema,
        body: selectionRequestSchema,
        response: { 201: selectionSchema, ...withConflict },
      },
    },
    async (request, reply) => reply.code(201).send(await evaluation.runSelection(request.actor, request.params.id, request.body)),
  );
  scope.get(
    `${base}/rounds/:id/selections`,
    {
      schema: {
        tags,
        summary: "The round's selections, newest first (operator, auditor)",
        params: idParamsSchema,
        response: { 200: selectionListSchema, ...commonErrors },
      },
    },
    async (request) => ({ items: await evaluation.listSelections(request.actor, request.params.id) }),
  );
  scope.get(
    `${base}/selections/:id`,
    {
      schema: {
        tags,
        summary: 'A selection: why each entry is in or out, greedy gap, sensitivity (operator, auditor)',
        params: idParamsSchema,
        response: { 200: selectionSchema, ...commonErrors },
      },
    },
    async (request) => evaluation.getSelection(request.actor, request.params.id),
  );
  scope.post(
    `${base}/selections/:id/rerun`,
    {
      schema: {
        tags,
        summary: 'Compute the selection again from its stored inputs and say whether the answer is identical (operator)',
        params: idParamsSchema,
        response: { 200: rerunSchema, ...commonErrors },
      },
    },
    async (request) => evaluation.rerun(request.actor, request.params.id),
  );
  scope.get(
    `${base}/selections/:id/report.csv`,
    { schema: { tags, summary: 'The selection report as CSV (UTF-8 with BOM), one row per candidate', params: idParamsSchema } },
    async (request, reply) => {
      const { selection, inputs } = await evaluation.selectionWithInputs(request.actor, request.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachment(`selection-${selection.id}.csv`))
        .send(selectionCsv(selection, inputs));
    },
  );
  scope.get(
    `${base}/selections/:id/report.xlsx`,
    { schema: { tags, summary: 'The selection report as XLSX: sheets "Selection" and "Summary"', params: idParamsSchema } },
    async (request, reply) => {
      const { selection, inputs } = await evaluation.selectionWithInputs(request.actor, request.params.id);
      return reply
        .type(XLSX)
        .header('content-disposition', attachment(`selection-${selection.id}.xlsx`))
        .send(await selectionXlsx(selection, inputs));
    },
  );
}
