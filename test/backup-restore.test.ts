import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/registry/identity.service.ts';
import { SYSTEM } from '../src/shared/caller.ts';
import { makeOrganisation } from './helpers/app.ts';
import {
  childEnv,
  killTarget,
  scratchDatabase,
  startServing,
  waitUntil,
  type KillTarget,
} from './helpers/kill-harness.ts';

/**
 * Backup and restore as docs/operations.md tells an operator to do them, with `scripts/backup.sh`: data loaded through
 * the API (a product, a lot's events, a stamp batch activated to the lot, the audit entries all that writes), a
 * backup, a restore into a fresh database, the real server started on the restored copy, and the same answers:
 * the event query, the lot's trace, the consumer page of a stamp, and `truyxuat audit verify` over the same chain.
 * On PostgreSQL (TEST_DATABASE_URL): `pg_dump --format=custom` while the server runs, `pg_restore` into a scratch
 * database. On the embedded database: the data folder archived while the server is stopped, unpacked into a new
 * folder, the server started on it.
 */

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const GTIN = '08935001000037';
const LOT = 'BK-260501';
const postgresUrl = process.env.TEST_DATABASE_URL;

let source: KillTarget;
let apiKey: string;
let productId: string;
let productName: string;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'truyxuat-backup-'));
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  source = await killTarget('backup_source');
  cleanups.push(() => source.remove());
  const database = await source.openDirect();
  try {
    const organisationId = await makeOrganisation(database.db, { name: 'Cơ sở sao lưu' });
    productId = randomUUID();
    productName = `Mè xửng sao lưu ${randomBytes(2).toString('hex')}`;
    await database.db
      .insertInto('product')
      .values({
        id: productId,
        organisation_id: organisationId,
        gtin: GTIN,
        name: productName,
        group_code: 'specialty.hue',
      })
      .execute();
    apiKey = (
      await createApiKey(database.db, SYSTEM, {
        name: 'backup',
        permissions: ['epcis:capture', 'epcis:query', 'stamps:manage', 'registry:read'],
        organisationId,
      })
    ).key;
  } finally {
    await database.close();
  }
}, 300_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  fs.rmSync(work, { recursive: true, force: true });
});

const auth = () => ({ authorization: `Bearer ${apiKey}` });

async function json(url: string): Promise<unknown> {
  const r = await fetch(url, { headers: { ...auth(), accept: 'application/json' } });
  expect(r.status, `${url}: ${r.status}`).toBe(200);
  return r.json();
}

/** Loads the data through the API; returns a stamp serial bound to the lot. */
async function load(url: string): Promise<string> {
  const lot = `https://id.gs1.org/01/${GTIN}/10/${LOT}`;
  const body = JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-05-01T00:00:00Z',
    epcisBody: {
      eventList: ['commissioning', 'packing', 'shipping'].map((bizStep, i) => ({
        type: 'ObjectEvent',
        eventTime: new Date(Date.UTC(2026, 4, 1, i)).toISOString(),
        eventTimeZoneOffset: '+07:00',
        action: i === 0 ? 'ADD' : 'OBSERVE',
        bizStep,
        quantityList: [{ epcClass: lot, quantity: 50, uom: 'KGM' }],
      })),
    },
  });
  const capture = await fetch(`${url}/epcis/capture`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/ld+json' },
    body,
  });
  expect(capture.status, await capture.clone().text()).toBe(202);
  const job = capture.headers.get('location')!;
  await waitUntil(async () => {
    const r = await fetch(new URL(job, url), { headers: auth() });
    return r.status === 200 && !((await r.json()) as { running?: boolean }).running;
  }, 'the capture job finished');
  const order = await fetch(`${url}/api/stamp-batches`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/json' },
    body: JSON.stringify({ productId, quantity: 5, lot: LOT }),
  });
  expect(order.status, await order.clone().text()).toBe(201);
  const batch = (await order.json()) as { id: string };
  const activate = await fetch(`${url}/api/stamp-batches/${batch.id}/activate`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/json' },
    body: JSON.stringify({}),
  });
  expect(activate.status, await activate.clone().text()).toBe(200);
  const stamps = (await json(`${url}/api/stamp-batches/${batch.id}/stamps`)) as { items: { serial: string }[] };
  return stamps.items[0]!.serial;
}

interface Answers {
  readonly events: unknown;
  readonly trace: unknown;
  readonly page: { status: number; hasProduct: boolean; hasLot: boolean };
}

