import type { FailureFilter } from './data/types.ts';

const SHELL_SAFE = /^[A-Za-z0-9_.:@%+=,/-]+$/;

/** Quotes one argument for a POSIX shell. */
export function shellQuote(value: string): string {
  return SHELL_SAFE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The CLI command that re-enqueues the failures a ledger filter selects. Only unresolved failures are
 * reprocessed, so a filter on resolved failures has no command (null).
 */
export function reprocessCommand(filter: Omit<FailureFilter, 'page' | 'pageSize'>): string | null {
  if (filter.resolved === 'true') return null;
  const args = ['curator', 'reprocess', '--failed'];
  if (filter.stage) args.push('--stage', filter.stage);
  if (filter.errorClass) args.push('--error-class', filter.errorClass);
  if (filter.run) args.push('--run', filter.run);
  if (filter.since) args.push('--since', filter.since.toISOString());
  return args.map(shellQuote).join(' ');
}
