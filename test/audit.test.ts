import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyDigest, verifyChain } from '../src/audit/index.ts';
import { entryHash, GENESIS_HASH } from '../src/audit/audit.service.ts';
import { canonicalJson, digestOf } from '../src/audit/canonical.ts';
import type { DB } from '../src/db/schema.ts';
import { randomUUID } from 'node:crypto';
import { setNationalEnrolment } from '../src/federation/national.service.ts';
import { withCheckDigit } from '../src/identifiers/index.ts';
import { createLocation } from '../src/registry/location.service.ts';
import { updateOrganisation } from '../src/registry/organisation.service.ts';
import { addCertification, createProduct, updateProduct } from '../src/registry/product.service.ts';
import { updateProductGroup } from '../src/registry/product-group.service.ts';
import { SYSTEM } from '../src/shared/caller.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';
import { capture } from './helpers/epcis.ts';

let t: TestApp;
let province: Record<string, string>;
let business: Record<string, string>;
let org: string;

class Rollback extends Error {}

/** Runs `tamper` and a verification in one transaction that is then rolled back, so every test sees a clean log. */
async function verifyAfter(tamper: (trx: Kysely<DB>) => Promise<void>) {
  let result: Awaited<ReturnType<typeof verifyChain>> | undefined;
  await t.db
    .transaction()
    .execute(async (trx) => {
      await tamper(trx);
      result = await verifyChain(trx, 3);
      throw new Rollback();
    })
    .catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return result!;
}

async function entries() {
  const r = await t.app.inject({ url: '/api/audit/entries?limit=500', headers: province });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ items: { seq: string; action: string; objectId: string; hash: string; prevHash: string }[] }>().items;
}

beforeAll(async () => {
  t = await startTestApp();
  const authority = await makeOrganisation(t.db, { kind: 'authority' });
  province = (await signInAs(t, authority, 'province_admin')).headers;
  org = await makeOrganisation(t.db);
  business = (await signInAs(t, org, 'org_admin')).headers;
  // A few changes through the API: an organisation update, locations, a key.
  for (let i = 0; i < 4; i++) {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/locations',
      headers: business,
      payload: { name: `Kho ${i}`, kind: 'warehouse', gln: gln(i) },
    });
    expect(r.statusCode, r.body).toBe(201);
  }
  const key = await t.app.inject({
    method: 'POST',
    url: '/api/api-keys',
    headers: business,
    payload: { name: 'máy quét', permissions: ['epcis:capture'] },
  });
  expect(key.statusCode, key.body).toBe(201);
});
afterAll(async () => t?.close());

