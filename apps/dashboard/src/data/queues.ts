/** The part of a BullMQ `Queue` the dashboard reads (structural, so tests can pass a fake). */
export interface QueueLike {
  readonly name: string;
  getJobCounts(): Promise<Record<string, number>>;
  /** The most recently completed jobs, newest first (BullMQ `Queue.getJobs`), for the job-duration histogram. */
  getJobs?(types: ['completed'], start: number, end: number, asc: boolean): Promise<FinishedJob[]>;
}

/** The BullMQ job timestamps the duration histogram reads (a `Job` satisfies this). */
export interface FinishedJob {
  id?: string | undefined;
  name: string;
  processedOn?: number | undefined;
  finishedOn?: number | undefined;
}

export interface QueueCounts {
  name: string;
  counts: Record<string, number> | null;
  /** Set when Redis did not answer for this queue. */
  error?: string;
}

/** The job-state columns shown, in order; any other state BullMQ reports is shown after them. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused', 'completed', 'failed'] as const;

export async function queueCounts(queues: readonly QueueLike[]): Promise<QueueCounts[]> {
  return Promise.all(
    queues.map(async (queue) => {
      try {
        return { name: queue.name, counts: await queue.getJobCounts() };
      } catch (error) {
        return { name: queue.name, counts: null, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}
