import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { JOB_HANDLERS } from '../jobs/handlers.ts';
import { startWorker } from '../jobs/job.service.ts';

/** `truyxuat worker`: runs background jobs (capture, deliveries, outbox) against the configured database. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run the background worker (capture jobs, webhook deliveries, outbox); several may run at once')
    .option('-c, --concurrency <n>', 'jobs run at the same time', '2')
    .action(async (opts: { concurrency: string }) => {
      const config = loadConfig();
      if (!config.databaseUrl) {
        console.error(
          'truyxuat worker needs DATABASE_URL: the embedded database is single-process, and `truyxuat serve` runs the worker in-process there.',
        );
        process.exitCode = 1;
        return;
      }
      const database = await openDatabase({ url: config.databaseUrl });
      const worker = startWorker(database.db, {
        handlers: JOB_HANDLERS,
        concurrency: Math.max(1, Number(opts.concurrency) || 1),
        onError: (error, job) => console.error(`job ${job.kind} ${job.id} failed:`, error),
      });
      console.log(`truyxuat worker ${worker.id} is running (${Object.keys(JOB_HANDLERS).join(', ')})`);
      const stop = () => {
        worker
          .stop()
          .then(() => database.close())
          .then(
            () => process.exit(0),
            () => process.exit(1),
          );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
