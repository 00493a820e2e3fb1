import type { Page, StageStatusCounts, StatusCounts } from '../data/types.ts';
import { STATUSES } from '../schemas.ts';
import { html, queryString, type SafeHtml } from './html.ts';

export function when(date: Date | null | undefined): SafeHtml {
  if (!date) return html`<span class="muted">–</span>`;
  const iso = date.toISOString();
  return html`<time datetime="${iso}">${iso.replace('T', ' ').slice(0, 19)}</time>`;
}

export function status(value: string): SafeHtml {
  return html`<span class="st ${value}">${value}</span>`;
}

function total(counts: StatusCounts): number {
  return STATUSES.reduce((sum, key) => sum + counts[key], 0);
}

/** Share of rows that finished the stage (done, skipped or failed). */
function finished(counts: StatusCounts): number {
  const n = total(counts);
  return n === 0 ? 0 : (counts.done + counts.skipped + counts.failed) / n;
}

export function progressBar(counts: StatusCounts): SafeHtml {
  const n = total(counts);
  if (n === 0) return html`<span class="muted small">no rows</span>`;
  const parts = (['done', 'skipped', 'failed'] as const).map((key) => {
    const width = ((counts[key] / n) * 100).toFixed(2);
    return counts[key] > 0 ? html`<span class="s-${key}" style="width:${width}%" title="${key} ${counts[key]}"></span>` : html``;
  });
  return html`<div class="bar" title="${Math.round(finished(counts) * 100)}% finished">${parts}</div>`;
}

export function stageTable(caption: string, counts: StageStatusCounts, id: string): SafeHtml {
  return html`<table id="${id}"><caption class="muted small" style="text-align:left">${caption}</caption>
<thead><tr><th>stage</th>${STATUSES.map((key) => html`<th class="num">${key}</th>`)}<th class="num">total</th><th>progress</th></tr></thead>
<tbody>${Object.entries(counts).map(
    ([stage, row]) =>
      html`<tr data-stage="${stage}"><th>${stage}</th>${STATUSES.map((key) => html`<td class="num" data-status="${key}">${row[key]}</td>`)}<td class="num">${total(row)}</td><td>${progressBar(row)}</td></tr>`,
  )}</tbody></table>`;
}

export function pager(base: string, page: Page<unknown>, params: Record<string, string | number | undefined>): SafeHtml {
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const link = (target: number, label: string) =>
    html`<a href="${base}${queryString({ ...params, page: target, pageSize: page.pageSize === 50 ? undefined : page.pageSize })}">${label}</a>`;
  return html`<div class="pager"><span>page ${page.page} of ${pages} (${page.total} rows)</span>
${page.page > 1 ? link(page.page - 1, '← previous') : ''}${page.page < pages ? link(page.page + 1, 'next →') : ''}</div>`;
}

/** The URL of a curated object, served through /objects. */
export function objectUrl(key: string): string {
  return `/objects/${key.split('/').map(encodeURIComponent).join('/')}`;
}