/** What the server answers about the data: compared before the backup and after the restore. */
async function answers(url: string, serial: string): Promise<Answers> {
  const events = (await json(
    `${url}/epcis/events?EQ_bizStep=shipping&EQ_bizStep=packing&EQ_bizStep=commissioning`,
  )) as {
    epcisBody?: { queryResults?: { resultsBody?: { eventList?: unknown[] } } };
  };
  const trace = await json(`${url}/api/trace/forward?gtin=${GTIN}&lot=${LOT}`);
  // The consumer page of a stamp, as a phone opens it (the resolver redirects to the product's page).
  // Its links name the public address (PUBLIC_URL, not set here): follow them on the server itself.
  let page = await fetch(`${url}/01/${GTIN}/21/${serial}`, { headers: { accept: 'text/html' }, redirect: 'manual' });
  for (let hops = 0; page.status >= 300 && page.status < 400 && hops < 5; hops++) {
    const next = new URL(page.headers.get('location')!, url);
    await page.text();
    page = await fetch(new URL(next.pathname + next.search, url), {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
  }
  const html = await page.text();
  return {
    events: events.epcisBody?.queryResults?.resultsBody?.eventList ?? events,
    trace,
    page: { status: page.status, hasProduct: html.includes(productName), hasLot: html.includes(LOT) },
  };
}

async function auditVerify(env: Record<string, string>): Promise<{ ok: boolean; entries: number }> {
  const { stdout } = await run(process.execPath, [path.join(ROOT, 'bin/truyxuat.js'), 'audit', 'verify', '--json'], {
    cwd: ROOT,
    env: childEnv(env),
  });
  const result = JSON.parse(stdout) as { ok: boolean; entries: number };
  return { ok: result.ok, entries: result.entries };
}

const backupScript = (action: 'backup' | 'restore', file: string, env: Record<string, string>) =>
  run('bash', [path.join(ROOT, 'scripts/backup.sh'), action, file], { cwd: ROOT, env: { ...process.env, ...env } });

async function checkRestored(env: Record<string, string>, serial: string, before: Answers, audit: { entries: number }) {
  const { server, all } = await startServing({ ...source, env, postgres: Boolean(postgresUrl) });
  try {
    const after = await answers(server.url, serial);
    expect(after.events).toEqual(before.events);
    expect(after.trace).toEqual(before.trace);
    expect(after.page).toEqual(before.page);
  } finally {
    for (const c of all) await c.stop();
  }
  // The restored audit chain is whole and as long as the original (the consumer scan above writes no entry).
  expect(await auditVerify(env)).toEqual({ ok: true, entries: audit.entries });
}

describe.runIf(postgresUrl)('backup and restore on PostgreSQL (pg_dump, pg_restore)', () => {
  it('answers the same from a dump restored into a fresh database', async () => {
    const { server, all } = await startServing(source);
    let serial: string;
    let before: Answers;
    const file = path.join(work, 'truyxuat.dump');
    try {
      serial = await load(server.url);
      before = await answers(server.url, serial);
      expect(before.page).toEqual({ status: 200, hasProduct: true, hasLot: true });
      // The backup is taken while the server and the worker run.
      await backupScript('backup', file, source.env);
    } finally {
      for (const c of all) await c.stop();
    }
    const audit = await auditVerify(source.env);
    expect(audit.ok).toBe(true);
    expect(audit.entries).toBeGreaterThan(0);
    const restored = await scratchDatabase(postgresUrl!, `backup_restored_${randomBytes(4).toString('hex')}`);
    cleanups.push(() => restored.drop());
    await backupScript('restore', file, { DATABASE_URL: restored.url });
    await checkRestored({ DATABASE_URL: restored.url }, serial, before, audit);
  }, 600_000);
});

describe.runIf(!postgresUrl)('backup and restore of the embedded data folder', () => {
  it('answers the same from a copy of the folder taken while the server was stopped', async () => {
    const { server, all } = await startServing(source);
    let serial: string;
    let before: Answers;
    const file = path.join(work, 'truyxuat-data.tar.gz');
    try {
      serial = await load(server.url);
      before = await answers(server.url, serial);
      expect(before.page).toEqual({ status: 200, hasProduct: true, hasLot: true });
      // While the server runs, the script refuses: a copy of a live folder may not open again.
      await expect(backupScript('backup', file, source.env)).rejects.toThrow(/in use by process/);
    } finally {
      for (const c of all) await c.stop();
    }
    await backupScript('backup', file, source.env);
    const audit = await auditVerify(source.env);
    expect(audit.ok).toBe(true);
    expect(audit.entries).toBeGreaterThan(0);
    const copy = path.join(work, 'restored-data');
    await backupScript('restore', file, { TRUYXUAT_DATA: copy, DATABASE_URL: '' });
    // A restore never overwrites a folder in use or with data in it.
    await expect(backupScript('restore', file, { TRUYXUAT_DATA: copy, DATABASE_URL: '' })).rejects.toThrow(/not empty/);
    await checkRestored({ DATABASE_URL: '', TRUYXUAT_DATA: copy }, serial, before, audit);
  }, 600_000);
});
