/**
 * `npm run bench -- resolver [--seconds 10] [--connections 32] [--stamps 20000] [--products 50]`
 *
 * A consumer scan end to end on PostgreSQL: `GET /01/{gtin}/21/{serial}` through the resolver (a 307 to the consumer
 * page, the scan recorded by the buffered scan log) and then the consumer page it points to (`/p/01/…`), over HTTP
 * on a listening server with keep-alive connections, random stamps of a generated registry (products, activated
 * stamps). Baseline in the same run: a static Fastify route answering JSON, driven by the same load generator.
 * The load generator (bench/lib/http-load.ts) runs in a child process, so the server keeps its event loop and core
 * to itself, as it would behind real phones.
 * Reported: scans (resolve + page) per second, p50/p99 latency of a whole scan, the ratio to the baseline, and the
 * scan log's row count against the number of scans (nothing may be lost). Also per scan, because they hold still on
 * a loaded machine where rates do not: the server process's CPU time and the statements it sent to PostgreSQL
 * (of which `set_config` scope switches), counted on the `pg` client. Target (DESIGN.md §6): ≥ 5,000 scans/s,
 * p99 < 50 ms.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { buildApp } from '../src/http/app.ts';
import { withCheckDigit } from '../src/identifiers/index.ts';
import { scanLogFor } from '../src/resolver/index.ts';
import { openBenchDatabase, rawClient } from './lib/postgres.ts';
import { runLoad, type LoadResult } from './lib/http-load.ts';
import { fmt, option } from './measure.ts';

export default async function run(args: string[]): Promise<void> {
  const seconds = Number(option(args, 'seconds') ?? 10);
  const connections = Number(option(args, 'connections') ?? 32);
  const stampCount = Number(option(args, 'stamps') ?? 20_000);
  const productCount = Number(option(args, 'products') ?? 50);
  const database = await openBenchDatabase();
  const client = await rawClient(database.url, database.schema);
  try {
    console.log(
      `resolver: generating ${productCount} products and ${fmt(stampCount, 0)} activated stamps in ${database.schema}…`,
    );
    await client.query(
      `insert into organisation (id, name, kind, province_code, status) values ('org-1', 'Công ty Sen Huế', 'company', '46', 'active')`,
    );
    const gtins = Array.from({ length: productCount }, (_, i) => withCheckDigit(`0893500${String(100000 + i)}`));
    await client.query(
      `insert into product (id, organisation_id, gtin, name, group_code, shelf_life_days)
       select 'p-' || g, 'org-1', g, 'Sản phẩm ' || g, 'agri.lotus', 365 from unnest($1::text[]) as g`,
      [gtins],
    );
    await client.query(
      `insert into stamp_batch (id, organisation_id, product_id, gtin, lot, quantity, layout, with_verification_code, state)
       select 'b-' || g, 'org-1', 'p-' || g, g, 'LOT1', $2, 'a4-40', false, 'activated' from unnest($1::text[]) as g`,
      [gtins, Math.max(1, Math.ceil(stampCount / productCount))],
    );
    await client.query(
      `insert into stamp (batch_id, sequence, organisation_id, gtin, serial, lot, state, activated_at)
       select 'b-' || g.gtin, s, 'org-1', g.gtin, 'S' || lpad(s::text, 7, '0'), 'LOT1', 'activated', now()
       from unnest($1::text[]) with ordinality as g(gtin, n), generate_series(1, $2) as s`,
      [gtins, Math.max(1, Math.ceil(stampCount / productCount))],
    );
    await client.query('analyze');
    const perProduct = Math.max(1, Math.ceil(stampCount / productCount));

    // Baseline: a static Fastify route answering JSON, same process, same load generator.
    const baseline = Fastify({ logger: false });
    baseline.get('/static', async () => ({ status: 'ok', gtin: gtins[0] }));
    await baseline.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = `http://127.0.0.1:${(baseline.server.address() as AddressInfo).port}`;

    const config = { ...loadConfig({}), logLevel: 'silent', demoOnFirstStart: false };
    const app = await buildApp({ db: database.db, config }, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const appUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    // The automatic links point at the public URL; the load generator follows them on the listening server.
    const publicUrl = config.publicUrl;

    // Statements sent by the server (the load generator is another process), counted on the pg client itself.
    let statements = 0;
    let switches = 0;
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      statements += 1;
      if (typeof args[0] === 'string' && args[0].includes('set_config(')) switches += 1;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    const measured = async (plan: Parameters<typeof runLoad>[0]) => {
      const [s0, w0, c0] = [statements, switches, process.cpuUsage()];
      const result = await runLoad(plan);
      const cpu = process.cpuUsage(c0);
      const n = Math.max(1, result.scans);
      return {
        ...result,
        cpuMs: (cpu.user + cpu.system) / 1000 / n,
        statements: (statements - s0) / n,
        switches: (switches - w0) / n,
      };
    };

    const before = Number((await client.query('select count(*) as n from scan')).rows[0].n);
    const stamps = { publicUrl, gtins, serialsPerGtin: perProduct, connections };
    // Warm-up (caches, JIT, pool), then the baseline and the two scenarios, one after the other.
    const warm = await runLoad({ kind: 'scan', base: appUrl, seed: 3, seconds: Math.min(2, seconds), ...stamps });
    const base = await runLoad({ kind: 'get', base: baseUrl, paths: ['/static'], expect: 200, seconds, connections });
    const resolved = await measured({ kind: 'resolve', base: appUrl, seed: 11, seconds, ...stamps });
    const full = await measured({ kind: 'scan', base: appUrl, seed: 17, seconds, ...stamps });
    pg.Client.prototype.query = query;
    const scans = warm.scans + resolved.scans + full.scans;
    await scanLogFor(database.db).flush();
    const after = Number((await client.query('select count(*) as n from scan')).rows[0].n);

    const line = (name: string, l: LoadResult) =>
      `  ${name.padEnd(34)} ${fmt(l.stats.perSecond, 0).padStart(8)}/s  p50 ${fmt(l.stats.p50, 2).padStart(7)} ms  p99 ${fmt(l.stats.p99, 2).padStart(7)} ms  errors ${l.errors}${l.firstError ? ` (${l.firstError})` : ''}`;
    console.log(
      `resolver: ${connections} keep-alive connections, ${seconds} s per scenario, PostgreSQL; the load generator runs in its own process`,
    );
    console.log(line('static Fastify JSON (baseline)', base));
    console.log(line('resolve only (307, scan logged)', resolved));
    console.log(line('scan: resolve + consumer page', full));
    const perScan = (name: string, m: typeof full) =>
      `  ${name.padEnd(34)} server CPU ${fmt(m.cpuMs, 2)} ms, ${fmt(m.statements, 2)} statements (${fmt(m.switches, 2)} scope switches) per scan`;
    console.log(perScan('resolve only', resolved));
    console.log(perScan('scan: resolve + consumer page', full));
    console.log(
      `  ratio to baseline: resolve ${fmt(resolved.stats.perSecond / base.stats.perSecond, 3)}, scan ${fmt(full.stats.perSecond / base.stats.perSecond, 3)}`,
    );
    console.log(
      `  scan log: ${fmt(after - before, 0)} rows for ${fmt(scans, 0)} scans (${after - before === scans ? 'none lost' : 'MISMATCH'})`,
    );
    await app.close();
    await baseline.close();
  } finally {
    await client.end();
    await database.close();
  }
}
