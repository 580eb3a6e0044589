/**
 * `npm run bench -- capture [--docs N] [--size 1000] [--concurrency 2]`
 *
 * EPCIS capture throughput into PostgreSQL: 1,000-event JSON-LD documents parsed, validated (JSON Schema +
 * semantic rules), hashed (CBV 2.0) and stored with their identifier and link rows, through the same service
 * function the worker and `POST /events` use. Reference, in the same run: raw `COPY` of the same event and
 * identifier, link and visibility rows (the physical limit). Target (DESIGN.md §6): ≥ 10,000 events/s and within 3× of COPY.
 */
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { captureNow } from '../src/epcis/capture.service.ts';
import { indexEpcs, indexLinks } from '../src/epcis/event-index.ts';
import { eventHash, parseEpcisDocument } from '../src/epcis/index.ts';
import { SYSTEM } from '../src/shared/caller.ts';
import { benchDocument } from './lib/events.ts';
import { fmt } from './measure.ts';
import { insertBenchOrganisation, openBenchDatabase, rawClient } from './lib/postgres.ts';

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
}

const copyText = (v: string | null): string =>
  v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

export default async function run(args: string[]): Promise<void> {
  const docs = flag(args, 'docs', 20);
  const size = flag(args, 'size', 1000);
  const concurrency = flag(args, 'concurrency', 2);
  const database = await openBenchDatabase();
  try {
    const org = randomUUID();
    await insertBenchOrganisation(database.db, org);
    const bodies = Array.from({ length: docs }, (_, d) => benchDocument(d * size, size));
    const total = docs * size;
    console.log(
      `capture: ${docs} documents × ${size} events = ${fmt(total, 0)} events, PostgreSQL schema ${database.schema}`,
    );

    // Warm-up: compile the schema validator, JIT the codecs, prime the connection pool.
    await captureNow(database.db, SYSTEM, { body: benchDocument(10_000_000, 200), format: 'json', onBehalfOf: org });

    // Product path, `concurrency` documents in flight.
    let next = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!;
          const result = await captureNow(database.db, SYSTEM, { body, format: 'json', onBehalfOf: org });
          if (result.stored !== size) throw new Error(`stored ${result.stored} of ${size}`);
        }
      }),
    );
    const captureMs = performance.now() - t0;
    // CPU time of this process (parse, validate, hash, index, driver) per 1,000 events: on a shared machine it
    // moves far less than the wall-clock rate.
    const cpu = process.cpuUsage(cpu0);
    const cpuPerThousand = (cpu.user + cpu.system) / 1000 / (total / 1000);

    // Pure part alone (parse + validate + hash), to see where the time goes.
    const p0 = performance.now();
    for (const body of bodies.slice(0, Math.min(5, bodies.length))) {
      const parsed = parseEpcisDocument(body, 'json');
      for (const e of parsed.events) eventHash(e, parsed.namespaces);
    }
    const pureMs = ((performance.now() - p0) / Math.min(5, bodies.length)) * bodies.length;

    // Reference: COPY the same rows into empty tables of a second schema (rows prepared outside the timing).
    const reference = await openBenchDatabase();
    try {
      await insertBenchOrganisation(reference.db, org);
      const eventLines: string[] = [];
      const epcLines: string[] = [];
      const linkLines: string[] = [];
      const visibilityLines: string[] = [];
      let row = 0;
      for (const body of bodies) {
        const parsed = parseEpcisDocument(body, 'json');
        for (const e of parsed.events) {
          row++;
          const hash = eventHash(e, parsed.namespaces);
          const doc = JSON.stringify({ ...e, eventID: hash });
          eventLines.push(
            (
              [
                String(row),
                hash,
                hash,
                e.type,
                e.eventTime,
                e.eventTimeZoneOffset,
                'action' in e ? e.action : null,
                e.bizStep ?? null,
                e.disposition ?? null,
                e.readPoint?.id ?? null,
                e.bizLocation?.id ?? null,
                org,
                `{${org}}`,
                doc,
              ] as (string | null)[]
            )
              .map(copyText)
              .join('\t') + '\n',
          );
          visibilityLines.push(
            [org, String(row), e.eventTime, new Date().toISOString(), e.bizStep ?? null].map(copyText).join('\t') +
              '\n',
          );
          for (const l of indexLinks(e))
            linkLines.push([String(row), l.kind, l.type, l.value, null].map(copyText).join('\t') + '\n');
          for (const x of indexEpcs(e)) {
            epcLines.push(
              [
                String(row),
                x.role,
                x.epc,
                String(x.isClass),
                x.gtin,
                x.lot,
                x.serial,
                x.quantity === null ? null : String(x.quantity),
                x.uom,
              ]
                .map(copyText)
                .join('\t') + '\n',
            );
          }
        }
      }
      const client = await rawClient(reference.url, reference.schema);
      try {
        const c0 = performance.now();
        await pipeline(
          Readable.from(eventLines),
          client.query(
            copyFrom(
              'copy epcis_event (id, event_id, event_hash, event_type, event_time, event_time_zone_offset, action, biz_step, disposition, read_point, biz_location, owner_organisation_id, visible_to, document) from stdin',
            ),
          ),
        );
        await pipeline(
          Readable.from(epcLines),
          client.query(
            copyFrom(
              'copy epcis_event_epc (event_row, role, epc, is_class, gtin, lot, serial, quantity, uom) from stdin',
            ),
          ),
        );
        await pipeline(
          Readable.from(linkLines),
          client.query(copyFrom('copy epcis_event_link (event_row, kind, type, value, organisation_id) from stdin')),
        );
        await pipeline(
          Readable.from(visibilityLines),
          client.query(
            copyFrom(
              'copy epcis_event_visibility (organisation_id, event_row, event_time, record_time, biz_step) from stdin',
            ),
          ),
        );
        const copyMs = performance.now() - c0;

        const captureRate = (total * 1000) / captureMs;
        const copyRate = (total * 1000) / copyMs;
        console.log(
          `  capture (parse + validate + hash + store): ${fmt(captureRate, 0)} events/s  (${fmt(captureMs, 0)} ms)`,
        );
        console.log(
          `    of which parse + validate + hash alone:  ${fmt((total * 1000) / pureMs, 0)} events/s on one core`,
        );
        console.log(`    application CPU: ${fmt(cpuPerThousand, 1)} ms per 1,000 events`);
        console.log(`  reference: raw COPY of the same rows:     ${fmt(copyRate, 0)} events/s  (${fmt(copyMs, 0)} ms)`);
        console.log(
          `  ratio COPY / capture: ${fmt(copyRate / captureRate, 2)}×   target: capture ≥ 10,000 events/s and ≤ 3× COPY`,
        );
      } finally {
        await client.end();
      }
    } finally {
      await reference.close();
    }
  } finally {
    await database.close();
  }
}
