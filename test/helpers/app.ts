import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Database } from '../../src/db/database.ts';
import type { DB } from '../../src/db/schema.ts';
import { buildApp } from '../../src/http/app.ts';
import type { App } from '../../src/http/context.ts';
import { createApiKey, createUser } from '../../src/registry/identity.service.ts';
import { SYSTEM, type Permission, type Role } from '../../src/shared/caller.ts';
import { openTestDatabase } from './database.ts';

export interface TestApp {
  readonly app: App;
  readonly db: Kysely<DB>;
  readonly database: Database;
  readonly config: Config;
  close(): Promise<void>;
}

export async function startTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const config: Config = {
    ...loadConfig({}),
    dataDir: 'memory://',
    demoOnFirstStart: false,
    logLevel: 'silent',
    ...overrides,
  };
  const app = await buildApp({ db: database.db, config }, { logger: false });
  await app.ready();
  return {
    app,
    db: database.db,
    database,
    config,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

let counter = 0;

/** Inserts an organisation row directly (a factory: the registry's own tests exercise its service). */
export async function makeOrganisation(
  db: Kysely<DB>,
  fields: Partial<{ name: string; kind: string; status: string; tax_code: string; gs1_company_prefix: string }> = {},
): Promise<string> {
  const id = randomUUID();
  counter += 1;
  await db
    .insertInto('organisation')
    .values({
      id,
      name: fields.name ?? `Cơ sở thử nghiệm ${counter}`,
      name_en: null,
      tax_code: fields.tax_code ?? null,
      kind: fields.kind ?? 'company',
      gs1_company_prefix: fields.gs1_company_prefix ?? null,
      primary_gln: null,
      address: null,
      province_code: '46',
      commune_code: null,
      commune_name: null,
      contact_name: null,
      contact_email: null,
      contact_phone: null,
      status: fields.status ?? 'active',
    })
    .execute();
  return id;
}

/** Inserts a location row directly (a factory); columns not given keep their defaults. */
export async function makeLocation(
  db: Kysely<DB>,
  organisationId: string,
  fields: { gln: string; name: string; kind?: string; growing_area_code?: string | null; province_code?: string },
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('location')
    .values({ id, organisation_id: organisationId, kind: 'farm', ...fields })
    .execute();
  return id;
}

export interface SignedIn {
  readonly userId: string;
  readonly organisationId: string;
  readonly cookie: string;
  readonly csrf: string;
  /** Headers for a cookie-authenticated request, CSRF token included. */
  readonly headers: Record<string, string>;
}

/** Creates a user in the organisation and signs it in through the real sign-in route. */
export async function signInAs(t: TestApp, organisationId: string, role: Role = 'org_admin'): Promise<SignedIn> {
  counter += 1;
  const email = `user${counter}-${randomUUID().slice(0, 8)}@example.vn`;
  const password = 'mật-khẩu-an-toàn';
  const { id } = await createUser(t.db, SYSTEM, {
    organisationId,
    email,
    displayName: `Người dùng ${counter}`,
    password,
    role,
  });
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/auth/sign-in',
    payload: { login: email, password },
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'tx_session');
  if (!cookie) throw new Error('no session cookie');
  const csrf = response.json<{ csrfToken: string }>().csrfToken;
  const cookieHeader = `tx_session=${cookie.value}`;
  return {
    userId: id,
    organisationId,
    cookie: cookieHeader,
    csrf,
    headers: { cookie: cookieHeader, 'x-csrf-token': csrf },
  };
}

/** Creates an API key for the organisation directly through the service and returns the bearer header. */
export async function apiKeyFor(
  t: TestApp,
  organisationId: string,
  permissions: Permission[],
): Promise<{ id: string; headers: Record<string, string> }> {
  const { id, key } = await createApiKey(t.db, SYSTEM, { name: 'test', permissions, organisationId });
  return { id, headers: { authorization: `Bearer ${key}` } };
}
