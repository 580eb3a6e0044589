import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/database.ts';
import { createApiKey } from '../src/registry/identity.service.ts';
import { SYSTEM } from '../src/shared/caller.ts';
import { makeOrganisation } from './helpers/app.ts';
import { scratchDatabase, seededRandom, spawnTruyxuat, type ChildServer } from './helpers/kill-harness.ts';

/**
 * Crash safety of capture: the real server (`truyxuat serve`, with its worker in-process on the embedded database,
 * or a separate `truyxuat worker` on PostgreSQL) is killed with SIGKILL at a seeded random moment while clients
 * send EPCIS documents, then restarted; clients re-send what was never acknowledged. Afterwards: every capture
 * acknowledged with 202 is complete, no document is half stored, no event is stored twice, every job finished.
 * DURABILITY_ROUNDS and DURABILITY_SEED replay longer or other runs.
 */

const ROUNDS = Number(process.env.DURABILITY_ROUNDS ?? 2);
const SEED = Number(process.env.DURABILITY_SEED ?? 20261126);
const GTIN = '08935001000013';
const EVENTS_PER_DOCUMENT = 4;

interface Sent {
  readonly docId: string;
  readonly eventIds: string[];
  readonly body: string;
  /** The capture id of a 202; undefined while the server never acknowledged the document. */
  captureId?: string;
}

const postgresUrl = process.env.TEST_DATABASE_URL;
let env: Record<string, string>;
let dataDir: string | undefined;
let drop: (() => Promise<void>) | undefined;
let openDirect: () => Promise<Database>;
let apiKey: string;
const running: ChildServer[] = [];

beforeAll(async () => {
  if (postgresUrl) {
    const scratch = await scratchDatabase(postgresUrl, `durability_${randomBytes(4).toString('hex')}`);
    drop = () => scratch.drop();
    env = { DATABASE_URL: scratch.url };
    openDirect = () => openDatabase({ url: scratch.url, poolSize: 2 });
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truyxuat-durability-'));
    env = { DATABASE_URL: '', TRUYXUAT_DATA: dataDir };
    openDirect = () => openDatabase({ dataDir: dataDir! });
  }
  const database = await openDirect();
  try {
    const organisationId = await makeOrganisation(database.db, { name: 'Cơ sở bền vững' });
    apiKey = (
      await createApiKey(database.db, SYSTEM, {
        name: 'durability',
        permissions: ['epcis:capture', 'epcis:query'],
        organisationId,
      })
    ).key;
  } finally {
    await database.close();
  }
}, 300_000);

afterAll(async () => {
  for (const c of running) await c.kill();
  await drop?.();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The server, and on PostgreSQL a separate worker (the server runs none there). */
async function startAll(): Promise<{ server: ChildServer; all: ChildServer[] }> {
  const server = await spawnTruyxuat(['serve'], env);
  const all = [server];
  if (postgresUrl) all.push(await spawnTruyxuat(['worker'], env, /worker (\S+) is running/));
  running.push(...all);
  return { server, all };
}

function document(round: number, n: number): Sent {
  const docId = `r${round}d${n}-${randomUUID().slice(0, 8)}`;
  const eventIds = Array.from({ length: EVENTS_PER_DOCUMENT }, () => `urn:uuid:${randomUUID()}`);
  const body = JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-05-01T00:00:00Z',
    epcisBody: {
      eventList: eventIds.map((eventID, i) => ({
        type: 'ObjectEvent',
        eventID,
        eventTime: new Date(Date.UTC(2026, 4, 1, 0, round, n) + i).toISOString(),
        eventTimeZoneOffset: '+07:00',
        action: 'ADD',
        bizStep: 'commissioning',
        epcList: [`https://id.gs1.org/01/${GTIN}/21/${docId}-${i}`],
      })),
    },
  });
  return { docId, eventIds, body };
}

async function send(url: string, sent: Sent): Promise<void> {
  try {
    const r = await fetch(`${url}/epcis/capture`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/ld+json' },
      body: sent.body,
    });
    if (r.status === 202) sent.captureId = (r.headers.get('location') ?? '').split('/').pop();
    else await r.text();
  } catch {
    // The server died with the request in flight: not acknowledged; the client will send it again.
  }
}

