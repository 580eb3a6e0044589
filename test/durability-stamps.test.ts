import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderStampBatch } from '../src/labels/labels.service.ts';
import { createApiKey } from '../src/registry/identity.service.ts';
import { SYSTEM } from '../src/shared/caller.ts';
import { makeOrganisation } from './helpers/app.ts';
import { killTarget, seededRandom, startServing, type ChildServer, type KillTarget } from './helpers/kill-harness.ts';

/**
 * Crash safety of stamp activation: the real server is killed with SIGKILL at a seeded random moment while clients
 * activate stamp batches to lots (whole batches and ranges of sequence numbers), then restarted; clients send again
 * what was never answered. After every kill: each range is all activated or all issued, every activation answered
 * 200 is complete. At the end: every stamp activated once (one commissioning event and one audit entry per change,
 * its activation time never moved), and sending every activation once more changes nothing.
 * DURABILITY_ROUNDS and DURABILITY_SEED replay longer or other runs.
 */

const ROUNDS = Number(process.env.DURABILITY_ROUNDS ?? 2);
const SEED = Number(process.env.DURABILITY_SEED ?? 20261126);
const GTIN = '08935001000020';
const RANGED_BATCHES = 6;
const RANGE = 5;
const RANGED_SIZE = 40;
const WHOLE_BATCHES = 4;
const WHOLE_SIZE = 200;

interface Activation {
  readonly name: string;
  readonly batchId: string;
  readonly lot: string;
  /** Sequence numbers; undefined for the whole batch. */
  readonly from?: number;
  readonly to?: number;
  readonly size: number;
  acknowledged: boolean;
}

let target: KillTarget;
let apiKey: string;
let organisationId: string;
const activations: Activation[] = [];
const running: ChildServer[] = [];

beforeAll(async () => {
  target = await killTarget('durability_stamps');
  const database = await target.openDirect();
  try {
    const db = database.db;
    organisationId = await makeOrganisation(db, { name: 'Cơ sở tem bền vững' });
    const productId = randomUUID();
    await db
      .insertInto('product')
      .values({
        id: productId,
        organisation_id: organisationId,
        gtin: GTIN,
        name: 'Mè xửng',
        group_code: 'specialty.hue',
      })
      .execute();
    apiKey = (
      await createApiKey(db, SYSTEM, {
        name: 'durability-stamps',
        permissions: ['stamps:manage', 'epcis:query'],
        organisationId,
      })
    ).key;
    for (let b = 0; b < RANGED_BATCHES; b++) {
      const batch = await orderStampBatch(db, SYSTEM, { productId, quantity: RANGED_SIZE });
      // Ranges of one batch go to two lots, so a range activated to the wrong lot would be refused.
      for (let from = 1; from <= RANGED_SIZE; from += RANGE) {
        const lot = `LOT-R${b}-${from <= RANGED_SIZE / 2 ? 'A' : 'B'}`;
        activations.push({
          name: `batch ${b} ${from}-${from + RANGE - 1}`,
          batchId: batch.id,
          lot,
          from,
          to: from + RANGE - 1,
          size: RANGE,
          acknowledged: false,
        });
      }
    }
    for (let b = 0; b < WHOLE_BATCHES; b++) {
      const lot = `LOT-W${b}`;
      const batch = await orderStampBatch(db, SYSTEM, { productId, quantity: WHOLE_SIZE, lot });
      activations.push({ name: `whole batch ${b}`, batchId: batch.id, lot, size: WHOLE_SIZE, acknowledged: false });
    }
  } finally {
    await database.close();
  }
}, 300_000);

afterAll(async () => {
  for (const c of running) await c.kill();
  await target?.remove();
});

