import type { Worker } from 'bullmq';
import type { Logger } from '../log.ts';
import { downDependency } from './guard.ts';

/** The job that found a dependency down (its ids go into the log line). */
export interface OutageJob {
  jobId?: string | undefined;
  queue?: string;
  articleKey?: string | undefined;
}

export interface OutageState {
  /** The dependency being waited for, or null. */
  dependency: string | null;
  since: number | null;
  /** Outages waited out since the pool started, and their total length. */
  count: number;
  totalMs: number;
}

/**
 * Pauses a pool's workers while PostgreSQL or the object store is down and resumes them when it answers again:
 * jobs set aside by the guard are not charged an attempt, and no new job is taken meanwhile. One line per
 * state change (and one every `logEveryMs` while it lasts) makes the outage visible in the logs (warn, with the
 * dependency, the paused workers and the job that found it down; info when it answers again).
 */
export class OutageMonitor {
  readonly state: OutageState = { dependency: null, since: null, count: 0, totalMs: 0 };
  private timer: NodeJS.Timeout | null = null;
  private lastLog = 0;

  constructor(
    private readonly deps: Parameters<typeof downDependency>[0],
    private readonly workers: () => Worker[],
    private readonly log: Logger,
    private readonly options: { firstCheckMs?: number; maxCheckMs?: number; logEveryMs?: number } = {},
  ) {}

  /** A job found `dependency` down: pause (once) and start probing. */
  down(dependency: string, job: OutageJob = {}): void {
    if (this.state.dependency) return;
    this.state.dependency = dependency;
    this.state.since = Date.now();
    this.state.count += 1;
    const paused = this.workers().map((w) => w.name);
    this.log.warn({ dependency, paused, ...job }, `${dependency} is not answering: pausing ${paused.join(', ')} until it does (jobs keep their attempts)`);
    for (const worker of this.workers()) void worker.pause(true);
    this.schedule(this.options.firstCheckMs ?? 1000);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.check(delayMs), delayMs);
    this.timer.unref();
  }

  private async check(lastDelayMs: number): Promise<void> {
    const down = await downDependency(this.deps);
    const waited = Date.now() - (this.state.since ?? Date.now());
    if (down) {
      if (Date.now() - this.lastLog >= (this.options.logEveryMs ?? 10_000)) {
        this.lastLog = Date.now();
        this.log.warn({ dependency: down, waitedMs: waited }, `still waiting for ${down} (${Math.round(waited / 1000)} s)`);
      }
      this.schedule(Math.min(lastDelayMs * 2, this.options.maxCheckMs ?? 15_000));
      return;
    }
    this.log.info({ dependency: this.state.dependency, waitedMs: waited }, `${this.state.dependency} answers again after ${Math.round(waited / 1000)} s: resuming`);
    this.state.totalMs += waited;
    this.state.dependency = null;
    this.state.since = null;
    this.timer = null;
    for (const worker of this.workers()) void worker.resume();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
