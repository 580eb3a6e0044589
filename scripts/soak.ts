/**
 * `npm run soak -- --minutes N [--out bench/results/soak-<date>.md] [--database-url postgres://…] [--embedded]`
 *
 * A bounded soak on loopback: the real server (`truyxuat serve`, plus a `truyxuat worker` on PostgreSQL) on a
 * scratch database, loaded for N minutes at once by
 * - EPCIS capture: documents of several ObjectEvents, POSTed with an API key (202, then the worker stores them);
 * - consumer scans: a random activated stamp's Digital Link (307, the scan logged), then the consumer page;
 * - event queries: `GET /epcis/events` (the latest page, or the events of an EPC captured earlier).
 * Every 10 s it records the server's (and worker's) RSS from /proc/<pid>/status and its V8 heap (a probe loaded
 * into the child through NODE_OPTIONS prints `process.memoryUsage()` every second), and p50/p99 latency per kind.
 * At the end: every acknowledged capture finished, each of its events is queryable through the API exactly once
 * and stored exactly once, and the scan log holds one row per acknowledged scan. The report (JSON + markdown) goes
 * to `--out`. The database is PostgreSQL (`--database-url`, else SOAK_DATABASE_URL, TEST_DATABASE_URL or the local
 * default) unless `--embedded` is given. No thresholds: the figures are for reading; losses must be 0.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../src/db/database.ts';
import { withCheckDigit } from '../src/identifiers/index.ts';
import { createApiKey } from '../src/registry/identity.service.ts';
import { SYSTEM } from '../src/shared/caller.ts';
import { percentile } from '../bench/measure.ts';
import { scratchDatabase, spawnTruyxuat, type ChildServer } from '../test/helpers/kill-harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KINDS = ['capture', 'scan', 'query'] as const;
type Kind = (typeof KINDS)[number];

export interface SoakOptions {
  /** How long the load runs. */
  readonly seconds: number;
  /** PostgreSQL server URL (a scratch database is created on it and dropped afterwards); undefined: embedded. */
  readonly databaseUrl?: string;
  /** Where the markdown report goes (the JSON next to it, `.json`); undefined: no files. */
  readonly out?: string;
  /** Concurrent clients per kind. */
  readonly clients?: Partial<Record<Kind, number>>;
  /** Seconds between two samples of memory and latency (default 10). */
  readonly sampleSeconds?: number;
  readonly events?: number;
  /** Written into the report (for example: the machine was shared). */
  readonly note?: string;
  readonly log?: (line: string) => void;
}

interface Memory {
  readonly rssKb: number | null;
  readonly heapUsedKb: number | null;
  readonly heapTotalKb: number | null;
}

export interface SoakSample {
  readonly atSeconds: number;
  readonly server: Memory;
  readonly workerRssKb: number | null;
  /** Per kind, over the interval since the previous sample. */
  readonly latency: Record<Kind, { count: number; errors: number; p50: number | null; p99: number | null }>;
}

export interface SoakReport {
  readonly startedAt: string;
  readonly seconds: number;
  readonly database: 'postgres' | 'embedded';
  readonly note?: string;
  readonly clients: Record<Kind, number>;
  readonly samples: SoakSample[];
  readonly totals: Record<Kind, { ok: number; errors: number; p50: number | null; p99: number | null }>;
  readonly firstErrors: Partial<Record<Kind, string>>;
  readonly counts: {
    readonly capturesAcknowledged: number;
    readonly eventsAcknowledged: number;
    readonly eventsQueryable: number;
    readonly eventsStored: number;
    readonly scansAcknowledged: number;
    readonly scansLogged: number;
  };
  readonly losses: {
    /** Acknowledged captures whose job did not end `done` with every event stored or found. */
    readonly capturesNotDone: number;
    /** Acknowledged events the API query does not return. */
    readonly eventsMissingFromQuery: number;
    /** Events the API query returns more than once. */
    readonly eventsQueriedTwice: number;
    /** Acknowledged events without a row, and events with more than one row. */
    readonly eventsMissingInStore: number;
    readonly eventsStoredTwice: number;
    /** Acknowledged scans without a scan-log row (negative: more rows than scans). */
    readonly scansMissing: number;
  };
  readonly memory: {
    start: Memory;
    peak: Memory;
    end: Memory;
    workerRssKb: { start: number | null; peak: number | null; end: number | null };
  };
}

