import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import {
  PERMISSIONS,
  ROLE_PERMISSIONS,
  ROLES,
  callerOrganisation,
  mayReadOrganisation,
  requirePermission,
  seesEverything,
  type Caller,
  type Permission,
  type Role,
} from '../shared/caller.ts';
import { AppError, invalid, notFound } from '../shared/errors.ts';
import { foldForSearch } from '../shared/text.ts';
import * as repo from './identity.repository.ts';
import { recordAudit, type AuditActor } from '../audit/index.ts';

/** Identity: passwords (argon2id), database sessions, API keys (SHA-256 of a 256-bit secret) and delegations. */

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** When repeated failed sign-ins lock an account (configurable: TRUYXUAT_SIGN_IN_LOCK_AFTER / _MINUTES). */
export interface SignInPolicy {
  readonly lockAfter: number;
  readonly lockForMs: number;
}
export const DEFAULT_SIGN_IN_POLICY: SignInPolicy = { lockAfter: 5, lockForMs: 15 * 60 * 1000 };
const PROVINCE_ROLES: ReadonlySet<string> = new Set(['province_admin', 'province_inspector']);

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export function checkPassword(password: string): void {
  if (password.length < 8)
    throw invalid('password', 'Password must have at least 8 characters', 'error.password.short');
  if (password.length > 256) throw invalid('password', 'Password is too long', 'error.password.long');
}

export function normaliseEmail(email: string | undefined | null): string | null {
  if (email === undefined || email === null || email.trim() === '') return null;
  const value = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw invalid('email', 'Not a valid e-mail address', 'error.email');
  return value;
}

/** Vietnamese phone numbers: 0xxxxxxxxx or +84xxxxxxxxx, stored as 0xxxxxxxxx. */
export function normalisePhone(phone: string | undefined | null): string | null {
  if (phone === undefined || phone === null || phone.trim() === '') return null;
  const digits = phone.replace(/[\s.-]/g, '').replace(/^\+84/, '0');
  if (!/^0\d{9,10}$/.test(digits)) throw invalid('phone', 'Not a valid Vietnamese phone number', 'error.phone');
  return digits;
}

const NO_PERMISSIONS: ReadonlySet<Permission> = new Set();

function rolePermissions(role: string): ReadonlySet<Permission> {
  return new Set((ROLE_PERMISSIONS as Record<string, readonly Permission[] | undefined>)[role] ?? []);
}

/**
 * Whether a user may hold a session. Users of an organisation that registered itself and awaits the province's
 * decision (`pending`), or was refused (`rejected`), sign in too, but with no permission at all: they see their
 * application's state and nothing else (see registration.service.ts). Suspended organisations cannot sign in.
 */
function maySignIn(status: string, organisationStatus: string): boolean {
  return status === 'active' && SIGN_IN_ORGANISATION_STATUSES.has(organisationStatus);
}
const SIGN_IN_ORGANISATION_STATUSES: ReadonlySet<string> = new Set(['active', 'pending', 'rejected']);

export interface SignInResult {
  readonly token: string;
  readonly csrfToken: string;
  readonly userId: string;
  readonly expiresAt: Date;
}

/**
 * Signs a user in by e-mail or phone. Five failures (by default) lock the account for 15 minutes, counted in the
 * database so that every server sees the same count; the message never says whether the login exists. Every
 * failure is recorded in the audit log with the client address.
 */
