/**
 * `npm run bench -- rls [--docs 6] [--size 1000] [--queries 300]`
 *
 * What row-level security (migrations 0022 and 0026: capture jobs, then the events, their EPC index and visibility
 * rows) costs a business caller, measured in one process on one schema:
 * the application's handle (SET ROLE truyxuat_app, the caller's organisation scope, policies evaluated) against a
 * handle that stays the owner (a superuser: no policy evaluated). Capture (1,000-event documents through
 * `captureNow`) and two EPCIS queries (`MATCH_epc`, a one-hour `eventTime` window), alternated in rounds so that
 * the shared machine's noise falls on both sides. Prints throughput / median latency and the ratio.
 */
import { randomUUID } from 'node:crypto';
import { Kysely } from 'kysely';
import pg from 'pg';
import type { DB } from '../src/db/schema.ts';
import { runInScope, SYSTEM_SCOPE } from '../src/db/scope.ts';
import { ScopedPostgresDialect } from '../src/db/scoped-dialect.ts';
import { captureNow } from '../src/epcis/capture.service.ts';
import { queryEvents } from '../src/epcis/query.service.ts';
import type { Caller } from '../src/shared/caller.ts';
import { benchDocument, gtinOf } from './lib/events.ts';
import { insertBenchOrganisation, openBenchDatabase } from './lib/postgres.ts';
import { fmt, option, summarise } from './measure.ts';

function business(organisationId: string): Caller {
  return {
    kind: 'apiKey',
    apiKeyId: 'bench',
    organisationId,
    permissions: new Set(['epcis:capture', 'epcis:query']),
    province: false,
  };
}

export default async function run(args: string[]): Promise<void> {
  const docs = Number(option(args, 'docs') ?? 6);
  const size = Number(option(args, 'size') ?? 1000);
  const queries = Number(option(args, 'queries') ?? 300);
  const database = await openBenchDatabase();
  const pool = new pg.Pool({ connectionString: database.url, options: `-c search_path=${database.schema}`, max: 4 });
  const owner = new Kysely<DB>({ dialect: new ScopedPostgresDialect({ pool }, { fixedScope: SYSTEM_SCOPE }) });
  try {
    const { rows } = await pool.query<{ rolsuper: boolean }>(
      'select rolsuper from pg_roles where rolname = current_user',
    );
    console.log(
      `rls: ${docs} × ${size} events per side; reference handle is ${rows[0]?.rolsuper ? 'a superuser (no policy evaluated)' : 'the owner under FORCE with the system scope'}`,
    );
    const orgApp = randomUUID();
    const orgOwner = randomUUID();
    for (const id of [orgApp, orgOwner]) await insertBenchOrganisation(database.db, id);
    const inScope = <T>(org: string, work: () => Promise<T>) =>
      runInScope({ scope: { kind: 'org', organisations: [org] } }, work);
    const sides = [
      { name: 'with RLS (truyxuat_app, org scope)', db: database.db, org: orgApp, base: 0 },
      { name: 'without RLS (owner)', db: owner, org: orgOwner, base: 50_000_000 },
    ] as const;

    // Capture: alternate one document per side, `docs` rounds (after a warm-up document each).
    const captureMs = [0, 0];
    for (let round = -1; round < docs; round++) {
      for (const [i, side] of sides.entries()) {
        const body = benchDocument(side.base + (round + 1) * size, size);
        const t0 = performance.now();
        const result = await inScope(side.org, () => captureNow(side.db, business(side.org), { body, format: 'json' }));
        if (result.stored !== size) throw new Error(`stored ${result.stored} of ${size}`);
        if (round >= 0) captureMs[i]! += performance.now() - t0;
      }
    }
    const rate = captureMs.map((ms) => (docs * size * 1000) / ms);
    for (const [i, side] of sides.entries()) console.log(`capture ${side.name}: ${fmt(rate[i]!, 0)} events/s`);
    console.log(`capture ratio with/without: ${fmt(rate[0]! / rate[1]!, 3)}`);

    // Statistics first: fresh tables without them plan either side arbitrarily (a MATCH_epc query could scan every
    // visibility row of the organisation instead of starting from the EPC index).
    await pool.query('analyze epcis_event, epcis_event_visibility, epcis_event_epc, epcis_event_link, lot_edge');

    // Queries: the same shapes on each side's own events, alternated.
    const serialOf = (base: number, g: number) => `https://id.gs1.org/01/${gtinOf((base + g) % 997)}/21/S${base + g}-1`;
    const windowOf = (g: number) => {
      const from = new Date(Date.UTC(2026, 0, 1) + Math.floor(g / 3) * 1000);
      return { GE_eventTime: from.toISOString(), LT_eventTime: new Date(from.getTime() + 3_600_000).toISOString() };
    };
    const shapes = [
      { name: 'MATCH_epc', params: (base: number, g: number) => ({ MATCH_epc: serialOf(base, g) }) },
      {
        name: 'eventTime 1 h',
        params: (base: number, g: number) => ({ ...windowOf(base + g), orderBy: 'eventTime', orderDirection: 'ASC' }),
      },
    ];
    const total = (docs + 1) * size;
    for (const shape of shapes) {
      const samples: number[][] = [[], []];
      for (let q = -20; q < queries; q++) {
        const g = (q * 7919 + 13) % total;
        for (const [i, side] of sides.entries()) {
          const t0 = performance.now();
          const page = await inScope(side.org, () =>
            queryEvents(side.db, business(side.org), shape.params(side.base, Math.abs(g))),
          );
          if (page.events.length === 0) throw new Error(`${shape.name}: no event found on ${side.name}`);
          if (q >= 0) samples[i]!.push(performance.now() - t0);
        }
      }
      const p50 = samples.map((s) => summarise(s).p50);
      for (const [i, side] of sides.entries())
        console.log(`query ${shape.name} ${side.name}: p50 ${fmt(p50[i]!, 2)} ms`);
      console.log(`query ${shape.name} ratio with/without (p50): ${fmt(p50[0]! / p50[1]!, 3)}`);
    }
  } finally {
    await owner.destroy();
    await database.close();
  }
}
