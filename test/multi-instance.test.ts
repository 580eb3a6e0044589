import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.ts';
import { createApiKey } from '../src/registry/identity.service.ts';
import { SYSTEM } from '../src/shared/caller.ts';
import { makeOrganisation } from './helpers/app.ts';
import { scratchDatabase, spawnTruyxuat, type ChildServer } from './helpers/kill-harness.ts';

/**
 * Several instances against one PostgreSQL database: two `truyxuat serve` and two `truyxuat worker` processes.
 * Captures arrive at both servers; a stream subscription sends every captured event to a local receiver; one
 * worker is killed with SIGKILL half way. Afterwards every capture job ran once (nothing stored twice, nothing
 * lost), and every event reached the subscriber, re-sent at most for the jobs the killed worker held.
 * The embedded database is single-process by design (one server with its worker in-process), so this runs on
 * PostgreSQL only; CI's PostgreSQL stage runs it.
 */

const postgresUrl = process.env.TEST_DATABASE_URL;
const GTIN = '08935001000013';
const WORKER_CONCURRENCY = 2;

describe.runIf(postgresUrl)('two servers and two workers on one PostgreSQL (PostgreSQL only)', () => {
  let drop: () => Promise<void>;
  let env: Record<string, string>;
  let dbUrl: string;
  let apiKey: string;
  const children: ChildServer[] = [];
  const received: string[][] = [];
  let receiver: http.Server;

  beforeAll(async () => {
    const scratch = await scratchDatabase(postgresUrl!, `multi_${randomBytes(4).toString('hex')}`);
    drop = () => scratch.drop();
    dbUrl = scratch.url;
    const database = await openDatabase({ url: dbUrl, poolSize: 2 });
    try {
      const organisationId = await makeOrganisation(database.db, { name: 'Cơ sở nhiều máy' });
      apiKey = (
        await createApiKey(database.db, SYSTEM, {
          name: 'multi',
          permissions: ['epcis:capture', 'epcis:query'],
          organisationId,
        })
      ).key;
    } finally {
      await database.close();
    }
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        try {
          const doc = JSON.parse(body) as {
            epcisBody?: { queryResults?: { resultsBody?: { eventList?: { eventID?: string }[] } } };
          };
          received.push((doc.epcisBody?.queryResults?.resultsBody?.eventList ?? []).map((e) => e.eventID ?? ''));
        } catch {
          received.push([]);
        }
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    env = { DATABASE_URL: dbUrl, TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS: 'true' };
  }, 300_000);

  afterAll(async () => {
    for (const c of children) await c.kill();
    await new Promise((resolve) => receiver?.close(resolve));
    await drop?.();
  });

  it('processes every capture job once, hands a killed worker’s jobs over, and delivers every event', async () => {
    // Migrations run once, before the instances start together.
    await (await openDatabase({ url: dbUrl, poolSize: 1 })).close();
    const start = async (args: string[], ready?: RegExp) => {
      const child = await spawnTruyxuat(args, env, ready);
      children.push(child);
      return child;
    };
    const worker = ['worker', '--concurrency', String(WORKER_CONCURRENCY)];
    const a = await start(['serve']);
    const b = await start(['serve']);
    const w1 = await start(worker, /worker (\S+) is running/);
    await start(worker, /worker (\S+) is running/);
    const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const query = await fetch(`${a.url}/epcis/queries`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'everything', query: { EQ_bizStep: ['commissioning'] } }),
    });
    expect(query.status, await query.text()).toBe(201);
    const dest = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/epcis`;
    const subscription = await fetch(`${b.url}/epcis/queries/everything/subscriptions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ dest, stream: true }),
    });
    expect(subscription.status, await subscription.text()).toBe(201);

    const documents = 40;
    const sentEvents: string[] = [];
    const captureIds: string[] = [];
    let next = 0;
    const client = async () => {
      for (let n = next++; n < documents; n = next++) {
        if (n === documents / 2) await w1.kill();
        const ids = Array.from({ length: 3 }, () => `urn:uuid:${randomUUID()}`);
        const r = await fetch(`${(n % 2 ? a : b).url}/epcis/capture`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/ld+json' },
          body: JSON.stringify({
            '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
            type: 'EPCISDocument',
            schemaVersion: '2.0',
            creationDate: '2026-05-01T00:00:00Z',
            epcisBody: {
              eventList: ids.map((eventID, i) => ({
                type: 'ObjectEvent',
                eventID,
                eventTime: new Date(Date.UTC(2026, 4, 1, 0, 0, n) + i).toISOString(),
                eventTimeZoneOffset: '+07:00',
                action: 'ADD',
                bizStep: 'commissioning',
                epcList: [`https://id.gs1.org/01/${GTIN}/21/m${n}-${i}`],
              })),
            },
          }),
        });
        expect(r.status, await r.text()).toBe(202);
        captureIds.push((r.headers.get('location') ?? '').split('/').pop()!);
        sentEvents.push(...ids);
      }
    };
    await Promise.all([client(), client(), client()]);

    // Wait (bounded) until every job is done and every event reached the subscriber.
    const database = await openDatabase({ url: dbUrl, poolSize: 2 });
    try {
      for (let i = 0; i < 480; i++) {
        const open = await database.db
          .selectFrom('job')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', 'in', ['queued', 'running'])
          .executeTakeFirstOrThrow();
        const got = new Set(received.flat());
        if (Number(open.n) === 0 && sentEvents.every((e) => got.has(e))) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const captureJobs = await database.db
        .selectFrom('capture_job')
        .select(['id', 'status', 'event_count', 'stored_count', 'duplicate_count'])
        .execute();
      expect(captureJobs.map((j) => j.id).sort()).toEqual([...captureIds].sort());
      for (const j of captureJobs)
        expect(j, 'each capture job stored its document exactly once').toMatchObject({
          status: 'done',
          stored_count: j.event_count,
          duplicate_count: 0,
        });
      const events = await database.db.selectFrom('epcis_event').select('event_id').execute();
      expect(events.map((e) => e.event_id).sort()).toEqual([...sentEvents].sort());
      const failed = await database.db
        .selectFrom('job')
        .select(['kind', 'last_error'])
        .where('status', '=', 'failed')
        .execute();
      expect(failed).toEqual([]);
    } finally {
      await database.close();
    }

    const got = received.flat();
    expect(
      sentEvents.filter((e) => !got.includes(e)),
      'events never delivered',
    ).toEqual([]);
    // At least once: only a delivery the killed worker had under way may arrive twice.
    const seen = new Set<string>();
    let repeatedDeliveries = 0;
    for (const batch of received) {
      if (batch.some((e) => seen.has(e))) repeatedDeliveries++;
      batch.forEach((e) => seen.add(e));
    }
    expect(repeatedDeliveries).toBeLessThanOrEqual(WORKER_CONCURRENCY);
  }, 600_000);
});
