import type { QueueLike } from '../data/queues.ts';
import type { DashboardData } from '../data/types.ts';
import type { DashboardMetrics } from '../metrics.ts';
import type { HandlerResult, ParsedRequest } from '../http.ts';
import type { ParseFailure } from '../schemas.ts';

/** What the handlers depend on; all of it replaceable in tests. */
export interface DashboardDeps {
  data: DashboardData;
  /** The curated bucket (the worker's `S3ObjectStore` satisfies this). Null: /objects answers 404. */
  objects: { get(key: string): Promise<Uint8Array> } | null;
  queues: readonly QueueLike[];
  /** This app's Prometheus registry (its gauges and the job-duration histogram), read by /metrics. */
  metrics: DashboardMetrics;
  /** Throws when Redis does not answer. */
  pingRedis(): Promise<void>;
}

export type Handler = (deps: DashboardDeps, request: ParsedRequest) => Promise<HandlerResult>;

/** A loader either produces a view model or says why it cannot. */
export type Loaded<M> = { model: M } | { error: { status: number; message: string; failure?: ParseFailure } };

export type Loader<M> = (deps: DashboardDeps, request: ParsedRequest) => Promise<Loaded<M>>;

export function badRequest(failure: ParseFailure): Loaded<never> {
  return { error: { status: 400, message: `bad ${failure.where} parameters`, failure } };
}

export function notFound(message: string): Loaded<never> {
  return { error: { status: 404, message } };
}
