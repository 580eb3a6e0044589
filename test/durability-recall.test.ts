import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../src/db/schema.ts';
import { captureNow } from '../src/epcis/capture.service.ts';
import { withCheckDigit } from '../src/identifiers/index.ts';
import { createApiKey } from '../src/registry/identity.service.ts';
import { SYSTEM } from '../src/shared/caller.ts';
import { makeOrganisation } from './helpers/app.ts';
import { killTarget, seededRandom, startServing, type ChildServer, type KillTarget } from './helpers/kill-harness.ts';

/**
 * Crash safety of recalls: the real server is killed with SIGKILL at a seeded random moment while a farm opens
 * recalls of its lots, the factory and the shop downstream acknowledge them and record what they did, and the farm
 * closes them; then restarted, and clients finish what was never answered by sending it again with the same
 * Idempotency-Key (an opening, an action and a close each have theirs): the server answers a retry of what it stored
 * with the first answer instead of doing it twice. After every kill: no
 * recall is half written (its organisations, lots, steps, notifications — each queued once — and audit entry are all
 * there), every acknowledged operation is stored, once. DURABILITY_ROUNDS and DURABILITY_SEED replay other runs.
 */

const ROUNDS = Number(process.env.DURABILITY_ROUNDS ?? 2);
const SEED = Number(process.env.DURABILITY_SEED ?? 20261126);
const CHAINS = 8;
const seedLot = (k: number) => `https://id.gs1.org/01/${withCheckDigit('0893500770001')}/10/S${k}`;
const driedLot = (k: number) => `https://id.gs1.org/01/${withCheckDigit('0893500770002')}/10/D${k}`;

type Step = 'open' | 'ackFactory' | 'ackShop' | 'action' | 'close';
const STEPS: readonly Step[] = ['open', 'ackFactory', 'ackShop', 'action', 'close'];

interface Chain {
  readonly k: number;
  readonly reason: string;
  recallId?: string;
  /** Steps answered with 2xx (a retry after a lost answer gets the first answer). */
  readonly done: Set<Step>;
  /** The Idempotency-Key of each step that creates or closes: the same on every retry. */
  readonly keys: Readonly<Record<'open' | 'action' | 'close', string>>;
}

let target: KillTarget;
const keys: Record<'farm' | 'factory' | 'shop', string> = { farm: '', factory: '', shop: '' };
const ids: Record<'farm' | 'factory' | 'shop', string> = { farm: '', factory: '', shop: '' };
const chains: Chain[] = Array.from({ length: CHAINS }, (_, k) => ({
  k,
  reason: `Durability recall ${k}: aflatoxin above limit`,
  done: new Set<Step>(),
  keys: { open: randomUUID(), action: randomUUID(), close: randomUUID() },
}));
const running: ChildServer[] = [];

const doc = (events: object[]) =>
  JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-05-01T00:00:00Z',
    epcisBody: { eventList: events },
  });

beforeAll(async () => {
  target = await killTarget('durability_recall');
  const database = await target.openDirect();
  try {
    const db = database.db;
    for (const who of ['farm', 'factory', 'shop'] as const) {
      ids[who] = await makeOrganisation(db, { name: `Durability ${who}` });
      keys[who] = (
        await createApiKey(db, SYSTEM, {
          name: `durability-${who}`,
          permissions: ['recall:manage', 'epcis:capture', 'epcis:query'],
          organisationId: ids[who],
        })
      ).key;
    }
    const at = (k: number, h: number) => ({
      eventTime: new Date(Date.UTC(2026, 4, 1 + k, h)).toISOString(),
      eventTimeZoneOffset: '+07:00',
    });
    const q = (epcClass: string, quantity: number) => [{ epcClass, quantity, uom: 'KGM' }];
    const ship = (k: number, h: number, lot: string, from: string, to: string) => ({
      type: 'ObjectEvent',
      ...at(k, h),
      action: 'OBSERVE',
      bizStep: 'shipping',
      quantityList: q(lot, 100),
      sourceList: [{ type: 'owning_party', source: `urn:org:${from}` }],
      destinationList: [{ type: 'owning_party', destination: `urn:org:${to}` }],
    });
    const receive = (k: number, h: number, lot: string) => ({
      type: 'ObjectEvent',
      ...at(k, h),
      action: 'OBSERVE',
      bizStep: 'receiving',
      quantityList: q(lot, 100),
    });
    const farm: object[] = [];
    const factory: object[] = [];
    const shop: object[] = [];
    for (let k = 0; k < CHAINS; k++) {
      farm.push(
        { type: 'ObjectEvent', ...at(k, 1), action: 'ADD', bizStep: 'commissioning', quantityList: q(seedLot(k), 100) },
        ship(k, 2, seedLot(k), 'farm', 'factory'),
      );
      factory.push(
        receive(k, 3, seedLot(k)),
        {
          type: 'TransformationEvent',
          ...at(k, 4),
          bizStep: 'commissioning',
          inputQuantityList: q(seedLot(k), 100),
          outputQuantityList: q(driedLot(k), 40),
        },
        ship(k, 5, driedLot(k), 'factory', 'shop'),
      );
      shop.push(receive(k, 6, driedLot(k)));
    }
    for (const [who, events] of [
      ['farm', farm],
      ['factory', factory],
      ['shop', shop],
    ] as const)
      await captureNow(db, SYSTEM, { format: 'json', onBehalfOf: ids[who], body: doc(events) });
  } finally {
    await database.close();
  }
}, 300_000);

