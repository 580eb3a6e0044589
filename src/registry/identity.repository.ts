import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** SQL for users, sessions, API keys and delegations. Only this file touches those tables. */

export async function findUserByLogin(db: Kysely<DB>, login: string) {
  const normalised = login.trim().toLowerCase();
  return db
    .selectFrom('app_user')
    .innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
    .select([
      'app_user.id',
      'app_user.organisation_id',
      'app_user.password_hash',
      'app_user.role',
      'app_user.status',
      'app_user.failed_sign_ins',
      'app_user.locked_until',
      'organisation.kind as organisation_kind',
      'organisation.status as organisation_status',
    ])
    .where((eb) => eb.or([eb('app_user.email', '=', normalised), eb('app_user.phone', '=', normalised)]))
    .executeTakeFirst();
}

/**
 * Counts a failed sign-in in one statement, so that servers sharing the database count together: a lock that has
 * run out starts the count again, and reaching `lockAfter` sets `locked_until`.
 */
export async function recordFailedSignIn(
  db: Kysely<DB>,
  userId: string,
  policy: { lockAfter: number; lockUntil: Date; now: Date },
): Promise<{ failures: number; lockedUntil: Date | null }> {
  const row = await db
    .updateTable('app_user')
    .set((eb) => {
      const expired = eb.and([eb('locked_until', 'is not', null), eb('locked_until', '<=', policy.now)]);
      const failures = eb
        .case()
        .when(expired)
        .then(1)
        .else(eb('failed_sign_ins', '+', 1))
        .end();
      return {
        failed_sign_ins: failures,
        locked_until: eb
          .case()
          .when(eb(failures, '>=', policy.lockAfter))
          .then(policy.lockUntil)
          .when(expired)
          .then(null)
          .else(eb.ref('locked_until'))
          .end(),
      };
    })
    .where('id', '=', userId)
    .returning(['failed_sign_ins', 'locked_until'])
    .executeTakeFirstOrThrow();
  return { failures: row.failed_sign_ins, lockedUntil: row.locked_until };
}

export async function recordSuccessfulSignIn(db: Kysely<DB>, userId: string): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ failed_sign_ins: 0, locked_until: null, last_sign_in_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

export async function insertSession(
  db: Kysely<DB>,
  row: { token_hash: string; user_id: string; csrf_token: string; expires_at: Date; user_agent: string | null },
): Promise<void> {
  await db.insertInto('user_session').values(row).execute();
}

