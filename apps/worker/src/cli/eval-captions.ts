import type { Command } from 'commander';

export function registerEvalCaptions(program: Command): void {
  program.command('eval-captions').description('(not implemented yet)').action(() => {
    throw new Error('eval-captions is not implemented yet');
  });
}
