import type { Config } from '../config.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { buildApp } from './app.ts';
import { JOB_HANDLERS } from '../jobs/handlers.ts';
import { startWorker, type Worker } from '../jobs/job.service.ts';
import type { App } from './context.ts';

export interface RunningServer {
  readonly app: App;
  readonly database: Database;
  /** The in-process worker, when this server runs one. */
  readonly worker: Worker | undefined;
  readonly url: string;
  stop(): Promise<void>;
}

/** Opens the database, builds the app and listens. Stops cleanly on SIGINT/SIGTERM when `handleSignals` is set. */
export async function startServer(
  config: Config,
  options: {
    database?: Database;
    handleSignals?: boolean;
    /** Run the background worker in this process (default: on the embedded database, which is single-process). */
    worker?: boolean;
    onReady?: (server: RunningServer) => Promise<void>;
  } = {},
): Promise<RunningServer> {
  const database = options.database ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir }));
  let app: App;
  let worker: Worker | undefined;
  try {
    if (options.worker ?? database.kind === 'embedded') {
      worker = startWorker(database.db, {
        handlers: JOB_HANDLERS,
        onError: (error, job) => console.error(`job ${job.kind} ${job.id} failed:`, error),
      });
    }
    const running = worker;
    app = await buildApp({ db: database.db, config, ...(running ? { onWork: () => running.nudge() } : {}) });
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await worker?.stop();
    await database.close();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  let stopping: Promise<void> | undefined;
  const server: RunningServer = {
    app,
    database,
    worker,
    url: `http://localhost:${port}`,
    stop: () => {
      stopping ??= (async () => {
        await app.close();
        await worker?.stop();
        await database.close();
      })();
      return stopping;
    },
  };
  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      app.log.info({ signal }, 'stopping');
      server.stop().then(
        () => process.exit(0),
        (e: unknown) => {
          app.log.error({ err: e }, 'stop failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  if (options.onReady) await options.onReady(server);
  return server;
}