export async function findSessionCaller(db: Kysely<DB>, tokenHash: string) {
  return db
    .selectFrom('user_session')
    .innerJoin('app_user', 'app_user.id', 'user_session.user_id')
    .innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
    .select([
      'user_session.csrf_token',
      'user_session.expires_at',
      'user_session.last_seen_at',
      'app_user.id as user_id',
      'app_user.organisation_id',
      'app_user.role',
      'app_user.status',
      'organisation.kind as organisation_kind',
      'organisation.status as organisation_status',
    ])
    .where('user_session.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function touchSession(db: Kysely<DB>, tokenHash: string): Promise<void> {
  await db.updateTable('user_session').set({ last_seen_at: new Date() }).where('token_hash', '=', tokenHash).execute();
}

export async function deleteSession(db: Kysely<DB>, tokenHash: string): Promise<void> {
  await db.deleteFrom('user_session').where('token_hash', '=', tokenHash).execute();
}

export async function deleteUserSessions(db: Kysely<DB>, userId: string): Promise<void> {
  await db.deleteFrom('user_session').where('user_id', '=', userId).execute();
}

export async function insertApiKey(
  db: Kysely<DB>,
  row: {
    id: string;
    organisation_id: string;
    name: string;
    prefix: string;
    secret_hash: string;
    permissions: string[];
    created_by: string | null;
    expires_at: Date | null;
  },
): Promise<void> {
  await db
    .insertInto('api_key')
    .values({ ...row, permissions: JSON.stringify(row.permissions) })
    .execute();
}

export async function findApiKeyByPrefix(db: Kysely<DB>, prefix: string) {
  return db
    .selectFrom('api_key')
    .innerJoin('organisation', 'organisation.id', 'api_key.organisation_id')
    .select([
      'api_key.id',
      'api_key.organisation_id',
      'api_key.secret_hash',
      'api_key.permissions',
      'api_key.expires_at',
      'api_key.revoked_at',
      'api_key.last_used_at',
      'api_key.previous_secret_hash',
      'api_key.previous_valid_until',
      'organisation.kind as organisation_kind',
      'organisation.status as organisation_status',
    ])
    .where('api_key.prefix', '=', prefix)
    .executeTakeFirst();
}

export async function touchApiKey(db: Kysely<DB>, id: string): Promise<void> {
  await db.updateTable('api_key').set({ last_used_at: new Date() }).where('id', '=', id).execute();
}

export async function listApiKeys(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('api_key')
    .select([
      'id',
      'organisation_id',
      'name',
      'prefix',
      'permissions',
      'created_at',
      'expires_at',
      'last_used_at',
      'revoked_at',
    ])
    .where('organisation_id', '=', organisationId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeApiKey(db: Kysely<DB>, organisationId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable('api_key')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Replaces a live key's secret, keeping the old one valid until `previousValidUntil`; false if none matched. */
export async function rotateApiKeySecret(
  db: Kysely<DB>,
  organisationId: string,
  id: string,
  secretHash: string,
  previousValidUntil: Date,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('api_key')
    .set((eb) => ({
      previous_secret_hash: eb.ref('secret_hash'),
      previous_valid_until: previousValidUntil,
      secret_hash: secretHash,
      rotated_at: now,
    }))
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertDelegation(
  db: Kysely<DB>,
  row: {
    id: string;
    provider_organisation_id: string;
    organisation_id: string;
    permissions: string[];
    scope: object;
    valid_until: Date | null;
    created_by: string | null;
  },
): Promise<void> {
  await db
    .insertInto('delegation')
    .values({ ...row, permissions: JSON.stringify(row.permissions), scope: JSON.stringify(row.scope) })
    .execute();
}

export async function listDelegations(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('delegation')
    .innerJoin('organisation as provider', 'provider.id', 'delegation.provider_organisation_id')
    .innerJoin('organisation as grantor', 'grantor.id', 'delegation.organisation_id')
    .select([
      'delegation.id',
      'delegation.provider_organisation_id',
      'provider.name as provider_name',
      'delegation.organisation_id',
      'grantor.name as organisation_name',
      'delegation.permissions',
      'delegation.scope',
      'delegation.valid_until',
      'delegation.created_at',
      'delegation.revoked_at',
    ])
    .where((eb) =>
      eb.or([
        eb('delegation.organisation_id', '=', organisationId),
        eb('delegation.provider_organisation_id', '=', organisationId),
      ]),
    )
    .orderBy('delegation.created_at', 'desc')
    .execute();
}

export async function findActiveDelegation(db: Kysely<DB>, providerId: string, organisationId: string, now: Date) {
  return db
    .selectFrom('delegation')
    .select(['id', 'permissions', 'scope', 'valid_until'])
    .where('provider_organisation_id', '=', providerId)
    .where('organisation_id', '=', organisationId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', now)]))
    .execute();
}

export async function revokeDelegation(db: Kysely<DB>, organisationId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable('delegation')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertUser(
  db: Kysely<DB>,
  row: {
    id: string;
    organisation_id: string;
    email: string | null;
    phone: string | null;
    display_name: string;
    password_hash: string;
    role: string;
    locale: string;
    search_text: string;
  },
): Promise<void> {
  await db.insertInto('app_user').values(row).execute();
}

const USER_COLUMNS = [
  'id',
  'organisation_id',
  'email',
  'phone',
  'display_name',
  'role',
  'status',
  'locale',
  'last_sign_in_at',
  'created_at',
] as const;

export async function findUser(db: Kysely<DB>, id: string) {
  return db.selectFrom('app_user').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function listUsers(
  db: Kysely<DB>,
  filter: { organisationId?: string; search?: string; limit: number; offset: number },
) {
  let query = db.selectFrom('app_user');
  if (filter.organisationId !== undefined) query = query.where('organisation_id', '=', filter.organisationId);
  if (filter.search) query = query.where('search_text', 'like', `%${filter.search}%`);
  const [items, total] = await Promise.all([
    query
      .select(USER_COLUMNS)
      .orderBy('display_name')
      .orderBy('id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export async function updateUser(
  db: Kysely<DB>,
  id: string,
  patch: Partial<{
    display_name: string;
    role: string;
    status: string;
    locale: string;
    password_hash: string;
    search_text: string;
  }>,
): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** Organisations that granted `providerId` an active delegation (any permissions; the caller filters them). */
export async function listActiveDelegationsToProvider(db: Kysely<DB>, providerId: string, now: Date) {
  return db
    .selectFrom('delegation')
    .select(['organisation_id', 'permissions', 'scope'])
    .where('provider_organisation_id', '=', providerId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', now)]))
    .execute();
}
