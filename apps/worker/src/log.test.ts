import { describe, expect, it } from 'vitest';
import { configSchema } from './config.ts';
import { createLogger, lineLogger, prettyLine } from './log.ts';

function sink(): { lines: string[]; write(chunk: string): void } {
  const lines: string[] = [];
  return { lines, write: (chunk) => void lines.push(chunk) };
}

describe('daemon logs', () => {
  it('json: one object a line with the worker, child fields and the message', () => {
    const out = sink();
    const log = createLogger({ LOG_LEVEL: 'info', LOG_FORMAT: 'json', WORKER_NAME: 'w1' }, { destination: out });
    log.child({ stage: 'detect' }).warn({ jobId: 'j1', articleKey: 'PMC1.1' }, 'job failed: boom');
    log.debug('not at info');
    expect(out.lines).toHaveLength(1);
    expect(JSON.parse(out.lines[0]!)).toMatchObject({ level: 40, worker: 'w1', stage: 'detect', jobId: 'j1', articleKey: 'PMC1.1', msg: 'job failed: boom' });
  });

  it('pretty: a compact line with time, level, [worker stage], message and key=value fields', () => {
    const out = sink();
    const log = createLogger({ LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty', WORKER_NAME: 'w1' }, { destination: out });
    log.child({ stage: 'align' }).debug({ jobId: 'a b', attempt: 2 }, 'job will be retried');
    expect(out.lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z DEBUG \[w1 align\] job will be retried jobId="a b" attempt=2\n$/);
    expect(prettyLine('not json')).toBe('not json\n');
    expect(prettyLine(JSON.stringify({ level: 50, time: 0, msg: 'down', err: { type: 'Error', message: 'x', stack: 'Error: x\n    at f' } }))).toBe(
      '1970-01-01T00:00:00.000Z ERROR down err="Error: x"\n    Error: x\n        at f\n',
    );
  });

  it('json unless the destination is a terminal when LOG_FORMAT is unset', () => {
    const [file, tty] = [sink(), sink()];
    createLogger({ LOG_LEVEL: 'info' }, { destination: file, isTTY: false }).info('x');
    createLogger({ LOG_LEVEL: 'info' }, { destination: tty, isTTY: true }).info('x');
    expect(() => JSON.parse(file.lines[0]!)).not.toThrow();
    expect(tty.lines[0]).toMatch(/ INFO  \[\S+\] x\n$/);
  });

  it('a line logger hands in-process callers the message text only', () => {
    const lines: string[] = [];
    const log = lineLogger((line) => lines.push(line));
    log.child({ stage: 'ingest' }).warn({ dependency: 'PostgreSQL' }, 'PostgreSQL is not answering: pausing');
    log.debug('hidden');
    expect(lines).toEqual(['PostgreSQL is not answering: pausing']);
  });

  it('LOG_LEVEL and LOG_FORMAT are validated settings', () => {
    expect(configSchema.parse({}).LOG_LEVEL).toBe('info');
    expect(configSchema.parse({}).LOG_FORMAT).toBeUndefined();
    expect(configSchema.parse({ LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty' })).toMatchObject({ LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty' });
    expect(configSchema.parse({ LOG_FORMAT: '' }).LOG_FORMAT).toBeUndefined();
    expect(configSchema.safeParse({ LOG_FORMAT: 'xml' }).success).toBe(false);
    expect(configSchema.safeParse({ LOG_LEVEL: 'loud' }).success).toBe(false);
  });
});
