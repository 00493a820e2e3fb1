import { queueCounts } from '../data/queues.ts';
import { reprocessCommand } from '../reprocess.ts';
import { articleParams, failuresQuery, noQuery, pairsQuery, parseInput, runParams } from '../schemas.ts';
import type { ArticleDetail, RunDetail } from '../data/types.ts';
import type { OverviewModel } from '../views/overview.ts';
import type { FailuresModel } from '../views/failures.ts';
import type { PairsModel } from '../views/pairs.ts';
import { badRequest, notFound, type Loader } from './types.ts';

export const loadOverview: Loader<OverviewModel> = async (deps, request) => {
  const query = parseInput(noQuery, request.query, 'query');
  if (!query.ok) return badRequest(query.failure);
  const [counts, runs, failureClasses, queues] = await Promise.all([
    deps.data.stageCounts(),
    deps.data.runs(25),
    deps.data.failureClasses({ limit: 15 }),
    queueCounts(deps.queues),
  ]);
  return { model: { counts, runs, failureClasses, queues } };
};

export const loadRun: Loader<RunDetail> = async (deps, request) => {
  const params = parseInput(runParams, request.params, 'params');
  if (!params.ok) return badRequest(params.failure);
  const query = parseInput(noQuery, request.query, 'query');
  if (!query.ok) return badRequest(query.failure);
  const detail = await deps.data.run(params.value.id);
  return detail ? { model: detail } : notFound(`no run ${params.value.id}`);
};

export const loadFailures: Loader<FailuresModel> = async (deps, request) => {
  const query = parseInput(failuresQuery, request.query, 'query');
  if (!query.ok) return badRequest(query.failure);
  const { page, pageSize, ...filter } = query.value;
  const rows = await deps.data.failures({ ...filter, page, pageSize });
  const sinceText = typeof request.query.since === 'string' && request.query.since !== '' ? request.query.since : undefined;
  return { model: { filter, sinceText, page: rows, command: reprocessCommand(filter) } };
};

export const loadArticle: Loader<ArticleDetail> = async (deps, request) => {
  const params = parseInput(articleParams, request.params, 'params');
  if (!params.ok) return badRequest(params.failure);
  const query = parseInput(noQuery, request.query, 'query');
  if (!query.ok) return badRequest(query.failure);
  const detail = await deps.data.article(params.value.key);
  return detail ? { model: detail } : notFound(`no article ${params.value.key}`);
};

export const loadPairs: Loader<PairsModel> = async (deps, request) => {
  const query = parseInput(pairsQuery, request.query, 'query');
  if (!query.ok) return badRequest(query.failure);
  const [page, methods] = await Promise.all([deps.data.pairs(query.value), deps.data.pairMethods()]);
  return { model: { filter: query.value, methods, page } };
};

/** JSON shape of /api/failures: the page plus the command, without the echo of the form text. */
export function failuresJson(model: FailuresModel) {
  return { filter: model.filter, reprocessCommand: model.command, ...model.page };
}

export function pairsJson(model: PairsModel) {
  return { filter: model.filter, ...model.page };
}
