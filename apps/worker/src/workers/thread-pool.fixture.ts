import { threadId } from 'node:worker_threads';
import { CurationError } from '@pmc-curator/pipeline/errors';

/** Handler used by thread-pool.test.ts: echoes, spins forever, or throws a classified error. */
export async function createHandler(init: { greeting: string }) {
  return async (task: { kind: 'echo' | 'spin' | 'fail'; value?: string }) => {
    if (task.kind === 'spin') for (;;);
    if (task.kind === 'fail') throw new CurationError('CorruptImage', `bad ${task.value}`, { subject: 'fig1' });
    return { result: { text: `${init.greeting} ${task.value}`, threadId } };
  };
}
