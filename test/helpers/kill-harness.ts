import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

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
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`truyxuat ${args.join(' ')} did not start:\n${out}`)), 300_000);
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
