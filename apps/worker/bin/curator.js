#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so no build step is needed after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
