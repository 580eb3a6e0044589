import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/database.ts';
import { nationalPortalClient } from '../src/federation/national/portal-client.ts';
import type { NationalPlatform } from '../src/federation/national/platform.ts';
import { syncNational } from '../src/federation/national/sync.ts';
import { scratchDatabase } from './helpers/kill-harness.ts';
import { seedEnrolledOrganisations } from './helpers/national-fixture.ts';
import { startNationalPortalStandIn, type NationalPortalStandIn } from './helpers/national-portal-stand-in.ts';

/**
 * Two workers (two connection pools, as two processes have) drain one national outbox on one PostgreSQL database at
 * the same time. The platform's lease lets one send at a time: the stand-in portal stores every record exactly once,
 * in dependency order. PostgreSQL only (the embedded database serves one process).
 */

const postgresUrl = process.env.TEST_DATABASE_URL;
const PUBLIC_URL = 'http://truyxuat.test';
const CLIENT = { clientId: 'hue-province', clientSecret: 'two-workers-secret' };
const PLATFORM = 'test-two-workers';

describe.runIf(postgresUrl)('national sync with two workers on one PostgreSQL (PostgreSQL only)', () => {
  let drop: () => Promise<void>;
  const workers: Database[] = [];
  let standIn: NationalPortalStandIn;
  const clock = () => new Date();

  beforeAll(async () => {
    const scratch = await scratchDatabase(postgresUrl!, `national_${randomBytes(4).toString('hex')}`);
    drop = () => scratch.drop();
    workers.push(await openDatabase({ url: scratch.url, poolSize: 3 }));
    workers.push(await openDatabase({ url: scratch.url, poolSize: 3, migrate: false }));
    const db = workers[0]!.db;
    await seedEnrolledOrganisations(db, {
      organisations: 3,
      products: 3,
      series: '20',
      platform: PLATFORM,
      decidedAt: clock(),
    });
    standIn = await startNationalPortalStandIn({ ...CLIENT, now: clock, autoActivate: true });
  }, 120_000);

  afterAll(async () => {
    await standIn?.close();
    for (const w of workers) await w.close();
    await drop?.();
  });

  it('sends every record exactly once and in dependency order while both workers run', async () => {
    const client = nationalPortalClient({ config: { baseUrl: standIn.url, ...CLIENT, timeoutMs: 5000 }, clock });
    // Each send takes a moment, so the two workers overlap for the whole drain.
    const platform: NationalPlatform = {
      ...client,
      id: PLATFORM,
      send: async (record) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return client.send(record);
      },
    };
    let busy = 0;
    const work = async (database: Database) => {
      for (let round = 0; round < 500; round++) {
        const result = await syncNational(database.db, { platform, clock, publicUrl: PUBLIC_URL });
        if (result.busy) {
          busy += 1;
          await new Promise((resolve) => setTimeout(resolve, 2));
          continue;
        }
        if (result.passes.every((p) => p.sent === 0 && !p.more)) return;
      }
      throw new Error('the worker did not settle');
    };
    await Promise.all(workers.map(work));

    const outbox = await workers[0]!.db
      .selectFrom('national_outbox')
      .select(['status', 'record_kind'])
      .where('platform', '=', PLATFORM)
      .execute();
    // 3 organisations, 9 products, 9 chains, 18 events.
    expect(outbox).toHaveLength(39);
    expect(outbox.every((r) => r.status === 'sent')).toBe(true);
    const paths = standIn.writes.map((w) => w.path);
    expect(paths).toHaveLength(39);
    expect(new Set(paths).size).toBe(39);
    // Order: every record after the one it depends on (organisation → product/chain → event).
    for (const w of standIn.writes.filter((x) => x.kind !== 'organisation')) {
      const org = w.path.split('/')[3]!;
      const orgAt = paths.indexOf(`/v1/organizations/${org}`);
      expect(orgAt).toBeGreaterThanOrEqual(0);
      expect(orgAt).toBeLessThan(paths.indexOf(w.path));
    }
    // The workers did meet: the second found the outbox held at least once.
    expect(busy).toBeGreaterThan(0);
    const state = await workers[0]!.db
      .selectFrom('national_platform_state')
      .select(['lease_owner', 'lease_until'])
      .where('platform', '=', PLATFORM)
      .executeTakeFirstOrThrow();
    expect(state).toEqual({ lease_owner: null, lease_until: null });
  }, 180_000);
});