export async function signIn(
  db: Kysely<DB>,
  input: { login: string; password: string; userAgent?: string | undefined; ip?: string | undefined },
  now = new Date(),
  policy: SignInPolicy = DEFAULT_SIGN_IN_POLICY,
): Promise<SignInResult> {
  const anonymous: AuditActor = { kind: 'anonymous', detail: input.ip ? `ip:${input.ip}` : null };
  const user = await repo.findUserByLogin(
    db,
    input.login.includes('@') ? input.login : (normalisePhoneLoose(input.login) ?? input.login),
  );
  const failure = new AppError('unauthenticated', 'Wrong login or password');
  if (!user) {
    // Spend the same time as a real check so that timing does not reveal which logins exist.
    await argon2.verify(DUMMY_HASH, input.password).catch(() => false);
    await recordAudit(
      db,
      anonymous,
      { action: 'auth.sign_in_failed', objectType: 'login', objectId: sha256(input.login.trim().toLowerCase()) },
      now,
    );
    throw failure;
  }
  if (user.locked_until && user.locked_until > now) {
    await recordAudit(
      db,
      anonymous,
      {
        action: 'auth.sign_in_refused_locked',
        objectType: 'user',
        objectId: user.id,
        organisationId: user.organisation_id,
        detail: { lockedUntil: user.locked_until.toISOString() },
      },
      now,
    );
    throw new AppError('rate_limited', 'Too many failed sign-ins; try again later', {
      details: { retryAfter: Math.ceil((user.locked_until.getTime() - now.getTime()) / 1000) },
    });
  }
  const ok = await argon2.verify(user.password_hash, input.password).catch(() => false);
  if (!ok) {
    await inTransaction(db, async (trx) => {
      const counted = await repo.recordFailedSignIn(trx, user.id, {
        lockAfter: policy.lockAfter,
        lockUntil: new Date(now.getTime() + policy.lockForMs),
        now,
      });
      await recordAudit(
        trx,
        anonymous,
        {
          action: 'auth.sign_in_failed',
          objectType: 'user',
          objectId: user.id,
          organisationId: user.organisation_id,
          detail: {
            failures: counted.failures,
            ...(counted.lockedUntil && counted.lockedUntil > now
              ? { lockedUntil: counted.lockedUntil.toISOString() }
              : {}),
          },
        },
        now,
      );
    });
    throw failure;
  }
  if (!maySignIn(user.status, user.organisation_status)) throw new AppError('forbidden', 'This account is not active');
  await repo.recordSuccessfulSignIn(db, user.id);
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await repo.insertSession(db, {
    token_hash: sha256(token),
    user_id: user.id,
    csrf_token: csrfToken,
    expires_at: expiresAt,
    user_agent: input.userAgent?.slice(0, 300) ?? null,
  });
  return { token, csrfToken, userId: user.id, expiresAt };
}

function normalisePhoneLoose(login: string): string | null {
  try {
    return normalisePhone(login);
  } catch {
    return null;
  }
}

const DUMMY_HASH = '$argon2id$v=19$m=65536,p=4,t=3$PqTYLZVkqdZyCV9XfPa3Zg$FRUwjzRMNzq6QCUs4Z9JJqax2eWnsIS3I+4JWJbz8HY';

export interface SessionCaller {
  readonly caller: Caller;
  readonly csrfToken: string;
}

/** Resolves a session cookie to its caller; expired or inactive sessions resolve to nothing. */
export async function resolveSession(
  db: Kysely<DB>,
  token: string,
  now = new Date(),
): Promise<SessionCaller | undefined> {
  const tokenHash = sha256(token);
  const row = await repo.findSessionCaller(db, tokenHash);
  if (!row) return undefined;
  if (row.expires_at <= now || !maySignIn(row.status, row.organisation_status)) {
    await repo.deleteSession(db, tokenHash);
    return undefined;
  }
  // Write the last-seen time at most once a minute: reads should not become writes.
  if (now.getTime() - row.last_seen_at.getTime() > 60_000) await repo.touchSession(db, tokenHash);
  return {
    csrfToken: row.csrf_token,
    caller: {
      kind: 'user',
      userId: row.user_id,
      organisationId: row.organisation_id,
      role: row.role as Role,
      permissions: row.organisation_status === 'active' ? rolePermissions(row.role) : NO_PERMISSIONS,
      province:
        row.organisation_status === 'active' && row.organisation_kind === 'authority' && PROVINCE_ROLES.has(row.role),
    },
  };
}

export async function signOut(db: Kysely<DB>, token: string): Promise<void> {
  await repo.deleteSession(db, sha256(token));
}

