import type { FailureClassCount, FailureFilter, FailurePage, FailureRow } from '../data/types.ts';
import { STAGES } from '../schemas.ts';
import { pager, when } from './components.ts';
import { html, queryString, segment, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';

export interface FailuresModel {
  filter: Omit<FailureFilter, 'page' | 'pageSize'>;
  /** The raw `since` text the user typed, echoed back into the form. */
  sinceText: string | undefined;
  page: FailurePage;
  command: string | null;
}

function row(failure: FailureRow) {
  return html`<tr class="failure" data-id="${failure.id}">
<td><a href="/articles/${segment(failure.articleKey)}">${failure.articleKey}</a>${failure.runId ? html`<div class="small muted">run <a href="/runs/${segment(failure.runId)}">${failure.runId}</a></div>` : ''}</td>
<td>${failure.stage}</td><td><code>${failure.subject || '(article)'}</code>${failure.figureJatsId ? html`<div class="small muted">figure ${failure.figureJatsId}</div>` : ''}</td>
<td>${failure.errorClass}</td><td>${failure.kind}</td><td class="message">${failure.message}</td><td class="num">${failure.attempt}</td><td>${failure.worker ?? ''}</td>
<td class="small">${when(failure.firstSeenAt)}<br>${when(failure.lastSeenAt)}</td><td>${failure.resolved ? html`yes ${when(failure.resolvedAt)}` : 'no'}</td></tr>`;
}

type Params = Record<string, string | undefined>;

/** What the selection holds, class by class, each a link that narrows the filter to it. */
function classBreakdown(classes: FailureClassCount[], params: Params): SafeHtml {
  if (classes.length < 2) return html``;
  return html`<table class="selection-classes small"><caption class="muted" style="text-align:left">in this selection</caption><tbody>${classes.map(
    (row) =>
      html`<tr><td>${row.stage}</td><td><a href="/failures${queryString({ ...params, stage: row.stage, errorClass: row.errorClass })}">${row.errorClass}</a></td><td>${row.kind}</td><td class="num">${row.count}</td></tr>`,
  )}</tbody></table>`;
}

export function failuresPage(model: FailuresModel): string {
  const { filter } = model;
  const params = {
    stage: filter.stage,
    errorClass: filter.errorClass,
    resolved: filter.resolved === 'false' ? undefined : filter.resolved,
    run: filter.run,
    since: model.sinceText,
  };
  return layout(
    'Failures',
    html`<h1>Failure ledger</h1>
<form class="filters" method="get" action="/failures">
<label>stage<select name="stage"><option value="">any</option>${STAGES.map((stage) => html`<option${filter.stage === stage ? html` selected` : ''}>${stage}</option>`)}</select></label>
<label>error class<input name="errorClass" value="${filter.errorClass ?? ''}" placeholder="CorruptImage"></label>
<label>resolved<select name="resolved">${(['false', 'true', 'all'] as const).map((value) => html`<option${filter.resolved === value ? html` selected` : ''}>${value}</option>`)}</select></label>
<label>run<input name="run" value="${filter.run ?? ''}"></label>
<label>since<input name="since" value="${model.sinceText ?? ''}" placeholder="24h or 2026-01-31"></label>
<button type="submit">Filter</button></form>
${
  model.command
    ? html`<p>Re-enqueue the ${model.page.total} ${model.page.total === 1 ? 'failure' : 'failures'} this filter selects:</p><pre class="cmd" id="reprocess">${model.command}</pre>`
    : html`<p class="muted">Resolved failures are not reprocessed.</p>`
}
${classBreakdown(model.page.classes, params)}
${pager('/failures', model.page, params)}
${
  model.page.items.length === 0
    ? html`<p class="muted">No failures match.</p>`
    : html`<table class="failures"><thead><tr><th>article</th><th>stage</th><th>subject</th><th>class</th><th>kind</th><th>message</th><th class="num">attempts</th><th>worker</th><th>first / last seen</th><th>resolved</th></tr></thead><tbody>${model.page.items.map(row)}</tbody></table>`
}`,
  );
}
