// Entry of every pool child process: registers tsx (the child runs plain node), loads the handler module
// named in the first message and answers {id, task} messages one at a time over the IPC channel. The child
// exits when its parent goes away (the channel closes), so a killed worker leaves no orphans.
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
process.on('disconnect', () => process.exit(0));

const serialize = (error) => {
  const e = error ?? {};
  return { errorClass: e.errorClass ?? null, message: e.message ?? String(error), subject: e.subject ?? null, code: e.code ?? null };
};
const maxRss = () => process.resourceUsage().maxRSS * 1024;

let handle = null;
let chain = Promise.resolve();
process.on('message', (message) => {
  chain = chain.then(async () => {
    if (message.start) {
      try {
        const mod = await import(pathToFileURL(message.start.module).href);
        handle = await mod.createHandler(message.start.init);
        process.send({ ready: true, maxRss: maxRss() });
      } catch (error) {
        process.send({ startError: serialize(error) }, () => process.exit(1));
      }
      return;
    }
    const { id, task } = message;
    try {
      const { result } = await handle(task);
      process.send({ id, ok: true, result, maxRss: maxRss() });
    } catch (error) {
      process.send({ id, ok: false, error: serialize(error), maxRss: maxRss() });
    }
  });
});