/** kB from /proc/<pid>/status (Linux); null elsewhere or once the process is gone. */
function procKb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number | null {
  if (pid === undefined) return null;
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Loaded into the server with NODE_OPTIONS: prints its V8 heap every second, for the sampler to read. */
const HEAP_PROBE =
  'data:text/javascript,' +
  encodeURIComponent(
    'setInterval(()=>{const m=process.memoryUsage();process.stderr.write("soak-heap "+m.heapUsed+" "+m.heapTotal+"\\n")},1000).unref();',
  );

function lastHeap(output: string): { heapUsedKb: number; heapTotalKb: number } | null {
  const i = output.lastIndexOf('soak-heap ');
  if (i < 0) return null;
  const m = /^soak-heap (\d+) (\d+)/.exec(output.slice(i));
  return m ? { heapUsedKb: Math.round(Number(m[1]) / 1024), heapTotalKb: Math.round(Number(m[2]) / 1024) } : null;
}

const GTIN_PRODUCTS = 20;
const SERIALS_PER_PRODUCT = 500;
const CAPTURE_GTIN = withCheckDigit('0893500199999');

/** One organisation, its API key, products with activated stamps: what the load needs. */
async function seed(database: Database): Promise<{ apiKey: string; gtins: string[] }> {
  const db = database.db;
  const organisationId = randomUUID();
  await sql`insert into organisation (id, name, kind, province_code, status)
            values (${organisationId}, 'Công ty Sen Huế (soak)', 'company', '46', 'active')`.execute(db);
  const gtins = Array.from({ length: GTIN_PRODUCTS }, (_, i) => withCheckDigit(`0893500${String(200000 + i)}`));
  await sql`insert into product (id, organisation_id, gtin, name, group_code, shelf_life_days)
            select 'p-' || g, ${organisationId}, g, 'Sản phẩm ' || g, 'agri.lotus', 365
            from unnest(${gtins}::text[]) as g`.execute(db);
  await sql`insert into stamp_batch (id, organisation_id, product_id, gtin, lot, quantity, layout,
                                     with_verification_code, state)
            select 'b-' || g, ${organisationId}, 'p-' || g, g, 'LOT1', ${SERIALS_PER_PRODUCT}, 'a4-40', false, 'activated'
            from unnest(${gtins}::text[]) as g`.execute(db);
  await sql`insert into stamp (batch_id, sequence, organisation_id, gtin, serial, lot, state, activated_at)
            select 'b-' || g, s, ${organisationId}, g, 'S' || lpad(s::text, 7, '0'), 'LOT1', 'activated', now()
            from unnest(${gtins}::text[]) as g, generate_series(1, ${SERIALS_PER_PRODUCT}::int) as s`.execute(db);
  const apiKey = (
    await createApiKey(db, SYSTEM, {
      name: 'soak',
      permissions: ['epcis:capture', 'epcis:query'],
      organisationId,
    })
  ).key;
  return { apiKey, gtins };
}

interface Capture {
  readonly eventIds: string[];
  readonly epcs: string[];
  captureId?: string;
}

function captureDocument(n: number, events: number): { capture: Capture; body: string } {
  const tag = `${n}-${randomBytes(3).toString('hex')}`;
  const eventIds = Array.from({ length: events }, () => `urn:uuid:${randomUUID()}`);
  const epcs = eventIds.map((_, i) => `https://id.gs1.org/01/${CAPTURE_GTIN}/21/K${tag}-${i}`);
  const body = JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    epcisBody: {
      eventList: eventIds.map((eventID, i) => ({
        type: 'ObjectEvent',
        eventID,
        eventTime: new Date(Date.now() - 60_000 + i).toISOString(),
        eventTimeZoneOffset: '+07:00',
        action: i === 0 ? 'ADD' : 'OBSERVE',
        bizStep: i === 0 ? 'commissioning' : 'shipping',
        epcList: [epcs[i]!],
      })),
    },
  });
  return { capture: { eventIds, epcs }, body };
}