afterAll(async () => {
  for (const c of running) await c.kill();
  await target?.remove();
});

async function call(
  url: string,
  who: keyof typeof keys,
  method: string,
  path: string,
  body?: object,
  idempotencyKey?: string,
): Promise<{ status: number; json?: Record<string, unknown> }> {
  try {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${keys[who]}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  } catch {
    // The server died with the request in flight: no answer.
    return { status: 0 };
  }
}

const actionNote = (c: Chain) => `quarantined for recall ${c.k}`;

async function perform(url: string, c: Chain, step: Step): Promise<void> {
  let r: { status: number; json?: Record<string, unknown> };
  switch (step) {
    case 'open':
      r = await call(
        url,
        'farm',
        'POST',
        '/api/recalls',
        { lots: [seedLot(c.k)], reason: c.reason, severity: 'high' },
        c.keys.open,
      );
      if (r.status === 201 || r.status === 200) c.recallId = r.json!.id as string;
      break;
    case 'ackFactory':
    case 'ackShop':
      r = await call(
        url,
        step === 'ackFactory' ? 'factory' : 'shop',
        'POST',
        `/api/recalls/${c.recallId}/acknowledgements`,
        {
          note: `seen ${step}`,
        },
      );
      break;
    case 'action':
      r = await call(
        url,
        'factory',
        'POST',
        `/api/recalls/${c.recallId}/actions`,
        { lot: driedLot(c.k), action: 'quarantined', quantity: 1, uom: 'KGM', note: actionNote(c) },
        c.keys.action,
      );
      break;
    case 'close':
      // Closed by the unanswered first request: the retry gets that close's answer.
      r = await call(url, 'farm', 'POST', `/api/recalls/${c.recallId}/close`, undefined, c.keys.close);
      break;
  }
  if (r.status >= 200 && r.status < 300) c.done.add(step);
  else if (r.status !== 0) throw new Error(`${step} of recall ${c.k}: ${r.status} ${JSON.stringify(r.json)}`);
}

/** Runs every chain's remaining steps in order, three chains at a time, until `stopped()`. */
async function drive(url: string, stopped: () => boolean, onAnswer: () => void): Promise<void> {
  const queue = chains.filter((c) => c.done.size < STEPS.length);
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      for (let c = queue.shift(); c && !stopped(); c = queue.shift()) {
        for (const step of STEPS) {
          if (c.done.has(step)) continue;
          if (stopped()) return;
          await perform(url, c, step);
          if (!c.done.has(step)) return;
          onAnswer();
        }
      }
    }),
  );
}

