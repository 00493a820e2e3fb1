import type { ParseFailure } from '../schemas.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';

export function errorPage(title: string, message: string, failure?: ParseFailure): string {
  return layout(
    title,
    html`<h1>${title}</h1><div class="error"><p>${message}</p>${
      failure
        ? html`<ul>${failure.issues.map((issue) => html`<li><code>${failure.where}${issue.path ? `.${issue.path}` : ''}</code>: ${issue.message}</li>`)}</ul>`
        : ''
    }</div>`,
  );
}
