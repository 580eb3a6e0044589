import { Command, Option } from 'commander';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { startServer } from '../http/server.ts';
import { ensureInsightsScheduled } from '../insights/index.ts';
import { ensureIdempotencyPruneScheduled } from '../http/idempotency.ts';
import { demoLoaded, demoSignInLines, loadDemoData } from '../demo/index.ts';
import { createUser } from '../registry/identity.service.ts';
import { hasNoOrganisations } from '../registry/organisation.service.ts';
import { ROLES, SYSTEM } from '../shared/caller.ts';
import { AppError } from '../shared/errors.ts';
import { t } from '../shared/messages.ts';
import { registerCommands } from './commands.ts';

/** The `truyxuat` command. Every subcommand calls the same service functions as the HTTP API. */
export function buildProgram(): Command {
  const program = new Command('truyxuat')
    .description('truyxuat — product traceability for the province (GS1 EPCIS 2.0, Digital Link)')
    .showHelpAfterError();

  const serve = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .option('-p, --port <port>', 'port to listen on (PORT)')
      .option('--host <host>', 'address to bind (HOST)');

  serve('serve', 'Run the HTTP server').action(async (opts: { port?: string; host?: string }) => {
    const config = withOverrides(loadConfig(), opts);
    const server = await startServer(config, { handleSignals: true });
    await ensureInsightsScheduled(server.database.db);
    await ensureIdempotencyPruneScheduled(server.database.db);
    console.log(`truyxuat is listening on ${server.url}`);
  });

  serve('start', 'Run everything on one machine: migrations, demo data on first start, server').action(
    async (opts: { port?: string; host?: string }) => {
      const config = withOverrides(loadConfig(), opts);
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
      let showSignIns: boolean;
      try {
        // The first start of an empty embedded database loads the Huế demo, so that the product can be tried at once.
        if (config.demoOnFirstStart && database.kind === 'embedded' && (await hasNoOrganisations(database.db))) {
          console.log('Loading the Huế demo data (first start)…');
          await loadDemoData(database.db);
        }
        showSignIns = await demoLoaded(database.db);
      } catch (e) {
        await database.close();
        throw e;
      }
      const server = await startServer(config, { database, handleSignals: true });
      await ensureInsightsScheduled(server.database.db);
      await ensureIdempotencyPruneScheduled(server.database.db);
      console.log(`\ntruyxuat is running at ${server.url}`);
      console.log(`  Province portal:   ${server.url}/`);
      console.log(`  Back-office app:   ${server.url}/app`);
      console.log(`  API documentation: ${server.url}/docs`);
      console.log(`  Health:            ${server.url}/health\n`);
      if (showSignIns) console.log(`${demoSignInLines().join('\n')}\n`);
    },
  );

  program
    .command('migrate')
    .description('Apply pending database migrations')
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, migrate: false });
      try {
        const applied = await database.migrate();
        console.log(applied.length === 0 ? 'The database is up to date.' : `Applied: ${applied.join(', ')}`);
      } finally {
        await database.close();
      }
    });

  program
    .command('demo')
    .description('Load the Huế demo data set (does nothing when it is already loaded)')
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
      try {
        const result = await loadDemoData(database.db);
        console.log(result.loaded ? t('en', 'demo.loaded') : t('en', 'demo.already'));
        console.log(demoSignInLines().join('\n'));
      } finally {
        await database.close();
      }
    });

  program
    .command('user')
    .description('Manage users')
    .command('create')
    .description('Create a user (as the system, for the first administrator)')
    .requiredOption('--organisation <id>', 'organisation id')
    .option('--email <email>')
    .option('--phone <phone>')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--password <password>')
    .addOption(new Option('--role <role>').choices(ROLES).makeOptionMandatory())
    .action(
      async (opts: {
        organisation: string;
        email?: string;
        phone?: string;
        name: string;
        password: string;
        role: string;
      }) => {
        const config = loadConfig();
        const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
        try {
          const { id } = await createUser(database.db, SYSTEM, {
            organisationId: opts.organisation,
            email: opts.email,
            phone: opts.phone,
            displayName: opts.name,
            password: opts.password,
            role: opts.role,
          });
          console.log(id);
        } finally {
          await database.close();
        }
      },
    );

  registerCommands(program);
  return program;
}

function withOverrides(config: Config, opts: { port?: string; host?: string }): Config {
  const port = opts.port === undefined ? config.port : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new AppError('validation', `Invalid port ${opts.port}`);
  return { ...config, port, host: opts.host ?? config.host };
}

/** Prints an AppError as a one-line message (exit 1); anything else with its stack (exit 2). */
export function reportCliError(e: unknown): number {
  if (e instanceof AppError) {
    console.error(`truyxuat: ${e.message}`);
    for (const f of e.fields) console.error(`  ${f.field}: ${f.message}`);
    return 1;
  }
  console.error(e);
  return 2;
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      process.exitCode = reportCliError(e);
    });
}
