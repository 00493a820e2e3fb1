import type { Command } from 'commander';

export function registerEvalDetect(program: Command): void {
  program.command('eval-detect').description('(not implemented yet)').action(() => {
    throw new Error('eval-detect is not implemented yet');
  });
}
