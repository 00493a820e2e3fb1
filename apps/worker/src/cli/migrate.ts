import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { migrateDatabase } from '@pmc-curator/store/db';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('create the database in DATABASE_URL if missing and apply the committed migrations (npm run db:migrate)')
    .action(async () => {
      const config = loadConfig();
      await migrateDatabase(config.DATABASE_URL, (line) => process.stderr.write(`${line}\n`));
    });
}
