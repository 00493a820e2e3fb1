import os from 'node:os';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** The settings the logger reads (a `Config` satisfies this). */
export interface LogSettings {
  LOG_LEVEL: string;
  /** json (one object a line) or pretty (a compact human line); unset: pretty on a terminal, else json. */
  LOG_FORMAT?: 'json' | 'pretty' | undefined;
  WORKER_NAME?: string | undefined;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every line has, shown in the prefix of a pretty line rather than as key=value. */
const PREFIX_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'worker', 'stage', 'component']);

function shown(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value && typeof value === 'object' && 'message' in value && 'type' in value) {
    const error = value as { type: string; message: string; stack?: string };
    return JSON.stringify(`${error.type}: ${error.message}`);
  }
  return JSON.stringify(value);
}

/** One pino JSON line as `2026-12-01T10:00:00.000Z INFO [worker detect] message key=value ...` (no pino-pretty needed). */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString() : '';
  const level = LEVEL_NAMES[entry.level as number] ?? String(entry.level);
  const where = [entry.worker, entry.component, entry.stage].filter((part) => part !== undefined && part !== null).map(String);
  const fields = Object.entries(entry)
    .filter(([key]) => !PREFIX_FIELDS.has(key))
    .map(([key, value]) => `${key}=${shown(value)}`);
  const head = [time, level.padEnd(5), where.length ? `[${where.join(' ')}]` : '', String(entry.msg ?? '')].filter(Boolean).join(' ');
  const stack = (entry.err as { stack?: unknown } | undefined)?.stack;
  return `${[head, ...fields].join(' ')}\n${typeof stack === 'string' && level !== 'INFO' ? `${stack.replace(/^/gm, '    ')}\n` : ''}`;
}

/** A pino destination that writes each line through `prettyLine`. */
function prettyStream(out: { write(chunk: string): unknown }): DestinationStream {
  return { write: (line: string) => void out.write(prettyLine(line)) };
}

export interface CreateLoggerOptions {
  /** Where lines go. @defaultValue stderr (synchronously, so lines written before process.exit are kept) */
  destination?: { write(chunk: string): unknown };
  /** Whether the destination is a terminal (picks pretty when LOG_FORMAT is unset). @defaultValue process.stderr.isTTY */
  isTTY?: boolean;
}

/** The daemon logger: pino with base field `worker` (WORKER_NAME, else host:pid); child loggers add `stage` and job ids. */
export function createLogger(settings: LogSettings, options: CreateLoggerOptions = {}): Logger {
  const format = settings.LOG_FORMAT ?? ((options.isTTY ?? process.stderr.isTTY) ? 'pretty' : 'json');
  const out = options.destination ?? pino.destination({ fd: 2, sync: true });
  return pino(
    {
      level: settings.LOG_LEVEL,
      base: { worker: settings.WORKER_NAME ?? `${os.hostname()}:${process.pid}` },
      timestamp: pino.stdTimeFunctions.epochTime,
    },
    format === 'pretty' ? prettyStream(out) : out,
  );
}

/**
 * A logger whose lines go, as their message text only, to a `(line) => void` callback: in-process callers (tests,
 * `curator run`) keep reading plain lines while the pool logs structured entries.
 */
export function lineLogger(log: (line: string) => void, level = 'info'): Logger {
  return pino({ level, base: null, timestamp: false }, { write: (json: string) => log(String((JSON.parse(json) as { msg?: unknown }).msg ?? '')) });
}
