import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, verifyChain } from '../src/audit/index.ts';
import { createApiKey } from '../src/registry/identity.service.ts';
import { SYSTEM } from '../src/shared/caller.ts';
import { makeOrganisation, startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('audit chain under concurrency', () => {
  it('many parallel mutations produce one unbroken chain with every entry', async () => {
    const org = await makeOrganisation(t.db);
    const before = BigInt((await verifyChain(t.db)).headSeq);
    const keys = Array.from({ length: 30 }, (_, i) =>
      createApiKey(t.db, SYSTEM, { name: `khóa ${i}`, permissions: ['epcis:query'], organisationId: org }),
    );
    const direct = Array.from({ length: 30 }, (_, i) =>
      recordAudit(t.db, SYSTEM, { action: 'test.parallel', objectType: 'thing', objectId: `t-${i}`, change: { i } }),
    );
    await Promise.all([...keys, ...direct]);
    const result = await verifyChain(t.db);
    expect(result.ok, JSON.stringify(result.firstBroken)).toBe(true);
    expect(BigInt(result.headSeq) - before).toBe(60n);
    const seqs = await t.db.selectFrom('audit_entry').select('seq').orderBy('seq').execute();
    expect(seqs.map((s) => Number(s.seq))).toEqual(seqs.map((_, i) => i + 1));
  });
});
