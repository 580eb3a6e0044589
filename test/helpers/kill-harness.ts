import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.ts';

/**
 * Runs the real `truyxuat` command (`serve`, `worker`) as a child process that a test can kill with SIGKILL at any
 * moment, for the durability and multi-instance proofs. One Node process per child (bin/truyxuat.js registers tsx
 * in-process), so the signal reaches the server itself and nothing survives it.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ChildServer {
  /** The base URL, for `serve`; empty for a worker. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the child printed, for failure messages. */
  output(): string;
  /** kill -9, and wait until the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a clean stop), and wait. */
  stop(): Promise<void>;
}

/** The environment every child gets: a short job lease so a killed worker's jobs are taken over in seconds. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    TRUYXUAT_DEMO: 'false',
    TRUYXUAT_RATE_LIMITS: 'off',
    TRUYXUAT_JOB_LEASE_SECONDS: '2',
    ...extra,
  };
}

/** Starts `truyxuat <args>` and resolves once it printed `ready` (the server's URL for `serve`). */
export async function spawnTruyxuat(
  args: readonly string[],
  env: Record<string, string>,
  ready: RegExp = /listening on (http:\/\/\S+)/,
): Promise<ChildServer> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/truyxuat.js'), ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // A test runner that dies before its afterAll (a timeout, a closed pipe) takes its children with it.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', orphanGuard);
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Started but never ready (an error it logged and survived): do not leave it running.
      child.kill('SIGKILL');
      reject(new Error(`truyxuat ${args.join(' ')} did not start:\n${out}`));
    }, 300_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? '');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`truyxuat ${args.join(' ')} exited with ${code}:\n${out}`));
    });
  });
  return {
    url: url.replace('localhost', '127.0.0.1'),
    child,
    output: () => out,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A small deterministic PRNG (mulberry32), so that a failing round can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A fresh database on the PostgreSQL server of TEST_DATABASE_URL for child processes (which cannot share a test's
 * schema through the URL): its URL, and a function that drops it.
 */
export async function scratchDatabase(url: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Where the children of a kill test keep their data: a scratch PostgreSQL database or an embedded data folder. */
export interface KillTarget {
  /** The environment of every child (DATABASE_URL or TRUYXUAT_DATA). */
  readonly env: Record<string, string>;
  /** Set on PostgreSQL: the server runs no worker there, so `startServing` starts a `truyxuat worker` too. */
  readonly postgres: boolean;
  /** The database opened by the test itself, while no child runs (the embedded database serves one process). */
  openDirect(): Promise<Database>;
  /** Drops the scratch database or removes the data folder. */
  remove(): Promise<void>;
}

/** A fresh target: on TEST_DATABASE_URL's server when it is set, else an embedded data folder in the temp dir. */
export async function killTarget(prefix: string): Promise<KillTarget> {
  const postgresUrl = process.env.TEST_DATABASE_URL;
  if (postgresUrl) {
    const scratch = await scratchDatabase(postgresUrl, `${prefix}_${randomBytes(4).toString('hex')}`);
    return {
      env: { DATABASE_URL: scratch.url },
      postgres: true,
      openDirect: () => openDatabase({ url: scratch.url, poolSize: 2 }),
      remove: () => scratch.drop(),
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `truyxuat-${prefix}-`));
  return {
    env: { DATABASE_URL: '', TRUYXUAT_DATA: dataDir },
    postgres: false,
    openDirect: () => openDatabase({ dataDir }),
    remove: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** `truyxuat serve`, and on PostgreSQL a separate `truyxuat worker`; `all` lists both for killing. */
export async function startServing(
  target: KillTarget,
  extra: Record<string, string> = {},
): Promise<{ server: ChildServer; all: ChildServer[] }> {
  const env = { ...target.env, ...extra };
  const server = await spawnTruyxuat(['serve'], env);
  const all = [server];
  if (target.postgres) all.push(await spawnTruyxuat(['worker'], env, /worker (\S+) is running/));
  return { server, all };
}

/** Polls `check` until it returns true (every 100 ms, at most `seconds`), else throws naming `what`. */
export async function waitUntil(check: () => Promise<boolean> | boolean, what: string, seconds = 120): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}
