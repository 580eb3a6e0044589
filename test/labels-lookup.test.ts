import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkVerificationCode, findStamp, recordStampScans } from '../src/labels/index.ts';
import * as repo from '../src/labels/labels.repository.ts';
import { verificationCode, verificationCodeHash } from '../src/labels/verification-code.ts';
import { makeOrganisation, startTestApp, type TestApp } from './helpers/app.ts';

/** The public contract the resolver and the consumer page use: lookup, scan counting, scratch-off codes. */

const GTIN = '08938505974019';
let t: TestApp;
let ids: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp();
  const organisationId = await makeOrganisation(t.db);
  const productId = randomUUID();
  await t.db
    .insertInto('product')
    .values({
      id: productId,
      organisation_id: organisationId,
      gtin: GTIN,
      name: 'Mè xửng',
      group_code: 'specialty.hue',
    })
    .execute();
  const batchId = randomUUID();
  await repo.insertBatch(t.db, {
    id: batchId,
    organisation_id: organisationId,
    product_id: productId,
    gtin: GTIN,
    lot: null,
    quantity: 3,
    layout: 'a4-21',
    with_verification_code: true,
    state: 'issued',
    created_by: null,
  });
  const secret = await repo.labelSecret(t.db);
  const states = { A: 'issued', B: 'activated', C: 'void' } as const;
  await repo.insertStamps(
    t.db,
    Object.entries(states).map(([serial, state], i) => ({
      batch_id: batchId,
      sequence: i + 1,
      organisation_id: organisationId,
      gtin: GTIN,
      serial,
      lot: state === 'activated' ? 'L1' : null,
      state,
      verification_code_hash: verificationCodeHash(secret, GTIN, serial, verificationCode(secret, GTIN, serial)),
    })),
  );
  ids = {};
  for (const serial of Object.keys(states)) ids[serial] = (await findStamp(t.db, GTIN, serial))!.id;
});
afterAll(async () => t?.close());

describe('stamp lookup for the resolver', () => {
  it('finds a stamp by GTIN and exact serial, and nothing for unknown or malformed keys', async () => {
    const b = await findStamp(t.db, GTIN, 'B');
    expect(b).toMatchObject({ gtin: GTIN, serial: 'B', lot: 'L1', state: 'activated', scanCount: 0 });
    expect(b?.hasVerificationCode).toBe(true);
    expect(await findStamp(t.db, GTIN, 'b')).toBeUndefined();
    expect(await findStamp(t.db, '08938505974026', 'B')).toBeUndefined();
    expect(await findStamp(t.db, '8938505974016', 'B')).toBeUndefined();
    expect(await findStamp(t.db, GTIN, 'X'.repeat(21))).toBeUndefined();
  });

  it('counts scans in one call: first scan turns activated into scanned, issued and void keep their state', async () => {
    const t1 = new Date('2026-06-01T08:00:00Z');
    const t2 = new Date('2026-06-01T09:00:00Z');
    await recordStampScans(t.db, [
      { stampId: ids.B!, at: t2 },
      { stampId: ids.B!, at: t1 },
      { stampId: ids.A!, at: t1 },
      { stampId: ids.C!, at: t1 },
      { stampId: '999999999', at: t1 },
      { stampId: 'not-an-id', at: t1 },
    ]);
    await recordStampScans(t.db, []);
    const b = await findStamp(t.db, GTIN, 'B');
    expect(b).toMatchObject({ state: 'scanned', scanCount: 2 });
    expect(b?.firstScannedAt?.toISOString()).toBe(t1.toISOString());
    expect(b?.lastScannedAt?.toISOString()).toBe(t2.toISOString());
    expect(await findStamp(t.db, GTIN, 'A')).toMatchObject({ state: 'issued', scanCount: 1 });
    expect(await findStamp(t.db, GTIN, 'C')).toMatchObject({ state: 'void', scanCount: 1 });

    const t0 = new Date('2026-05-31T08:00:00Z');
    await recordStampScans(t.db, [{ stampId: ids.B!, at: t0 }]);
    const again = await findStamp(t.db, GTIN, 'B');
    expect(again).toMatchObject({ state: 'scanned', scanCount: 3 });
    expect(again?.firstScannedAt?.toISOString()).toBe(t0.toISOString());
    expect(again?.lastScannedAt?.toISOString()).toBe(t2.toISOString());
  });

  it('checks a scratch-off code against the stored hash', async () => {
    const secret = await repo.labelSecret(t.db);
    const code = verificationCode(secret, GTIN, 'A');
    expect(await checkVerificationCode(t.db, ids.A!, code)).toBe(true);
    expect(await checkVerificationCode(t.db, ids.A!, verificationCode(secret, GTIN, 'B'))).toBe(false);
    expect(await checkVerificationCode(t.db, ids.B!, code)).toBe(false);
    expect(await checkVerificationCode(t.db, '999999999', code)).toBe(false);
    expect(await checkVerificationCode(t.db, 'x', code)).toBe(false);
    const stored = await t.db.selectFrom('stamp').select('verification_code_hash').execute();
    for (const row of stored) expect(row.verification_code_hash).not.toContain(code);
  });
});
