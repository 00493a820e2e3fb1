import { z } from 'zod';
import { booleanFlag, type StoreSettings } from '@pmc-curator/store/settings';

/** The dashboard's own settings (the worker's config includes them, for `curator dashboard` and `curator run`). */
export const dashboardSettingsShape = {
  DASHBOARD_PORT: z.coerce.number().int().positive().default(3000),
  DASHBOARD_HOST: z.string().default('127.0.0.1'),
  /** Basic auth for the dashboard; when unset the dashboard only binds to a loopback address. */
  DASHBOARD_USER: z.string().min(1).optional(),
  DASHBOARD_PASSWORD: z.string().min(1).optional(),
  /** Host headers the dashboard answers (others get 421): comma-separated `name` (any port) or `name:port`; empty = the bound address, localhost, 127.0.0.1 and [::1] on the bound port. */
  DASHBOARD_ALLOWED_HOSTS: z
    .string()
    .default('')
    .refine(
      (value) => value.split(',').every((entry) => entry.trim() === '' || /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?)(:\d{1,5})?$/.test(entry.trim())),
      'comma-separated host names or host:port pairs, e.g. dashboard.example.org,localhost:3000',
    ),
  /** A dashboard for shared screens: no route changes anything (bull-board read-only, every mutation 405). */
  DASHBOARD_READ_ONLY: booleanFlag.default(false),
};

/** What the dashboard reads: where Postgres, Redis and the curated bucket are (the store's settings), and its own settings. */
export type DashboardConfig = StoreSettings & z.output<z.ZodObject<typeof dashboardSettingsShape>>;
