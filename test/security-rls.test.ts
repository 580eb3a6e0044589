import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../src/db/schema.ts';
import { asSystem, NO_SCOPE, runInScope, type DbScope } from '../src/db/scope.ts';
import { databaseScope, registerAuthentication } from '../src/http/auth.ts';
import { reportProblem } from '../src/portal/portal.service.ts';
import { recallStatusOfLots } from '../src/trace/index.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';
import { databaseKind } from './helpers/database.ts';

/**
 * Row-level security (migrations 0022, 0026 and 0028) on its own, below the services: raw SQL through the application's
 * database handle, in a business scope, reaches only that organisation's rows of every protected table.
 */
const PROTECTED: Record<string, string> = {
  epcis_event: 'owner_organisation_id',
  epcis_event_visibility: 'organisation_id',
  lot_edge: 'owner_organisation_id',
  epcis_named_query: 'organisation_id',
  epcis_subscription: 'organisation_id',
  capture_job: 'organisation_id',
  stamp_batch: 'organisation_id',
  stamp: 'organisation_id',
  api_key: 'organisation_id',
  notification: 'organisation_id',
  notification_webhook: 'organisation_id',
};

let t: TestApp;
let db: Kysely<DB>;
let orgA: string;
let orgB: string;
let orgC: string;

const scoped = <T>(scope: DbScope, work: () => Promise<T>): Promise<T> => runInScope({ scope }, work);
const asOrg = <T>(organisations: string[], work: () => Promise<T>) => scoped({ kind: 'org', organisations }, work);

async function seed(organisationId: string, gtin: string): Promise<void> {
  const productId = randomUUID();
  await db
    .insertInto('product')
    .values({ id: productId, organisation_id: organisationId, gtin, name: 'Mè xửng', group_code: 'specialty.hue' })
    .execute();
  const jobId = randomUUID();
  await sql`insert into capture_job (id, organisation_id, event_count, status) values (${jobId}, ${organisationId}, 1, 'done')`.execute(
    db,
  );
  const { rows } = await sql<{ id: string }>`
    insert into epcis_event (event_id, event_hash, event_type, event_time, event_time_zone_offset,
      owner_organisation_id, visible_to, capture_job_id, document)
    values (${`urn:uuid:${randomUUID()}`}, ${randomUUID()}, 'ObjectEvent', now(), '+07:00', ${organisationId},
      array[${organisationId}]::text[], ${jobId}, '{}'::jsonb)
    returning id`.execute(db);
  await sql`insert into epcis_event_visibility (organisation_id, event_row, event_time, record_time)
    values (${organisationId}, ${rows[0]!.id}, now(), now())`.execute(db);
  await sql`insert into epcis_event_epc (event_row, role, epc, is_class, gtin)
    values (${rows[0]!.id}, 'epc', ${`urn:epc:class:lgtin:${gtin}.LOT1`}, true, ${gtin})`.execute(db);
  await sql`insert into lot_edge (event_row, kind, from_node, to_node, owner_organisation_id, visible_to)
    values (${rows[0]!.id}, 'commissioning', ${`urn:epc:class:lgtin:${gtin}.LOT1`}, ${`urn:epc:class:lgtin:${gtin}.LOT1`},
      ${organisationId}, array[${organisationId}]::text[])`.execute(db);
  await sql`insert into epcis_named_query (organisation_id, name, query) values (${organisationId}, 'mine', '{}'::jsonb)`.execute(
    db,
  );
  await sql`insert into epcis_subscription (id, organisation_id, query_name, sees_organisation_id, dest, stream,
      initial_record_time)
    values (${randomUUID()}, ${organisationId}, 'mine', ${organisationId}, 'https://example.vn/epcis', true, now())`.execute(
    db,
  );
  const batchId = randomUUID();
  await sql`insert into stamp_batch (id, organisation_id, product_id, gtin, quantity, layout, with_verification_code)
    values (${batchId}, ${organisationId}, ${productId}, ${gtin}, 1, 'a4-65', false)`.execute(db);
  await sql`insert into stamp (batch_id, sequence, organisation_id, gtin, serial)
    values (${batchId}, 1, ${organisationId}, ${gtin}, ${randomUUID().slice(0, 8)})`.execute(db);
  await apiKeyFor(t, organisationId, ['epcis:query']);
  await sql`insert into notification (id, organisation_id, kind, title_key) values (${randomUUID()}, ${organisationId}, 'test', 'test')`.execute(
    db,
  );
  await sql`insert into notification_webhook (id, organisation_id, url, secret, secret_prefix)
    values (${randomUUID()}, ${organisationId}, 'https://example.vn/hook', 'secret', 'sec')`.execute(db);
}

