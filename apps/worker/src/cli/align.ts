import type { Command } from 'commander';

export function registerAlign(program: Command): void {
  program.command('align').description('(not implemented yet)').action(() => {
    throw new Error('align is not implemented yet');
  });
}
