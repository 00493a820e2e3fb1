import type { Db } from '@pmc-curator/store/db';
import { runProgress, type RunProgress } from '@pmc-curator/store/lifecycle';

export interface WaitOptions {
  /** Give up after this long. @defaultValue no limit */
  timeoutMs?: number;
  /** @defaultValue 500 ms */
  pollMs?: number;
  onProgress?: (progress: RunProgress) => void;
  signal?: AbortSignal;
}

/** Resolves when the run is finished: every article it lists is curated, partial, failed or excluded (see lifecycle.ts). */
export async function waitForRun(db: Db, runId: string, options: WaitOptions = {}): Promise<RunProgress> {
  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Infinity;
  for (;;) {
    const progress = await runProgress(db, runId).catch(() => null);
    if (progress) {
      options.onProgress?.(progress);
      if (progress.status === 'finished') return progress;
    }
    if (options.signal?.aborted) throw new Error('stopped waiting for the run');
    if (Date.now() > deadline) {
      throw new Error(`run ${runId} did not finish within ${options.timeoutMs} ms (${progress ? `${progress.finished}/${progress.listed} articles finished` : 'database unreachable'}); see curator status --run ${runId}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}
