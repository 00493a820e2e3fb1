import type { RunDetail } from '../data/types.ts';
import { stageTable, when } from './components.ts';
import { html, queryString } from './html.ts';
import { layout } from './layout.ts';
import { failureClassTable } from './overview.ts';

export function runPage(detail: RunDetail): string {
  const { run } = detail;
  return layout(
    `Run ${run.id}`,
    html`<h1>Run <code>${run.id}</code></h1>
<table class="meta"><tbody>
<tr><th>source</th><td>${run.source}</td></tr>
<tr><th>filters</th><td><code>${JSON.stringify(run.filters)}</code></td></tr>
<tr><th>created</th><td>${when(run.createdAt)}</td></tr><tr><th>started</th><td>${when(run.startedAt)}</td></tr><tr><th>finished</th><td>${when(run.finishedAt)}</td></tr>
<tr><th>listed / enqueued / skipped</th><td>${run.listed} / ${run.enqueued} / ${run.skipped}</td></tr>
<tr><th>articles in run</th><td>${run.articles}</td></tr>
<tr><th>status</th><td data-run-status="${run.status}">${run.status}</td></tr>
<tr><th>outcomes</th><td>curated ${run.outcomes.curated} · partial ${run.outcomes.partial} · failed ${run.outcomes.failed} · excluded ${run.outcomes.excluded} · unfinished ${run.outcomes.unfinished}</td></tr>
</tbody></table>
<h2>Progress by stage</h2>${stageTable('articles of this run by stage status', run.stages, 'run-stages')}
<h2>Open failures by class</h2>${failureClassTable(detail.failureClasses, run.id)}
<p><a href="/failures${queryString({ run: run.id })}">This run's failures →</a></p>`,
  );
}
