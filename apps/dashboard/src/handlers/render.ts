import { html, json, type HandlerResult } from '../http.ts';
import { errorPage } from '../views/errors.ts';
import type { Handler, Loader } from './types.ts';

/** A view route: load the model, render it as HTML (errors as an HTML error page). */
export function page<M>(load: Loader<M>, render: (model: M) => string): Handler {
  return async (deps, request): Promise<HandlerResult> => {
    const loaded = await load(deps, request);
    if ('error' in loaded) {
      const title = loaded.error.status === 404 ? 'Not found' : 'Bad request';
      return html(errorPage(title, loaded.error.message, loaded.error.failure), loaded.error.status);
    }
    return html(render(loaded.model));
  };
}

/** The JSON twin of a view route: the same loader, the model as JSON. */
export function api<M>(load: Loader<M>, shape: (model: M) => unknown = (model) => model): Handler {
  return async (deps, request): Promise<HandlerResult> => {
    const loaded = await load(deps, request);
    if ('error' in loaded) {
      return json({ error: loaded.error.message, ...(loaded.error.failure ? { issues: loaded.error.failure.issues } : {}) }, loaded.error.status);
    }
    return json(shape(loaded.model));
  };
}
