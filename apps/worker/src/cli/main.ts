import { Command } from 'commander';
import { registerCommands } from './commands.ts';

/** Parses argv and runs one subcommand. Only this layer exits the process. */
export async function main(argv: string[]): Promise<void> {
  // `curator eval-detect … | head`: a reader that stops early is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const program = new Command()
    .name('curator')
    .description('pmc-curator: turn PMC Open Access articles into subfigure–subcaption pairs')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') {
      process.exit(0);
    }
    if (code?.startsWith('commander.')) process.exit(2);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`curator: ${message}\n`);
    process.exit(1);
  }
}
