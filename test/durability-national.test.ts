import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIONAL_PORTAL } from '../src/federation/national.service.ts';
import {
  killTarget,
  seededRandom,
  startServing,
  waitUntil,
  type ChildServer,
  type KillTarget,
} from './helpers/kill-harness.ts';
import { seedEnrolledOrganisations } from './helpers/national-fixture.ts';
import { startNationalPortalStandIn, type NationalPortalStandIn } from './helpers/national-portal-stand-in.ts';

/**
 * Crash safety of the national-portal sync: the real worker (inside `truyxuat serve` on the embedded database, a
 * `truyxuat worker` on PostgreSQL) sends the outbox to the portal's stand-in through a relay that kills the worker
 * with SIGKILL at a seeded random send — half of the time after the portal stored the record but before its answer
 * came back, the moment an outbox is most likely to lose or duplicate a record. After every kill, every outbox
 * record is sent (and at the portal) or still pending, none failed; after the last restart every record reaches the
 * portal, each under its own key once, and the only writes the portal saw twice are the ones whose answer a kill
 * cut off. DURABILITY_ROUNDS and DURABILITY_SEED replay longer or other runs.
 */

const ROUNDS = Number(process.env.DURABILITY_ROUNDS ?? 2);
const SEED = Number(process.env.DURABILITY_SEED ?? 20261126);
const CLIENT = { clientId: 'hue-province', clientSecret: 'durability-secret' };
const ORGANISATIONS = 2;
const PRODUCTS = 3;
/** Per organisation: itself, its products, one chain per product with two events. */
const RECORDS = ORGANISATIONS * (1 + PRODUCTS * 4);

let target: KillTarget;
let standIn: NationalPortalStandIn;
let relay: Server;
let relayUrl: string;
const running: ChildServer[] = [];
/** The children of the current round, and the PUT (counted over the whole test) at which the relay kills them. */
let current: ChildServer[] = [];
let puts = 0;
let killAt: { put: number; afterStore: boolean } | undefined;
let kills: Promise<void> | undefined;
/** Paths whose write the portal stored but whose answer a kill cut off. */
const cutOff: string[] = [];

beforeAll(async () => {
  target = await killTarget('durability_national');
  const database = await target.openDirect();
  try {
    const db = database.db;
    await seedEnrolledOrganisations(db, {
      organisations: ORGANISATIONS,
      products: PRODUCTS,
      series: '77',
      platform: NATIONAL_PORTAL,
      decidedAt: new Date(),
    });
  } finally {
    await database.close();
  }
  standIn = await startNationalPortalStandIn({ ...CLIENT, now: () => new Date(), autoActivate: true });
  // The relay between the worker and the portal: passes every request on, and at the chosen PUT kills the worker,
  // before the portal sees the request or after it stored it (the answer then never reaches the worker).
  relay = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const kill = req.method === 'PUT' && killAt !== undefined && ++puts === killAt.put ? killAt : undefined;
      if (kill && !kill.afterStore) {
        kills = Promise.all(current.map((c) => c.kill())).then(() => undefined);
        res.destroy();
        return;
      }
      const target = new URL(req.url ?? '/', standIn.url);
      const forward = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (c: Buffer) => body.push(c));
        answer.on('end', () => {
          if (kill) {
            cutOff.push(target.pathname);
            kills = Promise.all(current.map((c) => c.kill())).then(() => undefined);
            res.destroy();
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(body));
        });
      });
      forward.on('error', () => res.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
}, 300_000);

afterAll(async () => {
  for (const c of running) await c.kill();
  relay?.closeAllConnections();
  await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
  await standIn?.close();
  await target?.remove();
});

const portalEnv = () => ({
  TRUYXUAT_NATIONAL_PORTAL_URL: relayUrl,
  TRUYXUAT_NATIONAL_PORTAL_CLIENT_ID: CLIENT.clientId,
  TRUYXUAT_NATIONAL_PORTAL_CLIENT_SECRET: CLIENT.clientSecret,
  TRUYXUAT_NATIONAL_PORTAL_TIMEOUT_MS: '1000',
  TRUYXUAT_NATIONAL_SYNC_INTERVAL_SECONDS: '10',
});

/** The keys the portal stores records under, by kind (what an idempotent PUT makes unique). */
const stored = () => standIn.organisations.size + standIn.products.size + standIn.chains.size + standIn.events.size;

async function checkOutbox(when: string, final: boolean): Promise<void> {
  const database = await target.openDirect();
  try {
    const rows = await database.db
      .selectFrom('national_outbox')
      .select(['record_kind', 'record_key', 'status', 'last_code'])
      .where('platform', '=', NATIONAL_PORTAL)
      .execute();
    expect(rows.length, when).toBe(RECORDS);
    // Nothing failed and nothing lost: every record sent, or pending to be sent after the restart.
    expect(
      rows.filter((r) => r.status !== 'sent' && r.status !== 'pending'),
      when,
    ).toEqual([]);
    if (final)
      expect(
        rows.filter((r) => r.status !== 'sent'),
        when,
      ).toEqual([]);
    // A record the outbox took as sent is at the portal.
    expect(rows.filter((r) => r.status === 'sent').length, when).toBeLessThanOrEqual(stored());
  } finally {
    await database.close();
  }
}

describe('kill -9 during the national-portal sync', () => {
  it(`delivers every outbox record to the portal, nothing lost, nothing stored twice (${ROUNDS} seeded rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const random = seededRandom(SEED + round);
      // A kill somewhere in the rest of the records (a record cut off before is sent again first).
      const left = RECORDS - stored();
      killAt = { put: puts + 1 + Math.floor(random() * Math.max(1, left - 1)), afterStore: random() < 0.5 };
      kills = undefined;
      const { all: children } = await startServing(target, portalEnv());
      current = children;
      running.push(...children);
      await waitUntil(() => kills !== undefined, `the relay killed the worker in round ${round}`);
      // (The relay's kill has run or is running; killing again waits for both children to be gone.)
      await Promise.all(children.map((c) => c.kill()));
      await checkOutbox(`after the kill of round ${round}`, false);
    }
    expect(stored()).toBeLessThan(RECORDS);

    killAt = undefined;
    const { all: children } = await startServing(target, portalEnv());
    current = children;
    running.push(...children);
    await waitUntil(() => stored() === RECORDS, 'every record reached the portal', 240);
    // The sync marks the last one sent right after the portal's answer: stop cleanly, then look.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const c of children) await c.stop();
    await checkOutbox('at the end', true);
    expect(standIn.organisations.size).toBe(ORGANISATIONS);
    expect(standIn.products.size).toBe(ORGANISATIONS * PRODUCTS);
    expect(standIn.chains.size).toBe(ORGANISATIONS * PRODUCTS);
    expect(standIn.events.size).toBe(ORGANISATIONS * PRODUCTS * 2);
    // Each key written once, except a write whose answer a kill cut off: the restarted worker sent it again (a PUT
    // under the same key: an update at the portal, not a second record).
    const writes = new Map<string, number>();
    for (const w of standIn.writes) writes.set(w.path, (writes.get(w.path) ?? 0) + 1);
    const twice = [...writes].filter(([, n]) => n > 1).map(([p]) => p);
    expect(
      twice.every((p) => cutOff.includes(p)),
      `${twice.join(', ')} vs cut off ${cutOff.join(', ')}`,
    ).toBe(true);
    expect([...writes.values()].every((n) => n <= 2)).toBe(true);
  }, 600_000);
});
