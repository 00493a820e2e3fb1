import type { Command } from 'commander';

export function registerDetect(program: Command): void {
  program.command('detect').description('(not implemented yet)').action(() => {
    throw new Error('detect is not implemented yet');
  });
}
