// @pmc-curator/store/queues: every queues module of the store, re-exported.
export * from './connection.ts';
export * from './job-ids.ts';
export * from './job-schemas.ts';
export * from './jobs.ts';
export * from './policy.ts';
export * from './queues.ts';
export * from './stage-versions.ts';
export * from './stale-jobs.ts';
