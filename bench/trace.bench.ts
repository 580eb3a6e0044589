/**
 * `npm run bench -- trace [--events 1000000] [--keep] [--schema NAME]`
 *
 * Full backward + forward trace latency on a generated province. The data set is written directly in SQL (indexes
 * dropped during the load and rebuilt after): families of lots eleven levels deep (ten transformations), four lots
 * per level, each lot made from two lots of the level before (fan-in 2) and feeding two of the next (fan-out 2),
 * every lot with its own events (creation, shipping, receiving, storing, inspecting), held by organisations that
 * change from level to level. `--events 10000000` is the 10 M target of DESIGN.md §6 (kept with `--keep`, reused
 * with `--schema`).
 *
 * Measured, for a random lot in the middle of a chain: the trace service (identifier → walk → nodes with their
 * events, products, organisations, locations; backward then forward) as the province and as the lot's holder,
 * against the raw recursive walk alone (both directions, the same SQL the service runs) in the same run.
 * Target: p95 < 100 ms for the full trace.
 *
 * Then a recall of a lot at the head of a chain (level 0, whose forward trace reaches the whole family): the recall
 * service opening it (visibility check, impact = forward trace, rows written) and producing its spreadsheet (backward
 * and forward traces, FSMA sheets, the actions sheet, the XLSX bytes), against the raw recursive walk of the same
 * lot alone (both directions) in the same run. Mock recalls (nothing is notified), deleted after each round.
 * Target: < 2 s (DESIGN.md §6).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Caller } from '../src/shared/caller.ts';
import { ROLE_PERMISSIONS } from '../src/shared/caller.ts';
import { walkSql } from '../src/trace/trace.repository.ts';
import { fsmaXlsx } from '../src/trace/export.service.ts';
import { openRecall, recallSpreadsheet } from '../src/trace/recall.service.ts';
import { traceBackward, traceForward } from '../src/trace/trace.service.ts';
import { gtinOf } from './lib/events.ts';
import { openBenchDatabase, rawClient } from './lib/postgres.ts';
import { fmt, mulberry32, option, summarise } from './measure.ts';

const ORGS = 50;
const LEVELS = 11; // ten transformations
const WIDTH = 4; // lots per level
const PER_LOT = 5; // events per lot
const PER_FAMILY = LEVELS * WIDTH * PER_LOT;
const START = Date.UTC(2026, 0, 1);
const GTINS = Array.from({ length: LEVELS }, (_, k) => gtinOf(100 + k));

const lotOf = (family: number, level: number, index: number) =>
  `https://id.gs1.org/01/${GTINS[level]}/10/F${family}L${level}N${index}`;
const holderOf = (family: number, level: number) => (family * 7 + level) % ORGS;

export default async function run(args: string[]): Promise<void> {
  const events = Number(option(args, 'events') ?? 1_000_000);
  const reuse = option(args, 'schema');
  const database = await openBenchDatabase({
    keep: args.includes('--keep') || reuse !== undefined,
    ...(reuse ? { schema: reuse } : {}),
  });
  const client = await rawClient(database.url, database.schema);
  try {
    const have = Number((await client.query('select count(*) as n from epcis_event')).rows[0].n);
    if (have < events) {
      console.log(`trace: generating ${fmt(events, 0)} events in schema ${database.schema} (indexes rebuilt after)…`);
      await generate(client, events);
    }
    const orgs = (await client.query<{ id: string }>('select id from organisation order by id')).rows.map((r) => r.id);
    const n = Number((await client.query('select count(*) as n from epcis_event')).rows[0].n);
    const edges = Number((await client.query('select count(*) as n from lot_edge')).rows[0].n);
    const families = Math.floor(n / PER_FAMILY);
    console.log(
      `trace: N = ${fmt(n, 0)} events, ${fmt(edges, 0)} lot edges, ${fmt(families, 0)} families of ${LEVELS} levels × ${WIDTH} lots (fan-in 2, fan-out 2), schema ${database.schema}`,
    );

    const province: Caller = {
      kind: 'user',
      userId: 'bench',
      organisationId: orgs[0]!,
      role: 'province_inspector',
      permissions: new Set(ROLE_PERMISSIONS.province_inspector),
      province: true,
    };
    const holder = (org: string): Caller => ({
      kind: 'apiKey',
      apiKeyId: 'bench',
      organisationId: org,
      permissions: new Set(['epcis:query']),
      province: false,
    });

    const rand = mulberry32(7);
    const pick = () => {
      const family = Math.floor(rand() * families);
      const level = 5;
      return { family, level, lot: lotOf(family, level, Math.floor(rand() * WIDTH)) };
    };

    const full = async (caller: Caller, lot: string) => {
      const back = await traceBackward(database.db, caller, lot);
      const forward = await traceForward(database.db, caller, lot);
      return back.nodes.length + forward.nodes.length;
    };
    const raw = async (lot: string, viewer: string | null) => {
      let rows = 0;
      for (const direction of ['backward', 'forward'] as const) {
        const compiled = walkSql(lot, direction, 50, viewer).compile(database.db);
        rows += (await client.query(compiled.sql, compiled.parameters as unknown[])).rowCount ?? 0;
      }
      return rows;
    };

    // The sample's shape, so the figures can be read: how many lots and events one full trace returns.
    const sample = pick();
    const b = await traceBackward(database.db, province, sample.lot);
    const f = await traceForward(database.db, province, sample.lot);
    console.log(
      `  one full trace (level 5 of 0–10): backward ${b.nodes.length} lots / ${b.eventCount} events, forward ${f.nodes.length} lots / ${f.eventCount} events`,
    );

    const ROUNDS = 200;
    const BUDGET_MS = 60_000;
    console.log('  case                                   service p50 / p95        raw recursive walk p50 / p95');
    for (const who of ['province', 'holder'] as const) {
      for (let i = 0; i < 5; i++) {
        const s = pick();
        await full(province, s.lot);
      }
      const serviceMs: number[] = [];
      const rawMs: number[] = [];
      const end = performance.now() + BUDGET_MS;
      for (let i = 0; i < ROUNDS && performance.now() < end; i++) {
        const s = pick();
        const org = orgs[holderOf(s.family, s.level)]!;
        const caller = who === 'province' ? province : holder(org);
        let t = performance.now();
        await full(caller, s.lot);
        serviceMs.push(performance.now() - t);
        t = performance.now();
        await raw(s.lot, who === 'province' ? null : org);
        rawMs.push(performance.now() - t);
      }
      const sv = summarise(serviceMs);
      const rw = summarise(rawMs);
      console.log(
        `  full trace, back + forward (${who.padEnd(8)}) ${fmt(sv.p50, 2).padStart(7)} / ${fmt(sv.p95, 2).padStart(7)} ms    ${fmt(rw.p50, 2).padStart(7)} / ${fmt(rw.p95, 2).padStart(7)} ms  (${sv.count} rounds)`,
      );
    }
    console.log('  target: p95 < 100 ms for the full trace on 10 M events');

    const recaller: Caller = {
      kind: 'user',
      userId: 'bench',
      organisationId: orgs[0]!,
      role: 'province_admin',
      permissions: new Set(ROLE_PERMISSIONS.province_admin),
      province: true,
    };
    const head = () => lotOf(Math.floor(rand() * families), 0, Math.floor(rand() * WIDTH));
    const recallOnce = async (lot: string) => {
      const recall = await openRecall(database.db, recaller, {
        lots: [lot],
        reason: 'Benchmark',
        severity: 'high',
        mock: true,
      });
      const xlsx = await fsmaXlsx(await recallSpreadsheet(database.db, recaller, recall.id));
      return { recall, bytes: xlsx.length };
    };
    const forget = (id: string) => database.db.deleteFrom('recall').where('id', '=', id).execute();
    const shape = await recallOnce(head());
    await forget(shape.recall.id);
    console.log(
      `  one recall (level 0 of 0–10): impact ${shape.recall.impact.lots.length} lots, ${shape.recall.impact.organisations.length} organisations; spreadsheet ${fmt(shape.bytes / 1024, 0)} KiB`,
    );
    const recallMs: number[] = [];
    const rawRecallMs: number[] = [];
    const recallEnd = performance.now() + BUDGET_MS;
    for (let i = 0; i < 50 && performance.now() < recallEnd; i++) {
      const lot = head();
      let t = performance.now();
      const { recall } = await recallOnce(lot);
      recallMs.push(performance.now() - t);
      t = performance.now();
      await raw(lot, null);
      rawRecallMs.push(performance.now() - t);
      await forget(recall.id);
    }
    const rc = summarise(recallMs);
    const rr = summarise(rawRecallMs);
    console.log(
      `  recall impact + spreadsheet (province) ${fmt(rc.p50, 2).padStart(7)} / ${fmt(rc.p95, 2).padStart(7)} ms    ${fmt(rr.p50, 2).padStart(7)} / ${fmt(rr.p95, 2).padStart(7)} ms  (${rc.count} rounds; ${fmt(rc.p50 / rr.p50, 1)}× the walk at p50)`,
    );
    console.log('  target: < 2 s for a recall impact + spreadsheet of one lot on 10 M events');
  } finally {
    await client.end();
    await database.close();
  }
}

async function generate(client: pg.Client, total: number): Promise<void> {
  let orgs = (await client.query<{ id: string }>('select id from organisation order by id')).rows.map((r) => r.id);
  if (orgs.length < ORGS) {
    orgs = Array.from({ length: ORGS }, () => randomUUID()).sort();
    for (const id of orgs)
      await client.query("insert into organisation (id, name, kind) values ($1, 'Cơ sở thử nghiệm', 'company')", [id]);
  }
  const indexes = (
    await client.query<{ indexdef: string; indexname: string }>(
      "select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename in ('epcis_event', 'epcis_event_epc', 'lot_edge') and indexname not like '%_pkey'",
    )
  ).rows;
  for (const ix of indexes) await client.query(`drop index ${ix.indexname}`);
  const already = Number((await client.query('select coalesce(max(id), 0) as m from epcis_event')).rows[0].m);
  const families = Math.ceil(total / PER_FAMILY);
  const firstFamily = Math.floor(already / PER_FAMILY);
  // Per event g (from 0): family f, level k, lot j, slot e (0 creation, 1 shipping, 2 receiving, 3 storing, 4 inspecting).
  const decompose = `
    (g / ${PER_FAMILY}) as f, ((g % ${PER_FAMILY}) / ${WIDTH * PER_LOT}) as k,
    ((g % ${WIDTH * PER_LOT}) / ${PER_LOT}) as j, (g % ${PER_LOT}) as e`;
  const lot = (f: string, k: string, j: string) =>
    `'https://id.gs1.org/01/' || ($2::text[])[${k} + 1] || '/10/F' || ${f} || 'L' || ${k} || 'N' || ${j}`;
  const batchFamilies = Math.max(1, Math.floor(500_000 / PER_FAMILY));
  const t0 = performance.now();
  for (let from = firstFamily; from < families; from += batchFamilies) {
    const to = Math.min(families, from + batchFamilies);
    const params = [new Date(START).toISOString(), GTINS, orgs, from * PER_FAMILY, to * PER_FAMILY - 1];
    await client.query(
      `insert into epcis_event (id, event_id, event_hash, event_type, event_time, event_time_zone_offset, record_time,
         action, biz_step, disposition, biz_location, owner_organisation_id, visible_to, document)
       select g + 1, 'urn:uuid:' || md5(g::text)::uuid, 'ni:///sha-256;' || md5(g::text) || md5((g * 7)::text) || '?ver=CBV2.0',
         case when e = 0 and k > 0 then 'TransformationEvent' else 'ObjectEvent' end,
         $1::timestamptz + (f * 600 + k * 24 + e) * interval '1 hour', '+07:00', $1::timestamptz + g * interval '1 second',
         case when e = 0 and k > 0 then null when e = 0 then 'ADD' else 'OBSERVE' end,
         (array['commissioning', 'shipping', 'receiving', 'storing', 'inspecting'])[e + 1], 'active',
         'https://id.gs1.org/414/893600' || lpad(((f * 7 + k) % ${ORGS})::text, 6, '0') || '0',
         ($3::text[])[(f * 7 + k) % ${ORGS} + 1],
         case when e = 1 then array[($3::text[])[(f * 7 + k) % ${ORGS} + 1], ($3::text[])[(f * 7 + k + 1) % ${ORGS} + 1]]
              else array[($3::text[])[(f * 7 + k) % ${ORGS} + 1]] end,
         jsonb_build_object('type', case when e = 0 and k > 0 then 'TransformationEvent' else 'ObjectEvent' end,
           'eventID', 'urn:uuid:' || md5(g::text)::uuid, 'bizStep', (array['commissioning', 'shipping', 'receiving', 'storing', 'inspecting'])[e + 1],
           'lot', ${lot('f', 'k', 'j')})
       from (select g, ${decompose} from generate_series($4::bigint, $5::bigint) g) s`,
      params,
    );
    await client.query(
      `insert into epcis_event_epc (event_row, role, epc, is_class, gtin, lot, quantity, uom)
       select g + 1, case when e = 0 and k > 0 then 'output_quantity' else 'quantity' end, ${lot('f', 'k', 'j')}, true,
         ($2::text[])[k + 1], 'F' || f || 'L' || k || 'N' || j, 100, 'KGM'
       from (select g, ${decompose} from generate_series($4::bigint, $5::bigint) g) s
       union all
       select g + 1, 'input_quantity', ${lot('f', 'k - 1', `((j + i) % ${WIDTH})`)}, true, ($2::text[])[k], 'F' || f || 'L' || (k - 1) || 'N' || ((j + i) % ${WIDTH}), 60, 'KGM'
       from (select g, ${decompose} from generate_series($4::bigint, $5::bigint) g) s, generate_series(0, 1) i
       where e = 0 and k > 0`.replace(/\$([2-5])/g, (_m, d: string) => ({ 2: '$1', 4: '$2', 5: '$3' })[d] ?? '$?'),
      [GTINS, from * PER_FAMILY, to * PER_FAMILY - 1],
    );
    await client.query(
      `insert into lot_edge (event_row, kind, from_node, to_node, quantity, uom, from_organisation_id, to_organisation_id,
         owner_organisation_id, visible_to)
       select g + 1, 'transformation', ${lot('f', 'k - 1', `((j + i) % ${WIDTH})`)}, ${lot('f', 'k', 'j')}, 60, 'KGM', null, null,
         ($3::text[])[(f * 7 + k) % ${ORGS} + 1], array[($3::text[])[(f * 7 + k) % ${ORGS} + 1]]
       from (select g, ${decompose} from generate_series($4::bigint, $5::bigint) g) s, generate_series(0, 1) i
       where e = 0 and k > 0
       union all
       select g + 1, case e when 0 then 'commissioning' when 1 then 'shipment' else 'receipt' end, ${lot('f', 'k', 'j')}, ${lot('f', 'k', 'j')},
         100, 'KGM', ($3::text[])[(f * 7 + k) % ${ORGS} + 1], ($3::text[])[(f * 7 + k + 1) % ${ORGS} + 1],
         ($3::text[])[(f * 7 + k) % ${ORGS} + 1],
         array[($3::text[])[(f * 7 + k) % ${ORGS} + 1], ($3::text[])[(f * 7 + k + 1) % ${ORGS} + 1]]
       from (select g, ${decompose} from generate_series($4::bigint, $5::bigint) g) s
       where (e = 0 and k = 0) or e in (1, 2)`.replace(/\$([2-5])/g, (_m, d: string) => `$${Number(d) - 1}`),
      params.slice(1),
    );
    process.stdout.write(`  … ${fmt(to * PER_FAMILY, 0)} events (${fmt((performance.now() - t0) / 1000, 0)} s)\n`);
  }
  await client.query("select setval(pg_get_serial_sequence('epcis_event', 'id'), (select max(id) from epcis_event))");
  const i0 = performance.now();
  for (const ix of indexes) await client.query(ix.indexdef);
  for (const table of ['epcis_event', 'epcis_event_epc', 'lot_edge']) await client.query(`analyze ${table}`);
  console.log(`  indexes rebuilt in ${fmt((performance.now() - i0) / 1000, 0)} s`);
}