/** GLNs with a valid check digit (prefix 893500000 and a counter). */
function gln(i: number): string {
  const body = `89350000010${String(i).padStart(1, '0')}`;
  const digits = body.split('').map(Number);
  const sum = digits.reduce((s, d, k) => s + d * ((digits.length - k) % 2 === 1 ? 3 : 1), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

describe('canonical serialisation', () => {
  it('sorts keys, drops undefined members and gives dates as ISO strings', () => {
    expect(canonicalJson({ b: 1, a: [true, null, undefined], c: undefined, d: new Date(0) })).toBe(
      '{"a":[true,null,null],"b":1,"d":"1970-01-01T00:00:00.000Z"}',
    );
    expect(digestOf({ x: 1, y: 2 })).toBe(digestOf({ y: 2, x: 1 }));
    expect(digestOf({ x: 1 })).not.toBe(digestOf({ x: 2 }));
  });
});

describe('the audit log', () => {
  it('records each change with its actor, object and a digest, chained by hashes', async () => {
    const items = await entries();
    const locations = items.filter((e) => e.action === 'registry.location.create');
    expect(locations).toHaveLength(4);
    const key = items.find((e) => e.action === 'identity.api_key.create');
    expect(key).toBeDefined();
    const rows = await t.db.selectFrom('audit_entry').selectAll().orderBy('seq').execute();
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    const first = locations[locations.length - 1]!;
    const row = rows.find((r) => String(r.seq) === first.seq)!;
    expect(row.actor_kind).toBe('user');
    expect(row.actor_organisation_id).toBe(org);
    expect(row.organisation_id).toBe(org);
    expect(row.change_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash({ ...row, seq: String(row.seq) })).toBe(row.hash);
  });

  it('verifies an untouched chain', async () => {
    const result = await verifyChain(t.db);
    expect(result.ok).toBe(true);
    expect(result.entries).toBeGreaterThanOrEqual(5);
    const api = await t.app.inject({ url: '/api/audit/verification', headers: province });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ ok: true, entries: result.entries, headHash: result.headHash });
  });

  it('names the first entry edited with raw SQL', async () => {
    const result = await verifyAfter(async (trx) => {
      await sql`update audit_entry set object_id = 'someone-else' where seq = 3`.execute(trx);
    });
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ seq: '3', messageKey: 'audit.verify.hash' });
  });

  it('names an edit that recomputes the entry’s own hash at the next entry', async () => {
    const result = await verifyAfter(async (trx) => {
      const row = await trx.selectFrom('audit_entry').selectAll().where('seq', '=', '2').executeTakeFirstOrThrow();
      const forged = { ...row, seq: '2', action: 'registry.location.archive' };
      await sql`update audit_entry set action = ${forged.action}, hash = ${entryHash(forged)} where seq = 2`.execute(
        trx,
      );
    });
    expect(result.firstBroken).toMatchObject({ seq: '3', messageKey: 'audit.verify.link' });
  });

  it('names a deleted entry', async () => {
    const result = await verifyAfter(async (trx) => {
      await sql`delete from audit_entry where seq = 4`.execute(trx);
    });
    expect(result.firstBroken).toMatchObject({ seq: '4', messageKey: 'audit.verify.missing' });
  });

  it('notices entries deleted at the end of the log', async () => {
    const head = (await verifyChain(t.db)).headSeq;
    const result = await verifyAfter(async (trx) => {
      await sql`delete from audit_entry where seq = ${head}::bigint`.execute(trx);
    });
    expect(result.firstBroken).toMatchObject({ seq: head, messageKey: 'audit.verify.missing' });
  });

  it('names an entry inserted in the middle, even one with a correct own hash', async () => {
    const result = await verifyAfter(async (trx) => {
      // Make room at position 3 (shift the later entries by one) and slip in a well-formed forged entry.
      await sql`update audit_entry set seq = -seq where seq >= 3`.execute(trx);
      await sql`update audit_entry set seq = -seq + 1 where seq < 0`.execute(trx);
      const prev = await trx.selectFrom('audit_entry').selectAll().where('seq', '=', '2').executeTakeFirstOrThrow();
      const forged = {
        ...prev,
        seq: '3',
        action: 'registry.product.update',
        object_id: 'forged',
        prev_hash: prev.hash,
      };
      await sql`insert into audit_entry (seq, at, actor_kind, actor_user_id, actor_api_key_id, actor_organisation_id,
          actor_detail, action, object_type, object_id, organisation_id, change_digest, detail, prev_hash, hash)
        values (3, ${forged.at}, ${forged.actor_kind}, ${forged.actor_user_id}, ${forged.actor_api_key_id},
          ${forged.actor_organisation_id}, ${forged.actor_detail}, ${forged.action}, ${forged.object_type},
          ${forged.object_id}, ${forged.organisation_id}, ${forged.change_digest}, ${JSON.stringify(forged.detail)}::jsonb,
          ${forged.prev_hash}, ${entryHash(forged)})`.execute(trx);
      await sql`update audit_chain set seq = seq + 1`.execute(trx);
    });
    expect(result.firstBroken).toMatchObject({ seq: '4', messageKey: 'audit.verify.link' });
  });

  it('names reordered entries', async () => {
    const result = await verifyAfter(async (trx) => {
      await sql`update audit_entry set seq = case seq when 2 then -3 when 3 then -2 end where seq in (2, 3)`.execute(
        trx,
      );
      await sql`update audit_entry set seq = -seq where seq < 0`.execute(trx);
    });
    expect(result.firstBroken?.seq).toBe('2');
    expect(result.firstBroken?.messageKey).toBe('audit.verify.link');
  });

  it('keeps one entry per capture job, with the digest of its event hashes', async () => {
    const key = await apiKeyFor(t, org, ['epcis:capture']);
    const events = [1, 2, 3].map((i) => ({
      type: 'ObjectEvent',
      eventTime: '2026-05-01T08:00:00+07:00',
      eventTimeZoneOffset: '+07:00',
      epcList: [`https://id.gs1.org/01/08935001234562/21/audit-${i}`],
      action: 'OBSERVE',
      bizStep: 'inspecting',
    }));
    const document = JSON.stringify({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-05-01T08:00:00+07:00',
      epcisBody: { eventList: events },
    });
    const outcome = await capture(t, key.headers, document);
    expect(outcome.status).toBe(202);
    const captureId = (outcome.job as { captureID: string }).captureID;
    const rows = await t.db.selectFrom('audit_entry').selectAll().where('object_id', '=', captureId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'epcis.capture', object_type: 'capture_job', actor_kind: 'apiKey' });
    expect(rows[0]!.actor_api_key_id).toBe(key.id);
    expect(rows[0]!.detail).toMatchObject({ events: 3, stored: 3 });
    const hashes = await t.db
      .selectFrom('epcis_event')
      .select('event_hash')
      .where('capture_job_id', '=', captureId)
      .execute();
    expect(hashes).toHaveLength(3);
    expect((await verifyChain(t.db)).ok).toBe(true);
  });

  it('lets the province browse the log with filters, and nobody else', async () => {
    const filtered = await t.app.inject({
      url: `/api/audit/entries?action=registry.location.create&organisationId=${org}&limit=2`,
      headers: province,
    });
    expect(filtered.statusCode).toBe(200);
    const page = filtered.json<{ items: { action: string; seq: string }[]; nextBefore: string | null }>();
    expect(page.items).toHaveLength(2);
    expect(page.items.every((e) => e.action === 'registry.location.create')).toBe(true);
    const next = await t.app.inject({
      url: `/api/audit/entries?action=registry.location.create&before=${page.nextBefore}`,
      headers: province,
    });
    expect(next.json<{ items: unknown[] }>().items).toHaveLength(2);
    for (const url of ['/api/audit/entries', '/api/audit/digests?from=2026-01-01', '/api/audit/verification']) {
      expect((await t.app.inject({ url, headers: business })).statusCode).toBe(403);
      expect((await t.app.inject({ url })).statusCode).toBe(401);
    }
  });

  it('publishes a daily digest that changes when the day’s log is rewritten', async () => {
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const digest = await dailyDigest(t.db, today);
    expect(digest.entries).toBeGreaterThanOrEqual(5);
    expect(digest.chainHash).toBe((await verifyChain(t.db)).headHash);
    const api = await t.app.inject({ url: `/api/audit/digests?from=${today}&to=${today}`, headers: province });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toEqual([digest]);
    const empty = await dailyDigest(t.db, '2001-01-01');
    expect(empty).toMatchObject({ entries: 0, chainHash: GENESIS_HASH, firstSeq: null });
    let rewritten: string | undefined;
    await t.db
      .transaction()
      .execute(async (trx) => {
        await sql`update audit_entry set hash = repeat('f', 64) where seq = 2`.execute(trx);
        rewritten = (await dailyDigest(trx, today)).digest;
        throw new Rollback();
      })
      .catch((e: unknown) => {
        if (!(e instanceof Rollback)) throw e;
      });
    expect(rewritten).not.toBe(digest.digest);
    const bad = await t.app.inject({ url: '/api/audit/digests?from=2026-02-30', headers: province });
    expect(bad.statusCode).toBe(400);
    const long = await t.app.inject({ url: '/api/audit/digests?from=2026-01-01&to=2026-12-31', headers: province });
    expect(long.statusCode).toBe(400);
  });

  it('rolls an entry back with the change it records', async () => {
    const before = (await verifyChain(t.db)).headSeq;
    await expect(
      t.db.transaction().execute(async (trx) => {
        await createLocation(trx, SYSTEM, { organisationId: org, name: 'Kho tạm', kind: 'warehouse', gln: gln(9) });
        throw new Rollback();
      }),
    ).rejects.toBeInstanceOf(Rollback);
    const after = await verifyChain(t.db);
    expect(after.headSeq).toBe(before);
    expect(after.ok).toBe(true);
  });

  it('records the province’s enrolment, withdrawal, retry and resync of the national sync', async () => {
    const enrol = await t.app.inject({
      method: 'PUT',
      url: `/api/federation/national/enrolments/${org}`,
      headers: province,
      payload: { enabled: true },
    });
    expect(enrol.statusCode, enrol.body).toBe(200);
    const resync = await t.app.inject({
      method: 'POST',
      url: '/api/federation/national/resync',
      headers: province,
      payload: { organisationId: org },
    });
    expect(resync.statusCode, resync.body).toBeLessThan(300);
    // A failed record to send again (the outbox row the sync would have written).
    const recordId = randomUUID();
    await t.db
      .insertInto('national_outbox')
      .values({
        id: recordId,
        platform: 'vn-national-portal',
        organisation_id: org,
        record_kind: 'organisation',
        source_id: `${org}-audit`,
        record_key: `audit-${recordId}`,
        depends_on: null,
        rank: 0,
        payload_hash: 'x',
        status: 'failed',
        queued_at: new Date(),
        next_attempt_at: new Date(),
        last_code: 'E_TEST',
        last_detail: null,
      })
      .execute();
    const retry = await t.app.inject({
      method: 'POST',
      url: `/api/federation/national/records/${recordId}/retry`,
      headers: province,
    });
    expect(retry.statusCode, retry.body).toBe(200);
    const withdraw = await t.app.inject({
      method: 'PUT',
      url: `/api/federation/national/enrolments/${org}`,
      headers: province,
      payload: { enabled: false },
    });
    expect(withdraw.statusCode, withdraw.body).toBe(200);
    const log = await entries();
    const actions = log.map((e) => `${e.action} ${e.objectId}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        `federation.national.enrol ${org}`,
        `federation.national.resync vn-national-portal`,
        `federation.national.retry ${recordId}`,
        `federation.national.withdraw ${org}`,
      ]),
    );
    expect((await verifyChain(t.db)).ok).toBe(true);
  });

  it('records certification changes of a product', async () => {
    const group = (await t.db.selectFrom('product_group').select('code').executeTakeFirstOrThrow()).code;
    const product = await createProduct(t.db, SYSTEM, {
      organisationId: org,
      gtin: withCheckDigit('0893500099999'),
      name: 'Mè xửng thử',
      groupCode: group,
    });
    const cert = await addCertification(t.db, SYSTEM, product.id, { kind: 'other', number: 'A-1', issuer: 'Sở' });
    const log = await entries();
    expect(log.map((e) => `${e.action} ${e.objectId}`)).toEqual(
      expect.arrayContaining([`registry.product.create ${product.id}`, `registry.certification.create ${cert.id}`]),
    );
  });

  /**
   * The change and its audit entry commit together: when the audit append fails (a row planted at the next chain
   * position for the test), the change is rolled back too, and the chain is unchanged.
   */
  it('leaves no change without its audit entry, and no entry when the change fails', async () => {
    const group = await t.db.selectFrom('product_group').selectAll().executeTakeFirstOrThrow();
    const product = await createProduct(t.db, SYSTEM, {
      organisationId: org,
      gtin: withCheckDigit('0893500099998'),
      name: 'Mè xửng không đổi',
      groupCode: group.code,
    });
    const other = await makeOrganisation(t.db);
    const cases: { action: string; change: () => Promise<unknown>; unchanged: () => Promise<unknown> }[] = [
      {
        action: 'registry.organisation.update',
        change: () => updateOrganisation(t.db, SYSTEM, org, { name: 'Tên mới không được ghi' }),
        unchanged: async () =>
          (await t.db.selectFrom('organisation').select('name').where('id', '=', org).executeTakeFirstOrThrow()).name,
      },
      {
        action: 'registry.location.create',
        change: () =>
          createLocation(t.db, SYSTEM, { organisationId: org, name: 'Kho không ghi', kind: 'warehouse', gln: gln(7) }),
        unchanged: async () =>
          (await t.db.selectFrom('location').select('id').where('name', '=', 'Kho không ghi').execute()).length,
      },
      {
        action: 'registry.product.update',
        change: () => updateProduct(t.db, SYSTEM, product.id, { name: 'Tên sản phẩm không ghi' }),
        unchanged: async () =>
          (await t.db.selectFrom('product').select('name').where('id', '=', product.id).executeTakeFirstOrThrow()).name,
      },
      {
        action: 'registry.productGroup.update',
        change: () => updateProductGroup(t.db, SYSTEM, group.code, { name: 'Nhóm không ghi' }),
        unchanged: async () =>
          (
            await t.db
              .selectFrom('product_group')
              .select('name')
              .where('code', '=', group.code)
              .executeTakeFirstOrThrow()
          ).name,
      },
      {
        action: 'registry.certification.create',
        change: () => addCertification(t.db, SYSTEM, product.id, { kind: 'other', number: 'B-2', issuer: 'Sở' }),
        unchanged: async () =>
          (await t.db.selectFrom('certification').select('id').where('product_id', '=', product.id).execute()).length,
      },
      {
        action: 'federation.national.enrol',
        change: () => setNationalEnrolment(t.db, SYSTEM, other, true),
        unchanged: async () =>
          (await t.db.selectFrom('national_enrolment').select('enabled').where('organisation_id', '=', other).execute())
            .length,
      },
    ];
    for (const c of cases) {
      const before = await verifyChain(t.db);
      const state = await c.unchanged();
      // A row already at the next position: the append fails (duplicate position) after the change was written.
      await sql`insert into audit_entry (seq, at, actor_kind, actor_user_id, actor_api_key_id, actor_organisation_id,
          actor_detail, action, object_type, object_id, organisation_id, change_digest, detail, prev_hash, hash)
        select seq + 1, at, actor_kind, actor_user_id, actor_api_key_id, actor_organisation_id, actor_detail,
          'test.blocker', object_type, object_id, organisation_id, change_digest, detail, hash, hash
        from audit_entry where seq = ${before.headSeq}`.execute(t.db);
      try {
        await expect(c.change(), c.action).rejects.toThrow();
      } finally {
        await sql`delete from audit_entry where action = 'test.blocker'`.execute(t.db);
      }
      expect(await c.unchanged(), c.action).toEqual(state);
      const after = await verifyChain(t.db);
      expect(after.headSeq, c.action).toBe(before.headSeq);
      expect(after.ok).toBe(true);
    }
    // A change refused by the database (a GLN already taken) leaves no entry either.
    const before = (await verifyChain(t.db)).headSeq;
    await expect(
      createLocation(t.db, SYSTEM, { organisationId: org, name: 'Kho trùng', kind: 'warehouse', gln: gln(0) }),
    ).rejects.toThrow();
    await expect(setNationalEnrolment(t.db, SYSTEM, randomUUID(), true)).rejects.toThrow();
    expect((await verifyChain(t.db)).headSeq).toBe(before);
  });
});