/** No half-written recall; every acknowledged operation stored, once. */
async function checkRecalls(db: Kysely<DB>, when: string): Promise<void> {
  const recalls = await db.selectFrom('recall').selectAll().where('organisation_id', '=', ids.farm).execute();
  for (const c of chains) {
    const mine = recalls.filter((r) => r.reason === c.reason);
    expect(mine.length, `recall ${c.k} stored more than once ${when}`).toBeLessThanOrEqual(1);
    if (c.done.has('open'))
      expect(
        mine.map((r) => r.id),
        `recall ${c.k} acknowledged ${when}`,
      ).toEqual([c.recallId]);
  }
  for (const recall of recalls) {
    const c = chains.find((x) => x.reason === recall.reason)!;
    const what = `recall ${c.k} ${when}`;
    const organisations = await db
      .selectFrom('recall_organisation')
      .selectAll()
      .where('recall_id', '=', recall.id)
      .execute();
    expect(organisations.map((o) => o.organisation_id).sort(), what).toEqual([ids.farm, ids.factory, ids.shop].sort());
    const lots = await db.selectFrom('recall_lot').selectAll().where('recall_id', '=', recall.id).execute();
    expect(
      lots.filter((l) => l.direct).map((l) => l.identifier),
      what,
    ).toEqual([seedLot(c.k)]);
    expect(lots.map((l) => l.identifier).sort(), what).toEqual([seedLot(c.k), driedLot(c.k)].sort());
    const steps = (await db.selectFrom('recall_step').select('step').where('recall_id', '=', recall.id).execute()).map(
      (s) => s.step,
    );
    expect(steps, what).toEqual(expect.arrayContaining(['opened', 'impact_computed']));
    const notices = await sql<{ kind: string; organisation_id: string | null; n: number }>`
      select kind, organisation_id, count(*)::int as n from notification
      where payload->>'recallId' = ${recall.id} group by kind, organisation_id`.execute(db);
    const count = (kind: string, org: string | null) =>
      notices.rows.find((n) => n.kind === kind && n.organisation_id === org)?.n ?? 0;
    // The factory, the shop and the province are told once; the farm that opened it is not.
    for (const org of [ids.factory, ids.shop, null]) expect(count('recall.opened', org), what).toBe(1);
    expect(count('recall.opened', ids.farm), what).toBe(0);
    const audits = await sql<{ action: string; organisation_id: string | null; n: number }>`
      select action, organisation_id, count(*)::int as n from audit_entry
      where object_type = 'recall' and object_id = ${recall.id} group by action, organisation_id`.execute(db);
    const audited = (action: string, org?: string) =>
      audits.rows
        .filter((a) => a.action === action && (org === undefined || a.organisation_id === org))
        .reduce((s, a) => s + a.n, 0);
    expect(audited('trace.recall.open'), what).toBe(1);
    // An acknowledgement is stored with its audit entry, and the last one with the recall's step.
    for (const [step, org] of [
      ['ackFactory', ids.factory],
      ['ackShop', ids.shop],
    ] as const) {
      const row = organisations.find((o) => o.organisation_id === org)!;
      if (c.done.has(step)) expect(row.acknowledged_at, `${step} of ${what}`).not.toBeNull();
      if (row.acknowledged_at !== null)
        expect(audited('trace.recall.acknowledge', org), `${step} of ${what}`).toBeGreaterThan(0);
      else expect(audited('trace.recall.acknowledge', org), `${step} of ${what}`).toBe(0);
    }
    // The step is reached when every affected organisation (the opener holds the lot too) has acknowledged.
    const acknowledgedAll = organisations.every((o) => o.acknowledged_at !== null);
    if (acknowledgedAll) expect(steps, `acknowledged step of ${what}`).toContain('acknowledged');
    const actions = await db.selectFrom('recall_action').selectAll().where('recall_id', '=', recall.id).execute();
    expect(actions.length, `actions of ${what}`).toBeLessThanOrEqual(1);
    if (c.done.has('action'))
      expect(
        actions.map((a) => a.note),
        `action of ${what}`,
      ).toEqual([actionNote(c)]);
    expect(audited('trace.recall.action'), `action audit of ${what}`).toBe(actions.length);
    const closed = recall.status === 'closed';
    if (c.done.has('close')) expect(closed, `close of ${what}`).toBe(true);
    expect(steps.includes('closed'), `closed step of ${what}`).toBe(closed);
    expect(audited('trace.recall.close'), `close audit of ${what}`).toBe(closed ? 1 : 0);
    for (const org of [ids.factory, ids.shop, null]) expect(count('recall.closed', org), what).toBe(closed ? 1 : 0);
  }
}

describe('kill -9 during recalls', () => {
  it(`leaves no half-written recall and loses no acknowledged operation (${ROUNDS} seeded rounds)`, async () => {
    let answeredBeforeKill = 0;
    let pendingAtKill = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const random = seededRandom(SEED + round);
      const { server, all: children } = await startServing(target);
      running.push(...children);
      let killed = false;
      // The kill lands at a seeded answer, with at least three still pending, while the other clients' requests are
      // in flight: a kill timed by the clock could land after everything was done on a fast machine.
      const pending = chains.reduce((s, c) => s + STEPS.length - c.done.size, 0);
      const killAt = 1 + Math.floor(random() * Math.max(1, pending - 3));
      let answers = 0;
      let reached!: () => void;
      const answered = new Promise<void>((resolve) => (reached = resolve));
      const clients = drive(
        server.url,
        () => killed,
        () => {
          if (++answers >= killAt) reached();
        },
      ).finally(reached);
      await answered;
      const victims = target.postgres && random() < 0.5 ? [children[0]!] : children;
      killed = true;
      await Promise.all(victims.map((c) => c.kill()));
      await Promise.all(children.map((c) => c.kill()));
      await clients;
      answeredBeforeKill += chains.reduce((s, c) => s + c.done.size, 0);
      pendingAtKill += chains.reduce((s, c) => s + STEPS.length - c.done.size, 0);
      const database = await target.openDirect();
      try {
        await checkRecalls(database.db, `after the kill of round ${round}`);
      } finally {
        await database.close();
      }
    }
    // The kills landed while operations were being answered, not before the first or after the last.
    expect(answeredBeforeKill).toBeGreaterThan(0);
    expect(pendingAtKill).toBeGreaterThan(0);

    const { server, all: children } = await startServing(target);
    running.push(...children);
    await drive(
      server.url,
      () => false,
      () => undefined,
    );
    for (const c of children) await c.stop();
    expect(chains.filter((c) => c.done.size < STEPS.length).map((c) => c.k)).toEqual([]);
    const database = await target.openDirect();
    try {
      await checkRecalls(database.db, 'at the end');
    } finally {
      await database.close();
    }
  }, 600_000);
});