const API_KEY_PATTERN = /^tx_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** Resolves `Authorization: Bearer tx_…` to its caller; revoked, expired or unknown keys resolve to nothing. */
export async function resolveApiKey(db: Kysely<DB>, key: string, now = new Date()): Promise<Caller | undefined> {
  const match = API_KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const row = await repo.findApiKeyByPrefix(db, match[1]!);
  if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now) || row.organisation_status !== 'active') {
    return undefined;
  }
  const actual = createHash('sha256').update(match[2]!).digest();
  const matches = (hash: string): boolean => {
    const expected = Buffer.from(hash, 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  };
  // After a rotation the previous secret works until its grace deadline, then never again.
  const previousValid =
    row.previous_secret_hash !== null && row.previous_valid_until !== null && row.previous_valid_until > now;
  if (!matches(row.secret_hash) && !(previousValid && matches(row.previous_secret_hash!))) return undefined;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) await repo.touchApiKey(db, row.id);
  const permissions = new Set(row.permissions as Permission[]);
  return {
    kind: 'apiKey',
    apiKeyId: row.id,
    organisationId: row.organisation_id,
    permissions,
    province: row.organisation_kind === 'authority',
  };
}

/** The permissions a caller may hand on (to a key or a delegation): never more than it holds. */
function grantable(caller: Caller, requested: readonly string[]): Permission[] {
  const out: Permission[] = [];
  for (const [index, p] of requested.entries()) {
    if (!(PERMISSIONS as readonly string[]).includes(p))
      throw invalid(`permissions/${index}`, `Unknown permission ${p}`);
    if (caller.kind !== 'system' && !(caller.kind !== 'anonymous' && caller.permissions.has(p as Permission))) {
      throw invalid(`permissions/${index}`, `You cannot grant ${p}, which you do not hold`);
    }
    out.push(p as Permission);
  }
  if (out.length === 0) throw invalid('permissions', 'Give at least one permission');
  return [...new Set(out)];
}

function targetOrganisation(caller: Caller, organisationId: string | undefined): string {
  const own = callerOrganisation(caller);
  const target = organisationId ?? own;
  if (target === undefined) throw invalid('organisationId', 'organisationId is required');
  if (!mayReadOrganisation(caller, target)) throw notFound('Organisation');
  return target;
}

export interface CreatedApiKey {
  readonly id: string;
  /** The full key; shown once, never stored. */
  readonly key: string;
  readonly prefix: string;
}

export async function createApiKey(
  db: Kysely<DB>,
  caller: Caller,
  input: { name: string; permissions: readonly string[]; organisationId?: string; expiresAt?: Date | null },
): Promise<CreatedApiKey> {
  requirePermission(caller, 'keys:manage');
  const organisationId = targetOrganisation(caller, input.organisationId);
  if (input.name.trim() === '') throw invalid('name', 'Name the key');
  const permissions = grantable(caller, input.permissions);
  const prefix = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  const id = randomUUID();
  await inTransaction(db, async (trx) => {
    await repo.insertApiKey(trx, {
      id,
      organisation_id: organisationId,
      name: input.name.trim(),
      prefix,
      secret_hash: sha256(secret),
      permissions,
      created_by: caller.kind === 'user' ? caller.userId : null,
      expires_at: input.expiresAt ?? null,
    });
    await recordAudit(trx, caller, {
      action: 'identity.api_key.create',
      objectType: 'api_key',
      objectId: id,
      organisationId,
      change: { name: input.name.trim(), prefix, permissions, expiresAt: input.expiresAt ?? null },
    });
  });
  return { id, key: `tx_${prefix}_${secret}`, prefix };
}

