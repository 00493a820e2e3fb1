import type { Page, PairFilter, PairListItem } from '../data/types.ts';
import { objectUrl, pager } from './components.ts';
import { html, segment } from './html.ts';
import { layout } from './layout.ts';

export interface PairsModel {
  filter: PairFilter;
  methods: string[];
  page: Page<PairListItem>;
}

function card(pair: PairListItem) {
  return html`<div class="card pair" data-id="${pair.id}">
${pair.cropKey ? html`<img class="crop" src="${objectUrl(pair.cropKey)}" alt="panel ${pair.label ?? ''}" loading="lazy">` : html`<span class="muted">no crop</span>`}
<p class="text" title="${pair.text}"><b>${pair.label ?? '–'}</b> ${pair.text}</p>
<p class="small muted">${pair.method} · ${pair.confidence.toFixed(2)} · <a href="/articles/${segment(pair.articleKey)}#fig-${pair.figureJatsId}">${pair.articleKey}</a> ${pair.figureLabel ?? pair.figureJatsId}</p></div>`;
}

export function pairsPage(model: PairsModel): string {
  const { filter } = model;
  return layout(
    'Pairs',
    html`<h1>Pairs</h1>
<form class="filters" method="get" action="/pairs">
<label>method<select name="method"><option value="">any</option>${model.methods.map((method) => html`<option${filter.method === method ? html` selected` : ''}>${method}</option>`)}</select></label>
<label>min confidence<input name="minConfidence" type="number" min="0" max="1" step="0.05" value="${filter.minConfidence ?? ''}"></label>
<button type="submit">Filter</button></form>
${pager('/pairs', model.page, { method: filter.method, minConfidence: filter.minConfidence })}
${model.page.items.length === 0 ? html`<p class="muted">No pairs match.</p>` : html`<div class="grid">${model.page.items.map(card)}</div>`}`,
  );
}
