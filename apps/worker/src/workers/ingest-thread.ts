import type { ArticleSource } from '@pmc-curator/pipeline/sources';
import { loadConfig } from '../config.ts';
import type { ArticleRefData } from '@pmc-curator/store/queues';
import { ingestOptionsFor, readRunSettings, type RunSettings } from '../run/runs.ts';
import { createRuntime } from '../runtime.ts';
import { createSource } from '../sources.ts';
import { runIngestStage } from '../stages/ingest.ts';

export interface IngestThreadInit {
  /** The configuration as environment variables (the child builds its own connections from it). */
  env: Record<string, string>;
}

export interface IngestTask {
  ref: ArticleRefData;
  runId: string;
  attempt: number;
  force: boolean;
  worker: string;
}

export type IngestTaskResult =
  | { status: 'ingested' | 'unchanged'; articleKey: string; figures: number; failures: string[] }
  | { status: 'skipped'; articleKey: string; reason: string }
  | { status: 'failed'; articleKey: string; errorClass: string; message: string };

/**
 * Runs in an ingest child process: the whole ingest of one article (fetch, JATS parse, image normalisation,
 * S3 and Postgres writes) with the child's own connections, so a slow parse never blocks lock renewal and a
 * timeout can stop it by killing the child.
 */
export async function createHandler(init: IngestThreadInit) {
  const config = loadConfig(init.env);
  const runtime = await createRuntime(config);
  const runs = new Map<string, { settings: RunSettings; source: ArticleSource }>();
  const forRun = async (runId: string) => {
    let entry = runs.get(runId);
    if (!entry) {
      const settings = await readRunSettings(runtime.db, runId);
      entry = { settings, source: createSource(settings.spec, config) };
      runs.set(runId, entry);
    }
    return entry;
  };
  return async (task: IngestTask): Promise<{ result: IngestTaskResult }> => {
    const { settings, source } = await forRun(task.runId);
    const outcome = await runIngestStage(
      { db: runtime.db, store: runtime.store, source, options: ingestOptionsFor(settings.filters, config), worker: task.worker },
      { ref: task.ref, runId: task.runId, attempt: task.attempt, force: task.force },
    );
    switch (outcome.status) {
      case 'ingested':
        return { result: { status: 'ingested', articleKey: outcome.articleKey, figures: outcome.figures, failures: outcome.failures.map((f) => f.errorClass) } };
      case 'unchanged':
        return { result: { status: 'unchanged', articleKey: outcome.articleKey, figures: 0, failures: [] } };
      case 'skipped':
        return { result: { status: 'skipped', articleKey: outcome.articleKey, reason: outcome.reason } };
      case 'failed':
        return { result: { status: 'failed', articleKey: outcome.articleKey, errorClass: outcome.error.errorClass, message: outcome.error.message } };
    }
  };
}