export async function listApiKeys(db: Kysely<DB>, caller: Caller, organisationId?: string) {
  requirePermission(caller, 'keys:manage');
  const rows = await repo.listApiKeys(db, targetOrganisation(caller, organisationId));
  return rows.map((r) => ({
    id: r.id,
    organisationId: r.organisation_id,
    name: r.name,
    prefix: r.prefix,
    permissions: r.permissions,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

export async function revokeApiKey(db: Kysely<DB>, caller: Caller, id: string, organisationId?: string): Promise<void> {
  requirePermission(caller, 'keys:manage');
  const target = targetOrganisation(caller, organisationId);
  await inTransaction(db, async (trx) => {
    if (!(await repo.revokeApiKey(trx, target, id))) throw notFound('API key');
    await recordAudit(trx, caller, {
      action: 'identity.api_key.revoke',
      objectType: 'api_key',
      objectId: id,
      organisationId: target,
    });
  });
}

export interface RotatedApiKey extends CreatedApiKey {
  /** Until when the previous secret is still accepted. */
  readonly previousValidUntil: Date;
}

/**
 * Rotates an API key: a new secret under the same id and prefix, shown once. The previous secret keeps working
 * for `graceHours` (so that clients can be switched over), then is refused; a second rotation ends the grace of
 * the first at once.
 */
export async function rotateApiKey(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  options: { organisationId?: string | undefined; graceHours: number },
  now = new Date(),
): Promise<RotatedApiKey> {
  requirePermission(caller, 'keys:manage');
  const target = targetOrganisation(caller, options.organisationId);
  const key = (await repo.listApiKeys(db, target)).find((k) => k.id === id);
  if (!key) throw notFound('API key');
  const secret = randomBytes(32).toString('base64url');
  const previousValidUntil = new Date(now.getTime() + options.graceHours * 60 * 60 * 1000);
  await inTransaction(db, async (trx) => {
    if (!(await repo.rotateApiKeySecret(trx, target, id, sha256(secret), previousValidUntil, now))) {
      throw new AppError('conflict', 'A revoked or expired API key cannot be rotated');
    }
    await recordAudit(trx, caller, {
      action: 'identity.api_key.rotate',
      objectType: 'api_key',
      objectId: id,
      organisationId: target,
      detail: { previousValidUntil: previousValidUntil.toISOString() },
    });
  });
  return { id, key: `tx_${key.prefix}_${secret}`, prefix: key.prefix, previousValidUntil };
}

export interface NewUser {
  readonly organisationId: string;
  readonly email?: string | null | undefined;
  readonly phone?: string | null | undefined;
  readonly displayName: string;
  readonly password: string;
  readonly role: string;
  readonly locale?: string | undefined;
}

/** Creates a user. Organisation administrators create users of their own organisation, never province roles. */
export async function createUser(db: Kysely<DB>, caller: Caller, input: NewUser): Promise<{ id: string }> {
  requirePermission(caller, 'users:manage');
  if (!mayReadOrganisation(caller, input.organisationId)) throw notFound('Organisation');
  if (!(ROLES as readonly string[]).includes(input.role)) throw invalid('role', `Unknown role ${input.role}`);
  if (PROVINCE_ROLES.has(input.role) && !seesEverything(caller)) {
    throw invalid('role', 'Only the province can create province users');
  }
  const org = await db
    .selectFrom('organisation')
    .select(['kind'])
    .where('id', '=', input.organisationId)
    .executeTakeFirst();
  if (!org) throw invalid('organisationId', 'Unknown organisation');
  if (PROVINCE_ROLES.has(input.role) && org.kind !== 'authority') {
    throw invalid('role', 'Province roles belong to users of the provincial authority');
  }
  const email = normaliseEmail(input.email);
  const phone = normalisePhone(input.phone);
  if (email === null && phone === null) throw invalid('email', 'Give an e-mail address or a phone number');
  if (input.displayName.trim() === '') throw invalid('displayName', 'Give a name');
  checkPassword(input.password);
  const id = randomUUID();
  try {
    await inTransaction(db, async (trx) => {
      await repo.insertUser(trx, {
        id,
        organisation_id: input.organisationId,
        email,
        phone,
        display_name: input.displayName.trim(),
        password_hash: await hashPassword(input.password),
        role: input.role,
        locale: input.locale === 'en' ? 'en' : 'vi',
        search_text: foldForSearch(`${input.displayName} ${email ?? ''} ${phone ?? ''}`),
      });
      await recordAudit(trx, caller, {
        action: 'identity.user.create',
        objectType: 'user',
        objectId: id,
        organisationId: input.organisationId,
        change: { email, phone, displayName: input.displayName.trim(), role: input.role },
      });
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw new AppError('conflict', 'A user with this e-mail or phone exists', {
        fields: [{ field: email ? 'email' : 'phone', message: 'already in use' }],
      });
    throw e;
  }
  return { id };
}

export function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';
}

function mapUser(u: NonNullable<Awaited<ReturnType<typeof repo.findUser>>>) {
  return {
    id: u.id,
    organisationId: u.organisation_id,
    email: u.email,
    phone: u.phone,
    displayName: u.display_name,
    role: u.role,
    status: u.status,
    locale: u.locale,
    lastSignInAt: u.last_sign_in_at,
    createdAt: u.created_at,
  };
}
export type User = ReturnType<typeof mapUser>;

export async function getUser(db: Kysely<DB>, caller: Caller, id: string): Promise<User> {
  const user = await repo.findUser(db, id);
  const self = caller.kind === 'user' && caller.userId === id;
  if (!user || !(self || (mayReadOrganisation(caller, user.organisation_id) && caller.kind !== 'anonymous'))) {
    throw notFound('User');
  }
  return mapUser(user);
}

export async function listUsers(
  db: Kysely<DB>,
  caller: Caller,
  query: { organisationId?: string; search?: string; limit: number; offset: number },
) {
  requirePermission(caller, 'registry:read');
  const organisationId = seesEverything(caller)
    ? query.organisationId
    : targetOrganisation(caller, query.organisationId);
  const result = await repo.listUsers(db, {
    ...(organisationId !== undefined ? { organisationId } : {}),
    ...(query.search ? { search: foldForSearch(query.search) } : {}),
    limit: query.limit,
    offset: query.offset,
  });
  return { items: result.items.map(mapUser), total: result.total };
}

export async function updateUser(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  patch: { displayName?: string; role?: string; status?: 'active' | 'disabled'; locale?: string; password?: string },
): Promise<User> {
  const user = await getUser(db, caller, id);
  const self = caller.kind === 'user' && caller.userId === id;
  const managing = patch.role !== undefined || patch.status !== undefined;
  if (managing || !self) requirePermission(caller, 'users:manage');
  if (patch.role !== undefined) {
    if (!(ROLES as readonly string[]).includes(patch.role)) throw invalid('role', `Unknown role ${patch.role}`);
    if (PROVINCE_ROLES.has(patch.role) && !seesEverything(caller))
      throw invalid('role', 'Only the province can grant province roles');
  }
  if (patch.password !== undefined) checkPassword(patch.password);
  const displayName = patch.displayName?.trim() ?? user.displayName;
  const { password: _secret, ...visible } = patch;
  await inTransaction(db, async (trx) => {
    await repo.updateUser(trx, id, {
      display_name: displayName,
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.locale !== undefined ? { locale: patch.locale === 'en' ? 'en' : 'vi' } : {}),
      ...(patch.password !== undefined ? { password_hash: await hashPassword(patch.password) } : {}),
      search_text: foldForSearch(`${displayName} ${user.email ?? ''} ${user.phone ?? ''}`),
    });
    await recordAudit(trx, caller, {
      action: 'identity.user.update',
      objectType: 'user',
      objectId: id,
      organisationId: user.organisationId,
      change: visible,
      detail: { fields: Object.keys(patch).sort() },
    });
  });
  if (patch.status === 'disabled' || patch.password !== undefined) await repo.deleteUserSessions(db, id);
  return getUser(db, caller, id);
}

/**
 * The organisation a write is recorded for. Without `onBehalfOf`, the caller's own. A solution provider may act
 * for an organisation that granted it an active delegation carrying `permission`; the province may act for anyone.
 */
export async function actingOrganisation(
  db: Kysely<DB>,
  caller: Caller,
  permission: Permission,
  onBehalfOf?: string,
  now = new Date(),
): Promise<{ organisationId: string; viaDelegation: string | null }> {
  requirePermission(caller, permission);
  const own = callerOrganisation(caller);
  if (onBehalfOf === undefined || onBehalfOf === own) {
    if (own === undefined) throw invalid('onBehalfOf', 'Name the organisation to act for');
    return { organisationId: own, viaDelegation: null };
  }
  if (seesEverything(caller)) return { organisationId: onBehalfOf, viaDelegation: null };
  if (own === undefined) throw notFound('Organisation');
  const delegations = await repo.findActiveDelegation(db, own, onBehalfOf, now);
  const granting = delegations.find((d) => d.permissions.includes(permission));
  if (!granting) throw new AppError('forbidden', `No active delegation from ${onBehalfOf} grants ${permission}`);
  return { organisationId: onBehalfOf, viaDelegation: granting.id };
}

/** A business grants a solution provider rights over its data, optionally limited in scope and time. */
export async function grantDelegation(
  db: Kysely<DB>,
  caller: Caller,
  input: {
    providerOrganisationId: string;
    permissions: readonly string[];
    productIds?: string[];
    locationIds?: string[];
    validUntil?: Date | null;
    organisationId?: string;
  },
): Promise<{ id: string }> {
  requirePermission(caller, 'keys:manage');
  const organisationId = targetOrganisation(caller, input.organisationId);
  const provider = await db
    .selectFrom('organisation')
    .select(['id', 'kind', 'status'])
    .where('id', '=', input.providerOrganisationId)
    .executeTakeFirst();
  if (!provider || provider.kind !== 'provider')
    throw invalid('providerOrganisationId', 'Not a registered solution provider');
  if (provider.id === organisationId)
    throw invalid('providerOrganisationId', 'An organisation cannot delegate to itself');
  const allowed = new Set<string>(['registry:read', 'registry:write', 'epcis:query', 'epcis:capture', 'stamps:manage']);
  input.permissions.forEach((p, i) => {
    if (!allowed.has(p)) throw invalid(`permissions/${i}`, `${p} cannot be delegated`);
  });
  if (input.permissions.length === 0) throw invalid('permissions', 'Give at least one permission');
  const id = randomUUID();
  await inTransaction(db, async (trx) => {
    await repo.insertDelegation(trx, {
      id,
      provider_organisation_id: provider.id,
      organisation_id: organisationId,
      permissions: [...new Set(input.permissions)],
      scope: { productIds: input.productIds ?? [], locationIds: input.locationIds ?? [] },
      valid_until: input.validUntil ?? null,
      created_by: caller.kind === 'user' ? caller.userId : null,
    });
    await recordAudit(trx, caller, {
      action: 'identity.delegation.grant',
      objectType: 'delegation',
      objectId: id,
      organisationId,
      change: { provider: provider.id, permissions: input.permissions, validUntil: input.validUntil ?? null },
    });
  });
  return { id };
}

export async function listDelegations(db: Kysely<DB>, caller: Caller, organisationId?: string) {
  requirePermission(caller, 'registry:read');
  const rows = await repo.listDelegations(db, targetOrganisation(caller, organisationId));
  return rows.map((r) => ({
    id: r.id,
    providerOrganisationId: r.provider_organisation_id,
    providerName: r.provider_name,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    permissions: r.permissions,
    scope: r.scope,
    validUntil: r.valid_until,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  }));
}

export async function revokeDelegation(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  organisationId?: string,
): Promise<void> {
  requirePermission(caller, 'keys:manage');
  const target = targetOrganisation(caller, organisationId);
  await inTransaction(db, async (trx) => {
    if (!(await repo.revokeDelegation(trx, target, id))) throw notFound('Delegation');
    await recordAudit(trx, caller, {
      action: 'identity.delegation.revoke',
      objectType: 'delegation',
      objectId: id,
      organisationId: target,
    });
  });
}
