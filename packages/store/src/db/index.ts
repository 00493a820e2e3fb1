// @pmc-curator/store/db: every db module of the store, re-exported.
export * from './articles.ts';
export * from './client.ts';
export * from './failures.ts';
export * from './figures.ts';
export * from './migrations.ts';
export * from './runs.ts';
export * from './pair-methods.ts';
