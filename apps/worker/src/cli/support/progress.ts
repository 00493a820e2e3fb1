import cliProgress from 'cli-progress';

export interface Progress {
  increment(payload?: Record<string, string | number>): void;
  stop(): void;
}

/** A progress bar with counts, rate and ETA on stderr; silent when stderr is not a terminal and quiet is set. */
export function createProgress(total: number, label: string, options: { quiet?: boolean } = {}): Progress {
  if (options.quiet) return { increment: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} | {percentage}% | {rate}/s | ETA {eta_formatted} | failures {failures}`,
      stream: process.stderr,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 2000,
      etaBuffer: 50,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let done = 0;
  bar.start(total, 0, { rate: '0.0', failures: 0 });
  return {
    increment(payload = {}) {
      done += 1;
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      bar.increment(1, { rate: (done / seconds).toFixed(1), ...payload });
    },
    stop: () => bar.stop(),
  };
}