beforeAll(async () => {
  t = await startTestApp();
  db = t.db;
  orgA = await makeOrganisation(db, { name: 'Cơ sở A' });
  orgB = await makeOrganisation(db, { name: 'Cơ sở B' });
  orgC = await makeOrganisation(db, { name: 'Nhà cung cấp C' });
  await seed(orgA, '08938505970011');
  await seed(orgB, '08938505970028');
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe(`row-level security (${databaseKind()})`, () => {
  it('runs the application as a role that is neither superuser, BYPASSRLS, nor the owner of the tables', async () => {
    const { rows } = await sql<{ user: string; rolsuper: boolean; rolbypassrls: boolean }>`
      select current_user as user, rolsuper, rolbypassrls from pg_roles where rolname = current_user`.execute(db);
    expect(rows).toEqual([{ user: 'truyxuat_app', rolsuper: false, rolbypassrls: false }]);
    const tables = await sql<{ relname: string; owner: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
      select c.relname, pg_get_userbyid(c.relowner) as owner, c.relrowsecurity, c.relforcerowsecurity
      from pg_class c where c.relname in (${sql.join(Object.keys(PROTECTED))})
        and c.relnamespace = current_schema()::regnamespace`.execute(db);
    expect(tables.rows.map((r) => r.relname).sort()).toEqual(Object.keys(PROTECTED).sort());
    for (const table of tables.rows) {
      expect(table.owner, table.relname).not.toBe('truyxuat_app');
      expect(table.relrowsecurity && table.relforcerowsecurity, table.relname).toBe(true);
    }
  });

  it.each(Object.entries(PROTECTED))('%s: a business scope reads only its own rows', async (table, column) => {
    const all = await sql<{ org: string }>`select ${sql.ref(column)} as org from ${sql.table(table)}`.execute(db);
    expect(new Set(all.rows.map((r) => r.org))).toEqual(new Set([orgA, orgB]));
    const seenByA = await asOrg([orgA], () =>
      sql<{ org: string }>`select ${sql.ref(column)} as org from ${sql.table(table)}`.execute(db),
    );
    expect(seenByA.rows.length).toBeGreaterThan(0);
    expect(new Set(seenByA.rows.map((r) => r.org))).toEqual(new Set([orgA]));
    // Even a query naming the other organisation explicitly finds nothing.
    const named = await asOrg([orgA], () =>
      sql<{
        n: string;
      }>`select count(*)::text as n from ${sql.table(table)} where ${sql.ref(column)} = ${orgB}`.execute(db),
    );
    expect(named.rows[0]!.n).toBe('0');
  });

  it.each(Object.entries(PROTECTED))(
    '%s: another organisation’s rows cannot be changed or deleted',
    async (table, column) => {
      const before = await sql<{ n: string }>`
      select count(*)::text as n from ${sql.table(table)} where ${sql.ref(column)} = ${orgB}`.execute(db);
      const updated = await asOrg([orgA], () =>
        sql`update ${sql.table(table)} set ${sql.ref(column)} = ${orgA} where ${sql.ref(column)} = ${orgB}`.execute(db),
      );
      expect(updated.numAffectedRows).toBe(0n);
      const deleted = await asOrg([orgA], () =>
        sql`delete from ${sql.table(table)} where ${sql.ref(column)} = ${orgB}`.execute(db),
      );
      expect(deleted.numAffectedRows).toBe(0n);
      const after = await sql<{ n: string }>`
      select count(*)::text as n from ${sql.table(table)} where ${sql.ref(column)} = ${orgB}`.execute(db);
      expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    },
  );

  it('refuses to write a row for another organisation, and to move an own row to it', async () => {
    await expect(
      asOrg([orgA], () =>
        sql`insert into notification (id, organisation_id, kind, title_key) values (${randomUUID()}, ${orgB}, 'x', 'x')`.execute(
          db,
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asOrg([orgA], () =>
        sql`update notification set organisation_id = ${orgB} where organisation_id = ${orgA}`.execute(db),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('admits no row without a business scope, and every row to the system', async () => {
    for (const table of Object.keys(PROTECTED)) {
      const none = await scoped(NO_SCOPE, () =>
        sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(db),
      );
      expect(none.rows[0]!.n, table).toBe('0');
      const system = await asSystem(() =>
        sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(db),
      );
      expect(Number(system.rows[0]!.n), table).toBeGreaterThanOrEqual(2);
    }
    // A connection of the application role that never received a scope (settings reset) sees nothing either.
    const raw = await db.connection().execute(async (connection) => {
      await sql`reset truyxuat.scope`.execute(connection);
      await sql`reset truyxuat.orgs`.execute(connection);
      // The next statement re-applies the scope (the connection remembers the old one, so reset it explicitly).
      return sql<{ n: string; scope: string | null }>`
        select (select count(*) from capture_job)::text as n, current_setting('truyxuat.scope', true) as scope`.execute(
        connection,
      );
    });
    expect(raw.rows[0]).toEqual({ n: '0', scope: '' });
  });

  it('keeps the scope inside transactions, and a rolled-back transaction does not leave a stale scope', async () => {
    await asOrg([orgA], () =>
      db
        .transaction()
        .execute(async (trx) => {
          const inside = await sql<{ n: string }>`select count(*)::text as n from capture_job`.execute(trx);
          expect(inside.rows[0]!.n).toBe('1');
          const elevated = await asSystem(() =>
            sql<{ n: string }>`select count(*)::text as n from capture_job`.execute(trx),
          );
          expect(elevated.rows[0]!.n).toBe('2');
          throw new Error('roll back');
        })
        .catch(() => undefined),
    );
    const after = await asOrg([orgB], () =>
      sql<{ n: string }>`select count(*)::text as n from capture_job`.execute(db),
    );
    expect(after.rows[0]!.n).toBe('1');
    const system = await sql<{ n: string }>`select count(*)::text as n from capture_job`.execute(db);
    expect(system.rows[0]!.n).toBe('2');
  });

  it('gives a provider the organisations that delegated to it, and an anonymous caller nothing', async () => {
    await db
      .insertInto('delegation')
      .values({
        id: randomUUID(),
        provider_organisation_id: orgC,
        organisation_id: orgA,
        permissions: JSON.stringify(['epcis:query']),
        scope: JSON.stringify({}),
      })
      .execute();
    const signedIn = await signInAs(t, orgC);
    const scope = await databaseScope(db, {
      kind: 'user',
      userId: signedIn.userId,
      organisationId: orgC,
      role: 'org_admin',
      permissions: new Set(['epcis:query']),
      province: false,
    });
    expect(scope).toEqual({ kind: 'org', organisations: [orgC, orgA] });
    const seen = await scoped(scope, () =>
      sql<{ org: string }>`select organisation_id as org from capture_job`.execute(db),
    );
    expect(seen.rows.map((r) => r.org)).toEqual([orgA]);
    expect(await databaseScope(db, { kind: 'anonymous' })).toEqual(NO_SCOPE);
  });

  it('runs each HTTP request, body parsing included, in its caller’s scope', async () => {
    // A route with no service check at all: what it returns is what the database admits.
    const probe = Fastify();
    await probe.register(cookie);
    registerAuthentication(probe, { db, config: t.config });
    probe.post(
      '/probe',
      async () => (await sql<{ org: string }>`select organisation_id as org from notification`.execute(db)).rows,
    );
    await probe.ready();
    try {
      const key = await apiKeyFor(t, orgA, ['epcis:query']);
      const asA = await probe.inject({ method: 'POST', url: '/probe', headers: key.headers, payload: { any: 'body' } });
      expect(asA.statusCode, asA.body).toBe(200);
      expect(asA.json()).toEqual([{ org: orgA }]);
      const anonymous = await probe.inject({ method: 'POST', url: '/probe', payload: { any: 'body' } });
      expect(anonymous.json()).toEqual([]);
    } finally {
      await probe.close();
    }
  });
});

describe(`row-level security on EPCIS events (${databaseKind()})`, () => {
  /** Inserts an event of `owner` (captured by `via`), visible to `visibleTo`, with its visibility and EPC rows. */
  async function event(owner: string, visibleTo: string[], via: string | null = null): Promise<string> {
    const { rows } = await sql<{ id: string }>`
      insert into epcis_event (event_id, event_hash, event_type, event_time, event_time_zone_offset,
        owner_organisation_id, via_organisation_id, visible_to, document)
      values (${`urn:uuid:${randomUUID()}`}, ${randomUUID()}, 'ObjectEvent', now(), '+07:00', ${owner}, ${via},
        ${visibleTo}::text[], '{}'::jsonb)
      returning id::text as id`.execute(db);
    const id = rows[0]!.id;
    await sql`insert into epcis_event_visibility (organisation_id, event_row, event_time, record_time)
      select unnest(${visibleTo}::text[]), ${id}, now(), now()`.execute(db);
    await sql`insert into epcis_event_epc (event_row, role, epc, is_class) values (${id}, 'epc', ${`urn:x:${id}`}, false)`.execute(
      db,
    );
    return id;
  }
  const rowsOf = async (table: string, ids: string[]) =>
    (
      await sql<{ row: string }>`select ${sql.ref(table === 'epcis_event' ? 'id' : 'event_row')}::text as row
        from ${sql.table(table)} where ${sql.ref(table === 'epcis_event' ? 'id' : 'event_row')} = any(${ids}::bigint[])
        order by 1`.execute(db)
    ).rows.map((r) => r.row);

  it('enables forced row-level security on the event tables and the other private tables of migration 0026', async () => {
    const tables = [
      'epcis_event',
      'epcis_event_visibility',
      'epcis_event_epc',
      'epcis_event_link',
      'trace_error_declaration',
      'lot_edge',
      'epcis_named_query',
      'epcis_subscription',
      'epcis_subscription_delivery',
      'connector',
      'connector_run',
      'notification_email',
      'notification_webhook_delivery',
    ];
    const { rows } = await sql<{ relname: string; secured: boolean }>`
      select c.relname, c.relrowsecurity and c.relforcerowsecurity as secured from pg_class c
      where c.relname in (${sql.join(tables)}) and c.relnamespace = current_schema()::regnamespace`.execute(db);
    expect(Object.fromEntries(rows.map((r) => [r.relname, r.secured]))).toEqual(
      Object.fromEntries(tables.map((t) => [t, true])),
    );
  });

  it('keeps another organisation’s events, their visibility and EPC rows out of reach, even by raw SQL', async () => {
    const own = await event(orgA, [orgA]);
    const foreign = await event(orgB, [orgB]);
    for (const table of ['epcis_event', 'epcis_event_visibility', 'epcis_event_epc']) {
      expect(await asOrg([orgA], () => rowsOf(table, [own, foreign])), table).toEqual([own]);
      const changed = await asOrg([orgA], async () => {
        const updated =
          await sql`update ${sql.table(table)} set ${sql.ref(table === 'epcis_event' ? 'id' : 'event_row')} =
          ${sql.ref(table === 'epcis_event' ? 'id' : 'event_row')} where ${sql.ref(table === 'epcis_event' ? 'id' : 'event_row')} = ${foreign}`.execute(
            db,
          );
        const deleted = await sql`delete from ${sql.table(table)}
          where ${sql.ref(table === 'epcis_event' ? 'id' : 'event_row')} = ${foreign}`.execute(db);
        return [updated.numAffectedRows, deleted.numAffectedRows];
      });
      expect(changed, table).toEqual([0n, 0n]);
      expect(await rowsOf(table, [foreign]), table).toEqual([foreign]);
    }
    // Nor may it move its own event to the other organisation, or write one in the other's name.
    await expect(
      asOrg([orgA], () => sql`update epcis_event set owner_organisation_id = ${orgB} where id = ${own}`.execute(db)),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asOrg([orgA], () =>
        sql`insert into epcis_event (event_id, event_hash, event_type, event_time, event_time_zone_offset,
          owner_organisation_id, visible_to, document)
        values (${`urn:uuid:${randomUUID()}`}, ${randomUUID()}, 'ObjectEvent', now(), '+07:00', ${orgB},
          array[${orgA}, ${orgB}]::text[], '{}'::jsonb)`.execute(db),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('shows a refused shipment to both sides of it, written only by the refusing organisation (migration 0030)', async () => {
    // orgB ships to orgC: the event is visible to both; orgA is a stranger.
    const shipped = await event(orgB, [orgB, orgC]);
    const lot = `https://id.gs1.org/01/08930000000019/10/REJ-${shipped}`;
    const secured = await sql<{ secured: boolean }>`
      select relrowsecurity and relforcerowsecurity as secured from pg_class
      where relname = 'shipment_rejection' and relnamespace = current_schema()::regnamespace`.execute(db);
    expect(secured.rows[0]?.secured).toBe(true);
    // Neither a stranger nor the sender may refuse in the receiver's name, nor a stranger on an event it cannot see.
    for (const [scope, by] of [
      [orgA, orgA],
      [orgB, orgC],
    ] as const) {
      await expect(
        asOrg([scope], () =>
          sql`insert into shipment_rejection (event_row, lot, organisation_id, reason)
            values (${shipped}, ${lot}, ${by}, 'hư hỏng')`.execute(db),
        ),
      ).rejects.toThrow(/row-level security/);
    }
    await asOrg([orgC], () =>
      sql`insert into shipment_rejection (event_row, lot, organisation_id, reason)
        values (${shipped}, ${lot}, ${orgC}, 'hư hỏng')`.execute(db),
    );
    const seen = (orgs: string[]) =>
      asOrg(orgs, async () =>
        (
          await sql<{ reason: string }>`select reason from shipment_rejection where event_row = ${shipped}`.execute(db)
        ).rows.map((r) => r.reason),
      );
    expect(await seen([orgC])).toEqual(['hư hỏng']);
    expect(await seen([orgB])).toEqual(['hư hỏng']);
    expect(await seen([orgA])).toEqual([]);
    // The sender reads the reason but cannot change or remove it.
    const changed = await asOrg([orgB], async () => {
      const updated =
        await sql`update shipment_rejection set reason = 'không sao' where event_row = ${shipped}`.execute(db);
      const deleted = await sql`delete from shipment_rejection where event_row = ${shipped}`.execute(db);
      return [updated.numAffectedRows, deleted.numAffectedRows];
    });
    expect(changed).toEqual([0n, 0n]);
    expect(await seen([orgC])).toEqual(['hư hỏng']);
  });

  it('shows a shared event to the partner named in it, read-only, and lets only the owner grant visibility', async () => {
    const shared = await event(orgB, [orgB, orgC]);
    const unshared = await event(orgB, [orgB]);
    expect(await asOrg([orgC], () => rowsOf('epcis_event', [shared, unshared]))).toEqual([shared]);
    expect(await asOrg([orgC], () => rowsOf('epcis_event_epc', [shared, unshared]))).toEqual([shared]);
    const visibility = await asOrg([orgC], () =>
      sql<{
        org: string;
      }>`select organisation_id as org from epcis_event_visibility where event_row = ${shared}`.execute(db),
    );
    expect(visibility.rows).toEqual([{ org: orgC }]);
    const changed = await asOrg([orgC], async () => [
      (await sql`update epcis_event set biz_step = 'x' where id = ${shared}`.execute(db)).numAffectedRows,
      (await sql`delete from epcis_event where id = ${shared}`.execute(db)).numAffectedRows,
    ]);
    expect(changed).toEqual([0n, 0n]);
    // The partner cannot widen the sharing; the owner can, for its own event only.
    await expect(
      asOrg([orgC], () =>
        sql`insert into epcis_event_visibility (organisation_id, event_row, event_time, record_time)
          values (${orgA}, ${shared}, now(), now())`.execute(db),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asOrg([orgA], () =>
        sql`insert into epcis_event_visibility (organisation_id, event_row, event_time, record_time)
          values (${orgA}, ${unshared}, now(), now())`.execute(db),
      ),
    ).rejects.toThrow(/row-level security/);
    expect(await asOrg([orgA], () => rowsOf('epcis_event', [shared, unshared]))).toEqual([]);
  });

  it('lets a provider read and capture its delegators’ events, and an anonymous caller nothing', async () => {
    const ofA = await event(orgA, [orgA]);
    const ofB = await event(orgB, [orgB]);
    // A provider's scope lists itself and the organisations that delegated to it (see the delegation test above).
    const provider = [orgC, orgA];
    expect(await asOrg(provider, () => rowsOf('epcis_event', [ofA, ofB]))).toEqual([ofA]);
    const captured = await asOrg(provider, async () => {
      const { rows } = await sql<{ id: string }>`
        insert into epcis_event (event_id, event_hash, event_type, event_time, event_time_zone_offset,
          owner_organisation_id, via_organisation_id, visible_to, document)
        values (${`urn:uuid:${randomUUID()}`}, ${randomUUID()}, 'ObjectEvent', now(), '+07:00', ${orgA}, ${orgC},
          array[${orgA}, ${orgC}]::text[], '{}'::jsonb)
        returning id::text as id`.execute(db);
      await sql`insert into epcis_event_visibility (organisation_id, event_row, event_time, record_time)
        values (${orgA}, ${rows[0]!.id}, now(), now()), (${orgC}, ${rows[0]!.id}, now(), now())`.execute(db);
      return rows[0]!.id;
    });
    // Each organisation reads its own index rows only; another organisation sees nothing.
    const sharedWith = (organisations: string[]) =>
      asOrg(organisations, async () =>
        (
          await sql<{ org: string }>`select organisation_id as org from epcis_event_visibility
            where event_row = ${captured}`.execute(db)
        ).rows
          .map((r) => r.org)
          .sort(),
      );
    expect(await sharedWith([orgA])).toEqual([orgA]);
    expect(await sharedWith(provider)).toEqual([orgA, orgC].sort());
    expect(await sharedWith([orgB])).toEqual([]);
    await expect(
      asOrg(provider, () =>
        sql`insert into epcis_event (event_id, event_hash, event_type, event_time, event_time_zone_offset,
          owner_organisation_id, via_organisation_id, visible_to, document)
        values (${`urn:uuid:${randomUUID()}`}, ${randomUUID()}, 'ObjectEvent', now(), '+07:00', ${orgB}, ${orgC},
          array[${orgB}, ${orgC}]::text[], '{}'::jsonb)`.execute(db),
      ),
    ).rejects.toThrow(/row-level security/);
    for (const table of ['epcis_event', 'epcis_event_visibility', 'epcis_event_epc', 'lot_edge']) {
      const none = await scoped(NO_SCOPE, () =>
        sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(db),
      );
      expect(none.rows[0]!.n, table).toBe('0');
    }
  });
});

describe(`row-level security on photos, alerts, reports, scans, recalls and registrations (${databaseKind()})`, () => {
  /** Table → the SQL expression naming whose row it is (an organisation, a GTIN, a recall). */
  const OWNED: Record<string, string> = {
    event_photo: 'organisation_id',
    alert: 'organisation_id',
    problem_report: 'organisation_id',
    scan: 'gtin',
    recall: 'id',
    recall_organisation: 'recall_id',
    recall_step: 'recall_id',
    recall_lot: 'recall_id',
    recall_action: 'recall_id',
    organisation_registration: 'organisation_id',
    organisation_registration_round: 'organisation_id',
  };
  const gtinOf: Record<string, string> = {};
  const recallOf: Record<string, string> = {};
  /** What each organisation's rows are keyed by in `OWNED`'s expression, per table. */
  const keyOf = (org: string, table: string) =>
    OWNED[table] === 'gtin' ? gtinOf[org]! : OWNED[table] === 'organisation_id' ? org : recallOf[org]!;
  const keysIn = async (table: string) =>
    new Set(
      (
        await sql<{ key: string }>`select ${sql.raw(OWNED[table]!)} as key from ${sql.table(table)}`.execute(db)
      ).rows.map((r) => r.key),
    );

  /** The private rows of one organisation: a photo, an alert, a report, a scan, a recall naming C, its application. */
  async function privateRows(org: string, gtin: string): Promise<void> {
    gtinOf[org] = gtin;
    const product = await db.selectFrom('product').select('id').where('gtin', '=', gtin).executeTakeFirstOrThrow();
    const event = await sql<{ id: string }>`select id::text as id from epcis_event
      where owner_organisation_id = ${org} limit 1`.execute(db);
    const mediaId = randomUUID();
    await sql`insert into media (id, organisation_id, purpose, content_type, byte_size, sha256, data)
      values (${mediaId}, ${org}, 'image', 'image/png', 1, 'x', '\\x00'::bytea)`.execute(db);
    await sql`insert into event_photo (id, organisation_id, event_row, client_photo_id, media_id)
      values (${randomUUID()}, ${org}, ${event.rows[0]!.id}, ${randomUUID()}, ${mediaId})`.execute(db);
    await sql`insert into alert (id, organisation_id, kind, severity, gtin, dedupe_key)
      values (${randomUUID()}, ${org}, 'many_scans', 'high', ${gtin}, ${randomUUID()})`.execute(db);
    await sql`insert into problem_report (id, organisation_id, product_id, gtin, message, locale, ip_hash)
      values (${randomUUID()}, ${org}, ${product.id}, ${gtin}, 'Hộp bị rách', 'vi', 'hash')`.execute(db);
    await sql`insert into scan (scanned_at, gtin, serial, device) values (now(), ${gtin}, 'S1', 'mobile')`.execute(db);
    const recall = (recallOf[org] = randomUUID());
    const lot = `https://id.gs1.org/01/${gtin}/10/LOT1`;
    await sql`insert into recall (id, organisation_id, reason, severity, lots, impact)
      values (${recall}, ${org}, 'Nhiễm khuẩn', 'high', array[${lot}]::text[], '{"lots":[],"organisations":[],"locations":[]}'::jsonb)`.execute(
      db,
    );
    await sql`insert into recall_organisation (recall_id, organisation_id) values (${recall}, ${orgC})`.execute(db);
    await sql`insert into recall_step (recall_id, step, at) values (${recall}, 'opened', now())`.execute(db);
    await sql`insert into recall_lot (recall_id, identifier, gtin, lot, direct) values (${recall}, ${lot}, ${gtin}, 'LOT1', true)`.execute(
      db,
    );
    await sql`insert into recall_action (id, recall_id, organisation_id, lot, action, quantity, uom)
      values (${randomUUID()}, ${recall}, ${orgC}, ${lot}, 'quarantined', 1, 'H87')`.execute(db);
    const applicant = (await signInAs(t, org)).userId;
    await sql`insert into organisation_registration (organisation_id, applicant_user_id, decision)
      values (${org}, ${applicant}, 'approved')`.execute(db);
    await sql`insert into organisation_registration_round (organisation_id, round, submitted_at, decision)
      values (${org}, 1, now(), 'rejected')`.execute(db);
  }

  beforeAll(async () => {
    await privateRows(orgA, '08938505970011');
    await privateRows(orgB, '08938505970028');
  }, 120_000);

  it('enables forced row-level security on the tables of migration 0028', async () => {
    const tables = Object.keys(OWNED);
    const { rows } = await sql<{ relname: string; secured: boolean }>`
      select c.relname, c.relrowsecurity and c.relforcerowsecurity as secured from pg_class c
      where c.relname in (${sql.join(tables)}) and c.relnamespace = current_schema()::regnamespace`.execute(db);
    expect(Object.fromEntries(rows.map((r) => [r.relname, r.secured]))).toEqual(
      Object.fromEntries(tables.map((t) => [t, true])),
    );
  });

  it.each(Object.keys(OWNED))(
    '%s: another organisation can neither read, update nor delete the rows; the province sees them all',
    async (table) => {
      const [own, foreign] = [keyOf(orgA, table), keyOf(orgB, table)];
      const everything = await keysIn(table);
      expect(everything.has(own) && everything.has(foreign), table).toBe(true);
      expect(await scoped({ kind: 'system' }, () => keysIn(table))).toEqual(everything);
      const seenByA = await asOrg([orgA], () => keysIn(table));
      expect([...seenByA]).toEqual([own]);
      const changed = await asOrg([orgA], async () => {
        const where = sql`${sql.raw(OWNED[table]!)} = ${foreign}`;
        const column = sql.ref(OWNED[table]!);
        const updated = await sql`update ${sql.table(table)} set ${column} = ${column} where ${where}`.execute(db);
        const deleted = await sql`delete from ${sql.table(table)} where ${where}`.execute(db);
        return [updated.numAffectedRows, deleted.numAffectedRows];
      });
      expect(changed).toEqual([0n, 0n]);
      expect((await keysIn(table)).has(foreign)).toBe(true);
      const none = await scoped(NO_SCOPE, () => keysIn(table));
      expect(none.size, table).toBe(0);
    },
  );

  it('shows a recall to the organisations it names: they acknowledge and lock it, but change only their own rows', async () => {
    const recallTables = ['recall', 'recall_organisation', 'recall_step', 'recall_lot', 'recall_action'];
    for (const table of recallTables)
      expect(await asOrg([orgC], () => keysIn(table)), table).toEqual(new Set([recallOf[orgA], recallOf[orgB]]));
    const recall = recallOf[orgA]!;
    const acknowledged = await asOrg([orgC], () =>
      db.transaction().execute(async (trx) => {
        await sql`select id from recall where id = ${recall} for update`.execute(trx);
        return (
          await sql`update recall_organisation set acknowledged_at = now()
            where recall_id = ${recall} and organisation_id = ${orgC}`.execute(trx)
        ).numAffectedRows;
      }),
    );
    expect(acknowledged).toBe(1n);
    await expect(
      asOrg([orgC], () => sql`update recall set reason = 'đổi' where id = ${recall}`.execute(db)),
    ).rejects.toThrow(/row-level security/);
    // Only the opener names organisations or lots; the named organisation records actions in its own name only.
    await expect(
      asOrg([orgC], () =>
        sql`insert into recall_organisation (recall_id, organisation_id) values (${recall}, ${orgB})`.execute(db),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asOrg([orgC], () =>
        sql`insert into recall_action (id, recall_id, organisation_id, lot, action, quantity, uom)
          values (${randomUUID()}, ${recall}, ${orgB}, 'x', 'destroyed', 1, 'H87')`.execute(db),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asOrg([orgB], () =>
        sql`insert into recall_step (recall_id, step, at) values (${recall}, 'closed', now())`.execute(db),
      ),
    ).rejects.toThrow(/row-level security/);
    // The consumer-facing "is this lot recalled" answer stays public.
    const status = await scoped(NO_SCOPE, () => recallStatusOfLots(db, [{ gtin: gtinOf[orgA]!, lot: 'LOT1' }]));
    expect(status.map((s) => s.recallId)).toEqual([recall]);
  });

  it('lets an anonymous consumer submit a problem report, which only the brand owner and the province read', async () => {
    await expect(
      scoped(NO_SCOPE, () =>
        sql`insert into problem_report (id, organisation_id, product_id, gtin, message, locale, ip_hash)
          select ${randomUUID()}, organisation_id, id, gtin, 'x', 'vi', 'h' from product where gtin = ${gtinOf[orgA]!}`.execute(
          db,
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    const message = `Tem bị bong ${randomUUID()}`;
    const result = await scoped(NO_SCOPE, () =>
      reportProblem(
        db,
        { gtin: gtinOf[orgA]!, lot: 'LOT1', serial: null },
        { message, contact: '', website: '', locale: 'vi', ip: '203.0.113.9' },
      ),
    );
    expect(result).toEqual({ stored: true });
    const readBy = (scope: DbScope) =>
      scoped(
        scope,
        async () =>
          (
            await sql<{ n: string }>`select count(*)::text as n from problem_report where message = ${message}`.execute(
              db,
            )
          ).rows[0]!.n,
      );
    expect(await readBy({ kind: 'org', organisations: [orgA] })).toBe('1');
    expect(await readBy({ kind: 'org', organisations: [orgB] })).toBe('0');
    expect(await readBy({ kind: 'system' })).toBe('1');
    expect(await readBy(NO_SCOPE)).toBe('0');
  });
});
