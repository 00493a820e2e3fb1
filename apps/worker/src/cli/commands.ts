import type { Command } from 'commander';
import { registerJats } from './jats.ts';
import { registerIngest } from './ingest.ts';
import { registerDetect } from './detect.ts';
import { registerEvalDetect } from './eval-detect.ts';
import { registerSplitCaption } from './split-caption.ts';
import { registerAlign } from './align.ts';
import { registerEvalCaptions } from './eval-captions.ts';
import { registerEvalAlign } from './eval-align.ts';
import { registerQueueCommands } from './queue-commands.ts';
import { registerDashboard } from './dashboard.ts';
import { registerExport } from './export.ts';
import { registerMigrate } from './migrate.ts';
import { registerGc } from './gc.ts';

/** Every subcommand, one file each. */
export function registerCommands(program: Command): void {
  registerJats(program);
  registerIngest(program);
  registerDetect(program);
  registerEvalDetect(program);
  registerSplitCaption(program);
  registerAlign(program);
  registerEvalCaptions(program);
  registerEvalAlign(program);
  registerQueueCommands(program);
  registerDashboard(program);
  registerExport(program);
  registerMigrate(program);
  registerGc(program);
}
