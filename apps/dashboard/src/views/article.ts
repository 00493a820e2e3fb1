import type { ArticleDetail, FigureView, PairView, SubfigureView } from '../data/types.ts';
import { objectUrl, status, when } from './components.ts';
import { html, queryString, segment, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';

const pct = (value: number, of: number) => `${((Math.max(0, Math.min(value, of)) / of) * 100).toFixed(3)}%`;

/** A subfigure box over the image, positioned in percent of the original pixel size. */
function boxDiv(sub: SubfigureView, width: number, height: number): SafeHtml {
  const style = `left:${pct(sub.x1, width)};top:${pct(sub.y1, height)};width:${pct(sub.x2 - sub.x1, width)};height:${pct(sub.y2 - sub.y1, height)}`;
  const title = `#${sub.index} ${sub.labelText ?? ''} score ${sub.score.toFixed(2)} (${sub.method}) [${sub.x1},${sub.y1},${sub.x2},${sub.y2}]`;
  return html`<div class="box" style="${style}" title="${title}" data-index="${sub.index}"><b>${sub.labelText ?? String(sub.index + 1)}</b></div>`;
}

function figureImage(figure: FigureView): SafeHtml {
  const key = figure.normalizedKey ?? figure.imageKey;
  if (!key) return html`<p class="muted">No stored image (ingest ${figure.ingestStatus}).</p>`;
  const boxes = figure.width && figure.height ? figure.subfigures.map((sub) => boxDiv(sub, figure.width!, figure.height!)) : [];
  return html`<div class="stage"><img src="${objectUrl(key)}" alt="${figure.label ?? figure.jatsId}" loading="lazy">${boxes}</div>`;
}

function pairRow(pair: PairView): SafeHtml {
  return html`<tr class="pair"><td>${pair.cropKey ? html`<img class="crop" src="${objectUrl(pair.cropKey)}" alt="panel ${pair.label ?? pair.subfigureIndex}" loading="lazy">` : html`<span class="muted">no crop</span>`}</td>
<td>${pair.label ?? ''}</td><td>${pair.text}</td><td>${pair.method}</td><td class="num">${pair.confidence.toFixed(2)}</td></tr>`;
}

function figureSection(figure: FigureView): SafeHtml {
  const anchor = figure.graphicIndex === 0 ? figure.jatsId : `${figure.jatsId}-g${figure.graphicIndex}`;
  return html`<section class="figure" id="fig-${anchor}">
<h2>${figure.label ?? figure.jatsId} <span class="small muted">${figure.jatsId}${figure.graphicIndex > 0 || figure.graphicHref ? html` · ${figure.graphicHref ?? `graphic ${figure.graphicIndex + 1}`}` : ''}</span></h2>
<p class="small">ingest ${status(figure.ingestStatus)} detect ${status(figure.detectStatus)}${figure.detectMethod ? html` <span class="muted">(${figure.detectMethod})</span>` : ''} align ${status(figure.alignStatus)}
<span class="muted">${figure.width && figure.height ? `${figure.width}×${figure.height}` : ''} ${figure.format ?? ''} ${figure.byteSize ? `${Math.round(figure.byteSize / 1024)} KiB` : ''}</span>
${figure.imageKey ? html` · <a href="${objectUrl(figure.imageKey)}">original</a>` : ''}</p>
${figureImage(figure)}
<p class="caption">${figure.caption}</p>
${
  figure.subfigures.length > 0
    ? html`<table class="subfigures small"><thead><tr><th>#</th><th>label</th><th>box (x1,y1,x2,y2)</th><th class="num">score</th><th>method</th></tr></thead><tbody>${figure.subfigures.map(
        (sub) => html`<tr><td>${sub.index}</td><td>${sub.labelText ?? ''}</td><td><code>${sub.x1},${sub.y1},${sub.x2},${sub.y2}</code></td><td class="num">${sub.score.toFixed(2)}</td><td>${sub.method} ${sub.modelVersion}</td></tr>`,
      )}</tbody></table>`
    : ''
}
${
  figure.subcaptions.length > 0
    ? html`<details><summary>${figure.subcaptions.length} subcaptions</summary><ul>${figure.subcaptions.map((sub) => html`<li><b>${sub.label}</b> ${sub.text} <span class="muted small">(${sub.confidence.toFixed(2)})</span></li>`)}</ul></details>`
    : ''
}
${
  figure.pairs.length > 0
    ? html`<table class="pairs"><thead><tr><th>crop</th><th>label</th><th>subcaption</th><th>method</th><th class="num">confidence</th></tr></thead><tbody>${figure.pairs.map(pairRow)}</tbody></table>`
    : ''
}
</section>`;
}

export function articlePage(detail: ArticleDetail): string {
  const { article } = detail;
  const link = (value: string | null, href: string) => (value ? html`<a href="${href}">${value}</a>` : html`<span class="muted">–</span>`);
  return layout(
    article.key,
    html`<h1>${article.title ?? article.key}</h1>
<table class="meta"><tbody>
<tr><th>key</th><td><code>${article.key}</code></td></tr>
<tr><th>PMCID / version</th><td>${article.pmcid ?? '–'} ${article.version !== null ? `v${article.version}` : ''}</td></tr>
<tr><th>PMID</th><td>${link(article.pmid, `https://pubmed.ncbi.nlm.nih.gov/${encodeURIComponent(article.pmid ?? '')}/`)}</td></tr>
<tr><th>DOI</th><td>${link(article.doi, `https://doi.org/${article.doi ?? ''}`)}</td></tr>
<tr><th>licence</th><td>${article.licenseCode ?? 'unknown'} <span class="muted">(${article.licenseGroup})</span>${article.retracted ? html` <span class="st failed">retracted</span>` : ''}</td></tr>
<tr><th>source</th><td>${article.sourceKind} <code class="small">${article.sourceRef}</code></td></tr>
<tr><th>stages</th><td>ingest ${status(article.ingestStatus)} v${article.ingestVersion ?? '–'} · detect ${status(article.detectStatus)} v${article.detectVersion ?? '–'} · align ${status(article.alignStatus)} v${article.alignVersion ?? '–'}</td></tr>
${article.skipReason ? html`<tr><th>skip reason</th><td>${article.skipReason}</td></tr>` : ''}
<tr><th>figures</th><td>${article.figureCount}</td></tr>
<tr><th>runs</th><td>${detail.runIds.length ? detail.runIds.map((id) => html`<a href="/runs/${segment(id)}">${id}</a> `) : '–'}</td></tr>
<tr><th>created / updated</th><td>${when(article.createdAt)} / ${when(article.updatedAt)}</td></tr>
</tbody></table>
${
  detail.failures.length > 0
    ? html`<h2>Failures</h2><table class="failures"><thead><tr><th>stage</th><th>subject</th><th>class</th><th>kind</th><th>message</th><th class="num">attempts</th><th>last seen</th><th>resolved</th></tr></thead><tbody>${detail.failures.map(
        (failure) =>
          html`<tr><td>${failure.stage}</td><td><code>${failure.subject || '(article)'}</code></td><td><a href="/failures${queryString({ errorClass: failure.errorClass, stage: failure.stage })}">${failure.errorClass}</a></td><td>${failure.kind}</td><td>${failure.message}</td><td class="num">${failure.attempt}</td><td>${when(failure.lastSeenAt)}</td><td>${failure.resolved ? 'yes' : 'no'}</td></tr>`,
      )}</tbody></table>`
    : ''
}
${detail.figures.map(figureSection)}`,
  );
}
