/**
 * `npm run bench -- insights [--events 1000000] [--scans 100000] [--organisations 2000]`
 *
 * Province dashboard load time (the service call that answers GET /api/insights/dashboard: plan measures,
 * tiles, charts, map) on a generated province, against the same call on an empty database in the same run.
 * The data set is written in SQL (generate_series): organisations with trainings, GS1 prefixes and a commune,
 * one product each, events spread over 400 days with one EPC each and sources mixed, scans over 60 days; then the
 * worker's refresh reads both logs into the daily counters (timed), and the dashboard is measured.
 * The target size: `--events 10000000 --scans 1000000` (target < 500 ms server time).
 */
import { openBenchDatabase } from './lib/postgres.ts';
import { fmt, option, summarise } from './measure.ts';
import { provinceDashboard, refreshInsights } from '../src/insights/insights.service.ts';
import type { Caller } from '../src/shared/caller.ts';
import { ROLE_PERMISSIONS } from '../src/shared/caller.ts';
import { sql } from 'kysely';

const PROVINCE: Caller = {
  kind: 'user',
  userId: 'bench',
  organisationId: 'authority',
  role: 'province_admin',
  permissions: new Set(ROLE_PERMISSIONS.province_admin),
  province: true,
};

async function timeDashboard(db: Parameters<typeof provinceDashboard>[0], rounds: number) {
  await provinceDashboard(db, PROVINCE); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await provinceDashboard(db, PROVINCE);
    samples.push(performance.now() - t0);
  }
  return summarise(samples);
}

export default async function run(args: string[]): Promise<void> {
  const events = Number(option(args, 'events') ?? 1_000_000);
  const scans = Number(option(args, 'scans') ?? 100_000);
  const orgs = Number(option(args, 'organisations') ?? 2000);
  const rounds = Number(option(args, 'rounds') ?? 20);

  const empty = await openBenchDatabase();
  const full = await openBenchDatabase();
  try {
    await refreshInsights(empty.db);
    const baseline = await timeDashboard(empty.db, rounds);

    const t0 = performance.now();
    const db = full.db;
    await sql`insert into organisation (id, name, kind, gs1_company_prefix, province_code, commune_name, status)
      select 'org-' || g, 'Cơ sở ' || g, 'company', case when g % 3 = 0 then '893' || lpad(g::text, 6, '0') end,
        '46', (array['Phường Thuận Hóa', 'Xã Phú Vang', 'Phường Phong Điền', 'Xã A Lưới 2', 'Phường Kim Long'])[1 + g % 5],
        'active'
      from generate_series(1, ${orgs}) g`.execute(db);
    await sql`insert into product (id, organisation_id, gtin, name, group_code)
      select 'p-' || g, 'org-' || g, '0893' || lpad(g::text, 9, '0') || '0', 'Sản phẩm ' || g,
        (array['agri', 'food', 'specialty.hue', 'med'])[1 + g % 4]
      from generate_series(1, ${orgs}) g`.execute(db);
    await sql`insert into training_session (id, title, held_on) values ('t1', 'Tập huấn', '2026-03-01'), ('t2', 'Tập huấn', '2026-06-01')`.execute(
      db,
    );
    await sql`insert into training_attendance (session_id, organisation_id, attendees)
      select s, 'org-' || g, 1 from generate_series(1, ${orgs}) g, unnest(array['t1', 't2']) s where g % 2 = 0`.execute(
      db,
    );
    const chunk = 500_000;
    for (let from = 1; from <= events; from += chunk) {
      const to = Math.min(events, from + chunk - 1);
      await sql`insert into epcis_event (id, event_id, event_hash, event_type, event_time, event_time_zone_offset,
          record_time, owner_organisation_id, visible_to, channel, document)
        select g, 'urn:uuid:e' || g, 'h' || g, 'ObjectEvent',
          now() - ((g % 400) || ' days')::interval, '+07:00', now(), 'org-' || (1 + g % ${orgs}),
          array['org-' || (1 + g % ${orgs})],
          (array['api', 'web', 'offline', 'import', 'provider', 'connector'])[1 + g % 6], '{}'
        from generate_series(${from}::bigint, ${to}::bigint) g`.execute(db);
      await sql`insert into epcis_event_epc (event_row, role, epc, is_class, gtin, lot)
        select g, 'epc', 'https://id.gs1.org/01/0893' || lpad((1 + g % ${orgs})::text, 9, '0') || '0/10/L' || (g % 97),
          true, '0893' || lpad((1 + g % ${orgs})::text, 9, '0') || '0', 'L' || (g % 97)
        from generate_series(${from}::bigint, ${to}::bigint) g`.execute(db);
    }
    await sql`insert into scan (scanned_at, gtin, region, device)
      select now() - ((g % 60) || ' days')::interval - ((g % 1440) || ' minutes')::interval,
        '0893' || lpad((1 + g % ${orgs})::text, 9, '0') || '0', (array['46', '79', '01', '48', null])[1 + g % 5], 'phone'
      from generate_series(1, ${scans}) g`.execute(db);
    await sql`analyze`.execute(db);
    const loadMs = performance.now() - t0;

    const r0 = performance.now();
    const read = await refreshInsights(db);
    const refreshMs = performance.now() - r0;
    const loaded = await timeDashboard(db, rounds);

    console.log(`insights: ${fmt(events, 0)} events, ${fmt(scans, 0)} scans, ${fmt(orgs, 0)} organisations`);
    console.log(
      `  data generated in ${fmt(loadMs / 1000)} s; refresh read ${read.events} events and ${read.scans} scans in ${fmt(refreshMs / 1000)} s`,
    );
    console.log(`  dashboard, empty database:     p50 ${fmt(baseline.p50)} ms, p95 ${fmt(baseline.p95)} ms`);
    console.log(
      `  dashboard, generated province: p50 ${fmt(loaded.p50)} ms, p95 ${fmt(loaded.p95)} ms (target < 500 ms)`,
    );
    console.log(`  ratio p50 loaded / empty: ${fmt(loaded.p50 / Math.max(0.001, baseline.p50), 2)}`);
  } finally {
    await empty.close();
    await full.close();
  }
}
