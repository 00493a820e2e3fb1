import type { Command } from 'commander';

export function registerJats(program: Command): void {
  program.command('jats').description('(not implemented yet)').action(() => {
    throw new Error('jats is not implemented yet');
  });
}
