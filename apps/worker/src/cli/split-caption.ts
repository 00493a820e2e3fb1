import type { Command } from 'commander';

export function registerSplitCaption(program: Command): void {
  program.command('split-caption').description('(not implemented yet)').action(() => {
    throw new Error('split-caption is not implemented yet');
  });
}
