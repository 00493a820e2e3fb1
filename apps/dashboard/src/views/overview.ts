import type { QueueCounts } from '../data/queues.ts';
import { QUEUE_STATES } from '../data/queues.ts';
import type { FailureClassCount, RunSummary, StageCounts } from '../data/types.ts';
import { STAGES } from '../schemas.ts';
import { progressBar, stageTable, when } from './components.ts';
import { html, queryString, segment, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';

export interface OverviewModel {
  counts: StageCounts;
  runs: RunSummary[];
  failureClasses: FailureClassCount[];
  queues: QueueCounts[];
}

export function failureClassTable(classes: FailureClassCount[], run?: string): SafeHtml {
  if (classes.length === 0) return html`<p class="muted">No open failures.</p>`;
  return html`<table class="failure-classes"><thead><tr><th>stage</th><th>error class</th><th>kind</th><th class="num">open</th></tr></thead><tbody>${classes.map(
    (row) =>
      html`<tr><td>${row.stage}</td><td><a href="/failures${queryString({ stage: row.stage, errorClass: row.errorClass, run })}">${row.errorClass}</a></td><td>${row.kind}</td><td class="num">${row.count}</td></tr>`,
  )}</tbody></table>`;
}

/** A run's source, shortened: the enqueue command stores it as JSON ({kind, bucket, ...}). */
function sourceSummary(source: string): string {
  try {
    const parsed: unknown = JSON.parse(source);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.entries(parsed as Record<string, unknown>)
        .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
        .map(([key, value]) => (key === 'kind' ? String(value) : `${key}=${String(value)}`))
        .join(' ');
    }
  } catch {
    // not JSON: show as stored
  }
  return source;
}

function runsTable(runs: RunSummary[]): SafeHtml {
  if (runs.length === 0) return html`<p class="muted">No runs yet.</p>`;
  return html`<table class="runs"><thead><tr><th>run</th><th>source</th><th>created</th><th>status</th><th>finished</th><th class="num">listed</th><th class="num">enqueued</th><th class="num">skipped</th><th class="num">articles</th>${STAGES.map(
    (stage) => html`<th>${stage}</th>`,
  )}<th class="num">open failures</th></tr></thead><tbody>${runs.map(
    (run) =>
      html`<tr><td><a href="/runs/${segment(run.id)}">${run.id}</a></td><td><code class="clip small" title="${run.source}">${sourceSummary(run.source)}</code></td><td>${when(run.createdAt)}</td><td>${run.status}</td><td>${when(run.finishedAt)}</td><td class="num">${run.listed}</td><td class="num">${run.enqueued}</td><td class="num">${run.skipped}</td><td class="num">${run.articles}</td>${STAGES.map(
        (stage) => html`<td>${progressBar(run.stages[stage])}</td>`,
      )}<td class="num"><a href="/failures${queryString({ run: run.id })}">${run.openFailures}</a></td></tr>`,
  )}</tbody></table>`;
}

function queueTable(queues: QueueCounts[]): SafeHtml {
  if (queues.length === 0) return html`<p class="muted">No queues attached to this dashboard.</p>`;
  const extra = [...new Set(queues.flatMap((queue) => Object.keys(queue.counts ?? {})))].filter(
    (state) => !(QUEUE_STATES as readonly string[]).includes(state),
  );
  const states = [...QUEUE_STATES, ...extra];
  return html`<table class="queues"><thead><tr><th>queue</th>${states.map((state) => html`<th class="num">${state}</th>`)}</tr></thead><tbody>${queues.map(
    (queue) =>
      html`<tr data-queue="${queue.name}"><th><a href="/queues/queue/${segment(queue.name)}">${queue.name}</a></th>${
        queue.counts
          ? states.map((state) => html`<td class="num" data-state="${state}">${queue.counts?.[state] ?? 0}</td>`)
          : html`<td colspan="${states.length}" class="error">Redis did not answer: ${queue.error ?? 'unknown error'}</td>`
      }</tr>`,
  )}</tbody></table>`;
}

export function overviewPage(model: OverviewModel): string {
  return layout(
    'Overview',
    html`<h1>Overview</h1>
<h2>Articles</h2>${stageTable('articles by stage status', model.counts.articles, 'article-counts')}
<h2>Figures</h2>${stageTable('figures by stage status', model.counts.figures, 'figure-counts')}
<h2>Queues</h2>${queueTable(model.queues)}
<h2>Runs</h2>${runsTable(model.runs)}
<h2>Top open failure classes</h2>${failureClassTable(model.failureClasses)}
<p><a href="/failures">All failures →</a></p>`,
  );
}