/** Waits until every acknowledged capture job has finished (the restarted worker takes over expired leases). */
async function settle(url: string, sent: readonly Sent[]): Promise<void> {
  const ids = sent.flatMap((s) => (s.captureId ? [s.captureId] : []));
  for (let i = 0; i < 600; i++) {
    let pending = 0;
    for (const id of ids) {
      const r = await fetch(`${url}/epcis/capture/${id}`, { headers: { authorization: `Bearer ${apiKey}` } });
      const job = (await r.json()) as { running?: boolean };
      if (r.status !== 200 || job.running) pending++;
    }
    if (pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('capture jobs did not finish');
}

describe('kill -9 during capture', () => {
  it(`loses no acknowledged capture, stores nothing twice or by halves (${ROUNDS} seeded rounds)`, async () => {
    const all: Sent[] = [];
    let unacknowledged: Sent[] = [];
    let acknowledgedBeforeKill = 0;
    let unacknowledgedAtKill = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const random = seededRandom(SEED + round);
      const { server, all: children } = await startAll();
      // Clients first send again what the last crash left unacknowledged, then new documents, three at a time.
      const queue = [...unacknowledged, ...Array.from({ length: 200 }, (_, n) => document(round, n))];
      let killed = false;
      // The kill comes at a random moment after the first acknowledgement of the round (a cold start may take
      // longer than any fixed delay).
      const killAfter = Math.floor(random() * 800);
      let firstAck!: () => void;
      const acknowledged = new Promise<void>((resolve) => (firstAck = resolve));
      const clients = Array.from({ length: 3 }, async () => {
        for (let s = queue.shift(); s && !killed; s = queue.shift()) {
          if (!all.includes(s)) all.push(s);
          await send(server.url, s);
          if (s.captureId) firstAck();
        }
      });
      await acknowledged;
      await new Promise((resolve) => setTimeout(resolve, killAfter));
      // Kill the server, the worker, or both: a worker may die with a job half done.
      const victims = postgresUrl && random() < 0.5 ? [children[random() < 0.5 ? 0 : 1]!] : children;
      killed = true;
      await Promise.all(victims.map((c) => c.kill()));
      await Promise.all(children.map((c) => c.kill()));
      await Promise.all(clients);
      unacknowledged = all.filter((s) => s.captureId === undefined);
      acknowledgedBeforeKill += all.filter((s) => s.captureId !== undefined).length;
      unacknowledgedAtKill += unacknowledged.length;
    }
    // The kills landed while captures were being acknowledged, not before the first or after the last.
    expect(acknowledgedBeforeKill).toBeGreaterThan(0);
    expect(unacknowledgedAtKill).toBeGreaterThan(0);
    // Last start: clients send the rest, and everything settles.
    const { server, all: children } = await startAll();
    for (const s of unacknowledged) await send(server.url, s);
    expect(all.every((s) => s.captureId !== undefined)).toBe(true);
    await settle(server.url, all);
    for (const c of children) await c.stop();

    const database = await openDirect();
    try {
      const db = database.db;
      const rows = await db.selectFrom('epcis_event').select(['event_id', 'capture_job_id']).execute();
      const count = new Map<string, number>();
      for (const r of rows) count.set(r.event_id, (count.get(r.event_id) ?? 0) + 1);
      const duplicates = [...count].filter(([, n]) => n > 1);
      expect(duplicates).toEqual([]);
      // Every document is complete: each of its events is stored (a re-sent document may have been stored by the
      // job of its first, unacknowledged, submission: the events count, not which job stored them).
      const missing = all.flatMap((s) => s.eventIds.filter((id) => !count.has(id)).map((id) => `${s.docId} ${id}`));
      expect(missing).toEqual([]);
      // No job is left behind, and every job stored all of its document or found all of it already there.
      const jobs = await db.selectFrom('job').select(['status', 'kind']).where('status', '!=', 'done').execute();
      expect(jobs.filter((j) => j.kind === 'epcis.capture')).toEqual([]);
      const captureJobs = await db
        .selectFrom('capture_job')
        .select(['id', 'status', 'event_count', 'stored_count', 'duplicate_count'])
        .execute();
      for (const j of captureJobs) {
        expect(j.status, j.id).toBe('done');
        expect(j.stored_count + j.duplicate_count, j.id).toBe(j.event_count);
      }
      const perJob = await sql<{ capture_job_id: string; n: number }>`select capture_job_id, count(*)::int as n
        from epcis_event group by capture_job_id`.execute(db);
      const stored = new Map(captureJobs.map((j) => [j.id, j.stored_count]));
      for (const r of perJob.rows)
        expect(r.n, `events of capture ${r.capture_job_id}`).toBe(stored.get(r.capture_job_id));
    } finally {
      await database.close();
    }
  }, 600_000);
});
