// Entry of every worker thread: registers tsx (threads do not inherit the parent's loader), loads the
// handler module named in workerData and answers {id, task} messages one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const mod = await import(workerData.module);
const handle = await mod.createHandler(workerData.init);
parentPort.on('message', async ({ id, task }) => {
  try {
    const { result, transfer } = await handle(task);
    parentPort.postMessage({ id, ok: true, result }, transfer ?? []);
  } catch (error) {
    const e = error ?? {};
    parentPort.postMessage({
      id,
      ok: false,
      error: { errorClass: e.errorClass ?? null, message: e.message ?? String(error), subject: e.subject ?? null, code: e.code ?? null },
    });
  }
});
parentPort.postMessage({ ready: true });
