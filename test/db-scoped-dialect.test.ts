import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import type { DB } from '../src/db/schema.ts';
import { asSystem, NO_SCOPE, runInScope, SYSTEM_SCOPE, type DbScope } from '../src/db/scope.ts';
import { databaseKind, openTestDatabase } from './helpers/database.ts';

/**
 * The scoped dialect keeps idle connections per scope: a connection taken for one scope may have served any other
 * just before. Many interleaved units of work on a small pool (5 connections on PostgreSQL, PGlite's single one)
 * each check, statement by statement, that the connection carries exactly their own settings.
 */
let database: Database;
let db: Kysely<DB>;

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db;
});
afterAll(() => database.close());

const SCOPES: DbScope[] = [
  NO_SCOPE,
  SYSTEM_SCOPE,
  { kind: 'org', organisations: ['org-a'] },
  { kind: 'org', organisations: ['org-b', 'org-a'] },
  { kind: 'org', organisations: ['org-c'] },
];
const expected = (scope: DbScope) => ({
  scope: scope.kind,
  orgs: scope.kind === 'org' ? [...scope.organisations].sort().join(',') : '',
  role: 'truyxuat_app',
});

async function settings(executor: Kysely<DB>) {
  const { rows } = await sql<{ scope: string; orgs: string; role: string }>`
    select current_setting('truyxuat.scope') as scope, current_setting('truyxuat.orgs') as orgs,
      current_user::text as role`.execute(executor);
  const { scope, orgs, role } = rows[0]!;
  return { scope, orgs, role };
}

function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe(`scoped connections (${databaseKind()})`, () => {
  it('never runs a statement with another scope’s settings, however the scopes interleave on a small pool', async () => {
    const rand = random(42);
    const seen: string[] = [];
    const unit = async (i: number) => {
      const scope = SCOPES[Math.floor(rand() * SCOPES.length)]!;
      const shape = rand();
      await runInScope({ scope }, async () => {
        if (shape < 0.5) {
          expect(await settings(db), `unit ${i}`).toEqual(expected(scope));
        } else if (shape < 0.8) {
          // A transaction that elevates one statement and then rolls back: the elevation must not outlive it.
          await db
            .transaction()
            .execute(async (trx) => {
              expect(await settings(trx), `unit ${i} in transaction`).toEqual(expected(scope));
              expect(await asSystem(() => settings(trx)), `unit ${i} elevated`).toEqual(expected(SYSTEM_SCOPE));
              expect(await settings(trx), `unit ${i} back`).toEqual(expected(scope));
              if (shape < 0.65) throw new Error('roll back');
            })
            .catch((e: unknown) => {
              if (!(e instanceof Error && e.message === 'roll back')) throw e;
            });
        } else {
          // Settings changed by hand on a held connection are not handed to the next holder.
          await db.connection().execute(async (connection) => {
            if (shape < 0.9) await sql`select set_config('truyxuat.scope', 'system', false)`.execute(connection);
            else await sql`reset truyxuat.orgs`.execute(connection);
          });
        }
        expect(await settings(db), `unit ${i} after`).toEqual(expected(scope));
        seen.push(scope.kind);
      });
    };
    await Promise.all(Array.from({ length: 300 }, (_, i) => unit(i)));
    expect(seen.length).toBe(300);
    expect(new Set(seen)).toEqual(new Set(['none', 'system', 'org']));
  });

  it.runIf(databaseKind() === 'postgres')(
    'keeps warm connections per scope: alternating anonymous and system reads stop switching settings',
    async () => {
      // Counted on the real client (no stand-in): the original method is put back and always called with its `this`.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      const original = pg.Client.prototype.query;
      let switches = 0;
      pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
        if (typeof args[0] === 'string' && args[0].includes(`set_config('truyxuat.scope'`)) switches += 1;
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof original;
      try {
        const round = async () => {
          await runInScope({ scope: NO_SCOPE }, () => settings(db));
          await asSystem(() => settings(db));
        };
        for (let i = 0; i < 5; i++) await round();
        switches = 0;
        for (let i = 0; i < 50; i++) await round();
        expect(switches).toBe(0);
      } finally {
        pg.Client.prototype.query = original;
      }
    },
  );
});
