import { CurationError } from '@pmc-curator/pipeline/errors';
import { ocrModelPaths } from '../../../../packages/pipeline/src/detect/ocr/models.ts';
import { createSession, ort } from '../../../../packages/pipeline/src/detect/onnx/session.ts';

export type FixtureTask = { kind: 'echo' | 'spin' | 'stubborn' | 'onnx' | 'fail' | 'alloc' | 'exit' | 'sleep' | 'flags'; value?: string; mib?: number; ms?: number };

/**
 * Handler used by process-pool.test.ts: echoes, spins forever in JavaScript (also with SIGTERM ignored), runs
 * onnxruntime inference forever (native code), throws a classified error, holds `mib` MiB of memory, sleeps
 * `ms`, exits, or answers with its process's flags. With `failStart` the handler cannot be built.
 */
export async function createHandler(init: { greeting: string; failStart?: boolean }) {
  if (init.failStart) throw new CurationError('InvalidInput', 'no such model');
  let session: ort.InferenceSession | null = null;
  const held: Buffer[] = [];
  return async (task: FixtureTask) => {
    if (task.kind === 'spin') for (;;);
    if (task.kind === 'stubborn') {
      process.on('SIGTERM', () => {});
      for (;;);
    }
    if (task.kind === 'sleep') await new Promise((resolve) => setTimeout(resolve, task.ms));
    if (task.kind === 'onnx') {
      session ??= (await createSession(ocrModelPaths().detection)).session;
      const input = new ort.Tensor('float32', new Float32Array(3 * 960 * 960).fill(0.5), [1, 3, 960, 960]);
      for (;;) await session.run({ [session.inputNames[0]!]: input });
    }
    if (task.kind === 'fail') throw new CurationError('CorruptImage', `bad ${task.value}`, { subject: 'fig1' });
    if (task.kind === 'exit') process.exit(3);
    if (task.kind === 'flags') return { result: { text: process.execArgv.join(' '), pid: process.pid } };
    if (task.kind === 'alloc') {
      for (let i = 0; i < (task.mib ?? 0); i++) held.push(Buffer.alloc(2 ** 20, 1));
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
    return { result: { text: `${init.greeting} ${task.value}`, pid: process.pid } };
  };
}
