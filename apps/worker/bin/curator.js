#!/usr/bin/env -S node --initial-heap-size=128
// The flag is HEAP_FLAGS (src/workers/heap-flags.ts): eval-detect detects in this process.
// Runs the TypeScript CLI directly through tsx, so no build step is needed after `npm ci`.
import { register } from 'tsx/esm/api';

// The SDK's notice that Node 20 support ends in 2027 is said in the README; don't repeat it on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