/** Pages through `GET /epcis/events?MATCH_epc=…` for the capture GTIN and counts each eventID it returns. */
async function queryAll(url: string, apiKey: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  let next: string | null =
    `/epcis/events?perPage=1000&MATCH_epc=${encodeURIComponent(`https://id.gs1.org/01/${CAPTURE_GTIN}/21/*`)}`;
  while (next) {
    const r = await fetch(url + next, { headers: { authorization: `Bearer ${apiKey}` } });
    if (r.status !== 200) throw new Error(`query answered ${r.status}: ${await r.text()}`);
    const doc = (await r.json()) as {
      epcisBody: { queryResults: { resultsBody: { eventList: { eventID: string }[] } } };
    };
    for (const e of doc.epcisBody.queryResults.resultsBody.eventList)
      seen.set(e.eventID, (seen.get(e.eventID) ?? 0) + 1);
    const link = r.headers.get('link');
    next = link ? (/<([^>]+)>;\s*rel="next"/.exec(link)?.[1] ?? null) : null;
  }
  return seen;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const clients: Record<Kind, number> = { capture: 2, scan: 4, query: 2, ...options.clients };
  const sampleMs = (options.sampleSeconds ?? 10) * 1000;
  const eventsPerDocument = options.events ?? 5;
  const startedAt = new Date().toISOString();
  const running: ChildServer[] = [];
  let dataDir: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  let env: Record<string, string>;
  let openDirect: () => Promise<Database>;
  if (options.databaseUrl) {
    const scratch = await scratchDatabase(options.databaseUrl, `soak_${randomBytes(4).toString('hex')}`);
    drop = () => scratch.drop();
    env = { DATABASE_URL: scratch.url };
    openDirect = () => openDatabase({ url: scratch.url, poolSize: 2 });
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truyxuat-soak-'));
    env = { DATABASE_URL: '', TRUYXUAT_DATA: dataDir };
    openDirect = () => openDatabase({ dataDir: dataDir! });
  }
  try {
    log(`soak: preparing the ${options.databaseUrl ? 'PostgreSQL' : 'embedded'} database…`);
    let seeded: { apiKey: string; gtins: string[] };
    {
      const database = await openDirect();
      try {
        seeded = await seed(database);
      } finally {
        await database.close();
      }
    }
    const { apiKey, gtins } = seeded;
    const nodeOptions = [process.env.NODE_OPTIONS ?? '', `--import=${HEAP_PROBE}`].join(' ').trim();
    const server = await spawnTruyxuat(['serve'], {
      ...env,
      TRUYXUAT_JOB_LEASE_SECONDS: '60',
      NODE_OPTIONS: nodeOptions,
    });
    running.push(server);
    let worker: ChildServer | undefined;
    if (options.databaseUrl) {
      worker = await spawnTruyxuat(['worker'], { ...env, TRUYXUAT_JOB_LEASE_SECONDS: '60' }, /worker (\S+) is running/);
      running.push(worker);
    }
    const url = server.url;
    const memory = (): Memory => {
      const heap = lastHeap(server.output());
      return {
        rssKb: procKb(server.child.pid, 'VmRSS'),
        heapUsedKb: heap?.heapUsedKb ?? null,
        heapTotalKb: heap?.heapTotalKb ?? null,
      };
    };
    // Let the probe print once.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    log(
      `soak: server ${url} (pid ${server.child.pid})${worker ? `, worker pid ${worker.child.pid}` : ''}; ${options.seconds} s of load`,
    );

    const captures: Capture[] = [];
    const acknowledgedEpcs: string[] = [];
    let scansAcknowledged = 0;
    const interval: Record<Kind, number[]> = { capture: [], scan: [], query: [] };
    const intervalErrors: Record<Kind, number> = { capture: 0, scan: 0, query: 0 };
    const all: Record<Kind, number[]> = { capture: [], scan: [], query: [] };
    const errors: Record<Kind, number> = { capture: 0, scan: 0, query: 0 };
    const firstErrors: Partial<Record<Kind, string>> = {};
    const samples: SoakSample[] = [];
    const t0 = performance.now();
    const end = t0 + options.seconds * 1000;
    const random = () => Math.random();
    const headers = { authorization: `Bearer ${apiKey}` };

    const operations: Record<Kind, (n: number) => Promise<void>> = {
      capture: async (n) => {
        const { capture, body } = captureDocument(n, eventsPerDocument);
        const r = await fetch(`${url}/epcis/capture`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/ld+json' },
          body,
        });
        const text = await r.text();
        if (r.status !== 202) throw new Error(`capture answered ${r.status}: ${text.slice(0, 200)}`);
        capture.captureId = (r.headers.get('location') ?? '').split('/').pop();
        captures.push(capture);
        acknowledgedEpcs.push(capture.epcs[0]!);
      },
      scan: async () => {
        const gtin = gtins[Math.floor(random() * gtins.length)]!;
        const serial = `S${String(1 + Math.floor(random() * SERIALS_PER_PRODUCT)).padStart(7, '0')}`;
        const ua = { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile' };
        const first = await fetch(`${url}/01/${gtin}/21/${serial}`, { redirect: 'manual', headers: ua });
        await first.arrayBuffer();
        const location = first.headers.get('location');
        if (first.status !== 307 || !location) throw new Error(`resolver answered ${first.status}`);
        scansAcknowledged += 1;
        const target = new URL(location, url);
        const page = await fetch(url + target.pathname + target.search, { headers: ua });
        await page.arrayBuffer();
        if (page.status !== 200) throw new Error(`consumer page ${target.pathname} answered ${page.status}`);
      },
      query: async (n) => {
        const epc =
          acknowledgedEpcs.length > 0 && n % 2 === 0
            ? acknowledgedEpcs[Math.floor(random() * acknowledgedEpcs.length)]
            : undefined;
        const q = epc ? `MATCH_epc=${encodeURIComponent(epc)}` : 'perPage=50&EQ_bizStep=shipping';
        const r = await fetch(`${url}/epcis/events?${q}`, { headers });
        const text = await r.text();
        if (r.status !== 200) throw new Error(`query answered ${r.status}: ${text.slice(0, 200)}`);
        // An EPC of a capture still queued may not be stored yet: the no-loss check at the end counts events.
      },
    };

    const loops = KINDS.flatMap((kind) =>
      Array.from({ length: clients[kind] }, async (_, client) => {
        for (let n = client; performance.now() < end; n += clients[kind]) {
          const start = performance.now();
          try {
            await operations[kind](n);
            const ms = performance.now() - start;
            interval[kind].push(ms);
            all[kind].push(ms);
          } catch (error) {
            errors[kind] += 1;
            intervalErrors[kind] += 1;
            firstErrors[kind] ??= error instanceof Error ? error.message : String(error);
          }
        }
      }),
    );

    const sample = () => {
      const latency = {} as SoakSample['latency'];
      for (const kind of KINDS) {
        const sorted = interval[kind].sort((a, b) => a - b);
        latency[kind] = {
          count: sorted.length,
          errors: intervalErrors[kind],
          p50: sorted.length ? round(percentile(sorted, 50)) : null,
          p99: sorted.length ? round(percentile(sorted, 99)) : null,
        };
        interval[kind] = [];
        intervalErrors[kind] = 0;
      }
      const s: SoakSample = {
        atSeconds: Math.round((performance.now() - t0) / 1000),
        server: memory(),
        workerRssKb: procKb(worker?.child.pid, 'VmRSS'),
        latency,
      };
      samples.push(s);
      log(
        `  ${String(s.atSeconds).padStart(5)} s  rss ${kb(s.server.rssKb)}  heap ${kb(s.server.heapUsedKb)}` +
          (worker ? `  worker rss ${kb(s.workerRssKb)}` : '') +
          KINDS.map(
            (k) =>
              `  ${k} ${latency[k].count} p50 ${latency[k].p50 ?? '-'} p99 ${latency[k].p99 ?? '-'}${latency[k].errors ? ` err ${latency[k].errors}` : ''}`,
          ).join(''),
      );
    };
    // The starting point: memory before any load.
    samples.push({
      atSeconds: 0,
      server: memory(),
      workerRssKb: procKb(worker?.child.pid, 'VmRSS'),
      latency: Object.fromEntries(
        KINDS.map((k) => [k, { count: 0, errors: 0, p50: null, p99: null }]),
      ) as SoakSample['latency'],
    });
    const timer = setInterval(sample, sampleMs);
    await Promise.all(loops);
    clearInterval(timer);
    if (performance.now() - t0 - samples[samples.length - 1]!.atSeconds * 1000 > 1000) sample();

    log(`soak: load done; waiting for ${captures.length} capture jobs…`);
    let notDone = captures.map((c) => c.captureId!);
    for (let round = 0; round < 1200 && notDone.length > 0; round++) {
      const still: string[] = [];
      for (const id of notDone) {
        const r = await fetch(`${url}/epcis/capture/${id}`, { headers });
        const job = (await r.json()) as { running?: boolean; success?: boolean };
        if (r.status !== 200 || job.running) still.push(id);
        else if (job.success === false) throw new Error(`capture ${id} failed: ${JSON.stringify(job)}`);
      }
      notDone = still;
      if (notDone.length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const queried = await queryAll(url, apiKey);
    const eventIds = captures.flatMap((c) => c.eventIds);
    const eventsMissingFromQuery = eventIds.filter((id) => !queried.has(id)).length;
    const eventsQueriedTwice = [...queried.values()].filter((n) => n > 1).length;
    const endMemory = memory();
    const endWorker = procKb(worker?.child.pid, 'VmRSS');

    // A clean stop writes out the buffered scan log.
    for (const c of running) await c.stop();
    running.length = 0;
    const database = await openDirect();
    let stored: Map<string, number>;
    let scansLogged: number;
    let badJobs: number;
    try {
      const rows = await database.db.selectFrom('epcis_event').select('event_id').execute();
      stored = new Map();
      for (const r of rows) stored.set(r.event_id, (stored.get(r.event_id) ?? 0) + 1);
      scansLogged = Number(
        (
          await database.db
            .selectFrom('scan')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      const ids = captures.map((c) => c.captureId!);
      const jobs = ids.length
        ? await database.db
            .selectFrom('capture_job')
            .select(['id', 'status', 'event_count', 'stored_count', 'duplicate_count'])
            .where('id', 'in', ids)
            .execute()
        : [];
      badJobs =
        ids.length -
        jobs.filter(
          (j) => j.status === 'done' && Number(j.stored_count) + Number(j.duplicate_count) === Number(j.event_count),
        ).length;
    } finally {
      await database.close();
    }

    const peak = (pick: (m: Memory) => number | null) =>
      samples.reduce<number | null>((p, s) => {
        const v = pick(s.server);
        return v === null ? p : Math.max(p ?? 0, v);
      }, null);
    const totals = {} as SoakReport['totals'];
    for (const kind of KINDS) {
      const sorted = all[kind].sort((a, b) => a - b);
      totals[kind] = {
        ok: sorted.length,
        errors: errors[kind],
        p50: sorted.length ? round(percentile(sorted, 50)) : null,
        p99: sorted.length ? round(percentile(sorted, 99)) : null,
      };
    }
    const workerSamples = samples.map((s) => s.workerRssKb).filter((v): v is number => v !== null);
    const report: SoakReport = {
      startedAt,
      seconds: options.seconds,
      database: options.databaseUrl ? 'postgres' : 'embedded',
      ...(options.note ? { note: options.note } : {}),
      clients,
      samples,
      totals,
      firstErrors,
      counts: {
        capturesAcknowledged: captures.length,
        eventsAcknowledged: eventIds.length,
        eventsQueryable: queried.size,
        eventsStored: stored.size,
        scansAcknowledged,
        scansLogged,
      },
      losses: {
        capturesNotDone: badJobs,
        eventsMissingFromQuery,
        eventsQueriedTwice,
        eventsMissingInStore: eventIds.filter((id) => !stored.has(id)).length,
        eventsStoredTwice: [...stored.values()].filter((n) => n > 1).length,
        scansMissing: scansAcknowledged - scansLogged,
      },
      memory: {
        start: samples[0]!.server,
        peak: {
          rssKb: peak((m) => m.rssKb),
          heapUsedKb: peak((m) => m.heapUsedKb),
          heapTotalKb: peak((m) => m.heapTotalKb),
        },
        end: endMemory,
        workerRssKb: {
          start: workerSamples[0] ?? null,
          peak: workerSamples.length ? Math.max(...workerSamples) : null,
          end: endWorker,
        },
      },
    };
    if (options.out) {
      fs.mkdirSync(path.dirname(options.out), { recursive: true });
      fs.writeFileSync(options.out.replace(/\.md$/, '') + '.json', JSON.stringify(report, null, 2) + '\n');
      fs.writeFileSync(options.out, markdown(report));
      log(`soak: report written to ${options.out} (and .json)`);
    }
    return report;
  } finally {
    for (const c of running) await c.kill();
    await drop?.();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
const kb = (v: number | null) => (v === null ? '-' : `${(v / 1024).toFixed(1)} MB`);

function markdown(r: SoakReport): string {
  const lines = [
    `# Soak test, ${r.startedAt}`,
    '',
    `${r.seconds} s on ${r.database === 'postgres' ? 'PostgreSQL (server + separate worker)' : 'the embedded database (worker in the server)'}, loopback; ` +
      `clients: ${KINDS.map((k) => `${r.clients[k]} ${k}`).join(', ')}. Reproduce: \`npm run soak -- --minutes ${r.seconds / 60}\`.`,
    ...(r.note ? ['', r.note] : []),
    '',
    '## No loss',
    '',
    '| check | count | lost |',
    '| --- | ---: | ---: |',
    `| captures acknowledged (202), job done with every event | ${r.counts.capturesAcknowledged} | ${r.losses.capturesNotDone} |`,
    `| events acknowledged, returned by the API query | ${r.counts.eventsAcknowledged} / ${r.counts.eventsQueryable} | ${r.losses.eventsMissingFromQuery} missing, ${r.losses.eventsQueriedTwice} twice |`,
    `| events stored exactly once | ${r.counts.eventsStored} | ${r.losses.eventsMissingInStore} missing, ${r.losses.eventsStoredTwice} twice |`,
    `| scans acknowledged (307) / scan-log rows | ${r.counts.scansAcknowledged} / ${r.counts.scansLogged} | ${r.losses.scansMissing} |`,
    '',
    '## Totals',
    '',
    '| kind | ok | errors | p50 ms | p99 ms | first error |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...KINDS.map(
      (k) =>
        `| ${k} | ${r.totals[k].ok} | ${r.totals[k].errors} | ${r.totals[k].p50 ?? '-'} | ${r.totals[k].p99 ?? '-'} | ${r.firstErrors[k] ?? ''} |`,
    ),
    '',
    '## Memory (server)',
    '',
    '| | RSS | V8 heap used | worker RSS |',
    '| --- | ---: | ---: | ---: |',
    `| start | ${kb(r.memory.start.rssKb)} | ${kb(r.memory.start.heapUsedKb)} | ${kb(r.memory.workerRssKb.start)} |`,
    `| peak | ${kb(r.memory.peak.rssKb)} | ${kb(r.memory.peak.heapUsedKb)} | ${kb(r.memory.workerRssKb.peak)} |`,
    `| end | ${kb(r.memory.end.rssKb)} | ${kb(r.memory.end.heapUsedKb)} | ${kb(r.memory.workerRssKb.end)} |`,
    '',
    '## Over time (per sample interval)',
    '',
    '| s | RSS | heap | capture n | p50 | p99 | scan n | p50 | p99 | query n | p50 | p99 |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.samples.map(
      (s) =>
        `| ${s.atSeconds} | ${kb(s.server.rssKb)} | ${kb(s.server.heapUsedKb)} | ` +
        KINDS.map((k) => `${s.latency[k].count} | ${s.latency[k].p50 ?? '-'} | ${s.latency[k].p99 ?? '-'}`).join(
          ' | ',
        ) +
        ' |',
    ),
    '',
  ];
  return lines.join('\n');
}

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const minutes = Number(option(args, 'minutes') ?? 1);
  const embedded = args.includes('--embedded');
  const databaseUrl = embedded
    ? undefined
    : (option(args, 'database-url') ??
      process.env.SOAK_DATABASE_URL ??
      process.env.TEST_DATABASE_URL ??
      'postgres://postgres@127.0.0.1:5432/test');
  const out =
    option(args, 'out') ?? path.join(ROOT, 'bench/results', `soak-${new Date().toISOString().slice(0, 10)}.md`);
  const note = option(args, 'note');
  const report = await runSoak({
    seconds: Math.round(minutes * 60),
    ...(databaseUrl ? { databaseUrl } : {}),
    out,
    ...(note ? { note } : {}),
  });
  const lost = Object.values(report.losses).reduce((a, b) => a + Math.abs(b), 0);
  console.log(`soak: ${lost === 0 ? 'nothing lost' : `LOSSES ${JSON.stringify(report.losses)}`}`);
  process.exit(lost === 0 ? 0 : 1);
}
