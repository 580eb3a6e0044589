/**
 * An HTTP load generator that runs in its own process, so that the server under test does not share its event
 * loop (and its core) with the client that loads it. `runLoad(plan)` forks this file and gets the figures back over
 * IPC; run directly, the file reads its plan from the parent and answers with one message.
 *
 * Scenarios:
 * - `get`: GET `paths[i]` round-robin from a random start, expecting `expect`;
 * - `scan`: GET a random stamp's Digital Link, expect 307, then GET the consumer page its `Location` names
 *   (rebased on the server under test), expect 200. One sample per scan (both requests).
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { mulberry32, summarise, type Stats } from '../measure.ts';

export type LoadPlan =
  | {
      readonly kind: 'get';
      readonly base: string;
      readonly paths: readonly string[];
      readonly expect: number;
      readonly seconds: number;
      readonly connections: number;
    }
  | {
      readonly kind: 'scan' | 'resolve';
      readonly base: string;
      /** The public URL the resolver writes into `Location`; replaced by `base` to follow it. */
      readonly publicUrl: string;
      readonly gtins: readonly string[];
      readonly serialsPerGtin: number;
      readonly seed: number;
      readonly seconds: number;
      readonly connections: number;
    };

export interface LoadResult {
  readonly stats: Stats;
  /** Requests answered as expected (a scan counts two). */
  readonly requests: number;
  /** Scans whose resolution answered 307 (each one is a row the scan log must hold). */
  readonly scans: number;
  readonly errors: number;
  readonly firstError?: string;
}

function get(agent: http.Agent, url: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { 'user-agent': 'Mozilla/5.0 (iPhone) Mobile' } }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function drive(plan: LoadPlan): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.connections });
  const samples: number[] = [];
  let requests = 0;
  let scans = 0;
  let errors = 0;
  let firstError: string | undefined;
  const rand = mulberry32(plan.kind === 'get' ? 7 : plan.seed);
  let next = 0;
  const one = async (): Promise<number> => {
    if (plan.kind === 'get') {
      const path = plan.paths[next++ % plan.paths.length]!;
      const r = await get(agent, plan.base + path);
      if (r.status !== plan.expect) throw new Error(`${path} answered ${r.status}`);
      return 1;
    }
    const gtin = plan.gtins[Math.floor(rand() * plan.gtins.length)]!;
    const serial = `S${String(1 + Math.floor(rand() * plan.serialsPerGtin)).padStart(7, '0')}`;
    const first = await get(agent, `${plan.base}/01/${gtin}/21/${serial}`);
    if (first.status !== 307 || first.location === undefined) throw new Error(`resolver answered ${first.status}`);
    scans += 1;
    if (plan.kind === 'resolve') return 1;
    const page = await get(agent, plan.base + first.location.replace(plan.publicUrl, ''));
    if (page.status !== 200) throw new Error(`consumer page answered ${page.status}`);
    return 2;
  };
  const start = performance.now();
  const end = start + plan.seconds * 1000;
  await Promise.all(
    Array.from({ length: plan.connections }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          requests += await one();
          samples.push(performance.now() - t0);
        } catch (error) {
          errors += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  const stats = summarise(samples, performance.now() - start);
  agent.destroy();
  return { stats, requests, scans, errors, ...(firstError !== undefined ? { firstError } : {}) };
}

/** Runs `plan` in a child process and returns its figures. */
export function runLoad(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let answered = false;
    child.once('message', (message) => {
      answered = true;
      resolve(message as LoadResult);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`the load generator exited with ${code} before answering`));
    });
    child.send(plan);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send !== undefined) {
  process.once('message', (plan: LoadPlan) => {
    void drive(plan).then(
      (result) => process.send!(result, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
