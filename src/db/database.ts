import fs from 'node:fs';
import path from 'node:path';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { AppError } from '../shared/errors.ts';
import { migrateToLatest } from './migrate.ts';
import { SYSTEM_SCOPE } from './scope.ts';
import { APP_ROLE, ScopedPostgresDialect } from './scoped-dialect.ts';
import type { DB } from './schema.ts';

/** An open database: the Kysely handle plus what is needed to close it. */
export interface Database {
  /**
   * The application's handle: its statements run as the role `truyxuat_app` under row-level security, in the scope
   * of the running work (`src/db/scope.ts`).
   */
  readonly db: Kysely<DB>;
  readonly kind: 'embedded' | 'postgres';
  /** Applies pending migrations as the tables' owner; returns the names applied. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL URL; absent → embedded PGlite. */
  readonly url?: string | undefined;
  /** Data folder of the embedded database; `memory://` keeps it in memory (tests). */
  readonly dataDir?: string;
  /** Run every query in this schema (created if missing): one clean schema per test file on PostgreSQL. */
  readonly schema?: string;
  /** Apply pending migrations (default true). */
  readonly migrate?: boolean;
  readonly poolSize?: number;
}

const LOCK_FILE = 'truyxuat.lock';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is a single-process database: a second process on the same folder would corrupt it. Take an exclusive
 * lock file holding our pid; a lock left by a dead process is taken over.
 */
function acquireLock(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
        throw new AppError(
          'unavailable',
          `The embedded database in ${dataDir} is in use by process ${holder} (lock file ${lockPath}). ` +
            `Stop that process, or use another data folder (TRUYXUAT_DATA) or a PostgreSQL server (DATABASE_URL).`,
        );
      }
      fs.unlinkSync(lockPath);
    }
  }
  throw new AppError('unavailable', `Could not take the lock file ${lockPath}`);
}

async function openEmbedded(dataDir: string): Promise<{ pool: pg.Pool; close: () => Promise<void> }> {
  const memory = dataDir.startsWith('memory://');
  const release = memory ? () => undefined : acquireLock(dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
    const pglite = await PGlite.create(memory ? dataDir : path.join(dataDir, 'pg'));
    const pool = new pg.Pool(createPgConfig(pglite));
    return {
      pool,
      close: async () => {
        await pool.end().catch(() => undefined); // already ended by Kysely's destroy
        await pglite.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  let pool: pg.Pool;
  let closeDriver: () => Promise<void>;
  const kind = options.url ? 'postgres' : 'embedded';
  if (options.url) {
    const schemaOption = options.schema ? { options: `-c search_path=${options.schema}` } : {};
    if (options.schema) {
      const admin = new pg.Client({ connectionString: options.url });
      await admin.connect();
      try {
        await admin.query(`create schema if not exists ${quoteIdent(options.schema)}`);
      } finally {
        await admin.end();
      }
    }
    pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, ...schemaOption });
    closeDriver = () => pool.end();
  } else {
    const embedded = await openEmbedded(options.dataDir ?? 'memory://');
    pool = embedded.pool;
    closeDriver = embedded.close;
  }
  // Two handles on one pool: the owner's (schema changes, always every row) and the application's (SET ROLE to the
  // row-level-security role on each connection). The owner's handle is never destroyed: destroying ends the pool.
  const owner = new Kysely<DB>({ dialect: new ScopedPostgresDialect({ pool }, { fixedScope: SYSTEM_SCOPE }) });
  const db = new Kysely<DB>({ dialect: new ScopedPostgresDialect({ pool }, { role: APP_ROLE }) });
  const migrate = () => migrateToLatest(owner, options.schema);
  try {
    if (options.schema && !options.url) await sql`create schema if not exists ${sql.id(options.schema)}`.execute(owner);
    if (options.migrate ?? true) await migrate();
  } catch (e) {
    await db.destroy().catch(() => undefined);
    await closeDriver().catch(() => undefined);
    throw e;
  }
  let closed = false;
  return {
    db,
    kind,
    migrate,
    close: async () => {
      if (closed) return;
      closed = true;
      // Kysely's destroy ends the pool; the embedded driver then closes PGlite and the lock.
      await db.destroy();
      if (kind === 'embedded') await closeDriver().catch(() => undefined);
    },
  };
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe schema name ${name}`);
  return `"${name}"`;
}
