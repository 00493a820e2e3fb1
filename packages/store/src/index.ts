// @pmc-curator/store: everything the store offers. Prefer the subpaths (`@pmc-curator/store/db`, `/storage`,
// `/queues`, `/lifecycle`, `/settings`), which load only what they name.
export * from './db/index.ts';
export * from './storage/index.ts';
export * from './queues/index.ts';
export * from './lifecycle.ts';
export * from './settings.ts';