async function activate(url: string, a: Activation): Promise<{ status: number; activated?: number }> {
  try {
    const r = await fetch(`${url}/api/stamp-batches/${a.batchId}/activate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(a.from === undefined ? {} : { lot: a.lot, from: a.from, to: a.to }),
    });
    const body = (await r.json()) as { activated?: number };
    if (r.status === 200) a.acknowledged = true;
    return { status: r.status, activated: body.activated };
  } catch {
    // The server died with the request in flight: not acknowledged; the client sends it again.
    return { status: 0 };
  }
}

interface StampRow {
  batch_id: string;
  sequence: number;
  serial: string;
  state: string;
  lot: string | null;
  activated_at: Date | null;
}

async function stampsNow(): Promise<StampRow[]> {
  const database = await target.openDirect();
  try {
    return await database.db
      .selectFrom('stamp')
      .select(['batch_id', 'sequence', 'serial', 'state', 'lot', 'activated_at'])
      .where('organisation_id', '=', organisationId)
      .execute();
  } finally {
    await database.close();
  }
}

/** Every activation's stamps are all activated to its lot, or all still issued; an acknowledged one all activated. */
function checkAllOrNone(stamps: readonly StampRow[], when: string): void {
  for (const a of activations) {
    const of = stamps.filter(
      (s) => s.batch_id === a.batchId && (a.from === undefined || (s.sequence >= a.from && s.sequence <= a.to!)),
    );
    expect(of, `${a.name} ${when}`).toHaveLength(a.size);
    const states = new Set(of.map((s) => (s.state === 'activated' ? `activated:${s.lot}` : s.state)));
    expect(states.size, `${a.name} is half activated ${when}: ${[...states].join(', ')}`).toBe(1);
    const [state] = states;
    if (a.acknowledged) expect(state, `${a.name} acknowledged ${when}`).toBe(`activated:${a.lot}`);
    else expect([`activated:${a.lot}`, 'issued'], `${a.name} ${when}`).toContain(state);
  }
}

async function eventAndAuditCounts(): Promise<{ events: number; audits: number }> {
  const database = await target.openDirect();
  try {
    const events = await sql<{ n: number }>`select count(*)::int as n from epcis_event
      where biz_step like '%commissioning' and owner_organisation_id = ${organisationId}`.execute(database.db);
    const audits = await sql<{ n: number }>`select count(*)::int as n from audit_entry
      where action = 'labels.stamps.activate' and organisation_id = ${organisationId}`.execute(database.db);
    return { events: events.rows[0]!.n, audits: audits.rows[0]!.n };
  } finally {
    await database.close();
  }
}

describe('kill -9 during stamp activation', () => {
  it(`activates every range whole or not at all, once, and again changes nothing (${ROUNDS} seeded rounds)`, async () => {
    const firstActivation = new Map<string, number>();
    const remember = (stamps: readonly StampRow[]) => {
      for (const s of stamps) {
        if (s.activated_at === null) continue;
        const at = new Date(s.activated_at).getTime();
        const before = firstActivation.get(s.serial);
        // A stamp activated once keeps its activation: nothing activates it a second time.
        if (before !== undefined) expect(at, `stamp ${s.serial} activated twice`).toBe(before);
        firstActivation.set(s.serial, at);
      }
    };
    let acknowledgedAtKill = 0;
    let unacknowledgedAtKill = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const random = seededRandom(SEED + round);
      const { server, all: children } = await startServing(target);
      running.push(...children);
      // Clients send what is still unanswered, in a seeded order, three at a time.
      const queue = activations.filter((a) => !a.acknowledged).sort(() => random() - 0.5);
      let killed = false;
      // The kill lands at a seeded acknowledgement, with at least three still unanswered, while the other clients'
      // requests are in flight: a kill timed by the clock could land after everything was done on a fast machine.
      const killAt = 1 + Math.floor(random() * Math.max(1, queue.length - 3));
      let acks = 0;
      let reached!: () => void;
      const acknowledged = new Promise<void>((resolve) => (reached = resolve));
      const clients = Array.from({ length: 3 }, async () => {
        for (let a = queue.shift(); a && !killed; a = queue.shift()) {
          await activate(server.url, a);
          if (a.acknowledged && ++acks >= killAt) reached();
        }
        reached();
      });
      await acknowledged;
      const victims = target.postgres && random() < 0.5 ? [children[0]!] : children;
      killed = true;
      await Promise.all(victims.map((c) => c.kill()));
      await Promise.all(children.map((c) => c.kill()));
      await Promise.all(clients);
      acknowledgedAtKill += activations.filter((a) => a.acknowledged).length;
      unacknowledgedAtKill += activations.filter((a) => !a.acknowledged).length;
      const stamps = await stampsNow();
      checkAllOrNone(stamps, `after the kill of round ${round}`);
      remember(stamps);
    }
    // The kills landed while activations were being answered, not before the first or after the last.
    expect(acknowledgedAtKill).toBeGreaterThan(0);
    expect(unacknowledgedAtKill).toBeGreaterThan(0);

    // Last start: clients send the rest, then every activation once more, which must change nothing: no stamp, no
    // event (checked below, one commissioning per stamp) and no audit entry (as many as events).
    const { server, all: children } = await startServing(target);
    running.push(...children);
    for (const a of activations.filter((x) => !x.acknowledged))
      expect((await activate(server.url, a)).status, a.name).toBe(200);
    for (const a of activations) expect(await activate(server.url, a), a.name).toEqual({ status: 200, activated: 0 });
    for (const c of children) await c.stop();

    const stamps = await stampsNow();
    checkAllOrNone(stamps, 'at the end');
    remember(stamps);
    expect(stamps.every((s) => s.state === 'activated')).toBe(true);
    const database = await target.openDirect();
    try {
      // One commissioning EPC per stamp: no stamp was recorded as activated twice, none without its event.
      const epcs = await sql<{ serial: string; n: number }>`select p.serial, count(*)::int as n
        from epcis_event_epc p join epcis_event e on e.id = p.event_row
        where e.biz_step like '%commissioning' and e.owner_organisation_id = ${organisationId} and p.gtin = ${GTIN}
        group by p.serial`.execute(database.db);
      const perSerial = new Map(epcs.rows.map((r) => [r.serial, r.n]));
      expect(stamps.filter((s) => perSerial.get(s.serial) !== 1).map((s) => s.serial)).toEqual([]);
      expect(perSerial.size).toBe(stamps.length);
      // Event and audit entry are written in the activation's transaction: one of each per activation that changed.
      const counts = await eventAndAuditCounts();
      expect(counts.audits).toBe(counts.events);
    } finally {
      await database.close();
    }
  }, 600_000);
});
