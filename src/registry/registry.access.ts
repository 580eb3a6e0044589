import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import {
  callerOrganisation,
  requirePermission,
  seesEverything,
  type Caller,
  type Permission,
} from '../shared/caller.ts';
import { notFound } from '../shared/errors.ts';
import * as identityRepo from './identity.repository.ts';
import { actingOrganisation } from './identity.service.ts';

/**
 * Who may touch which organisation's registry data. The province (and the system) sees everything; a business sees
 * its own; a solution provider sees the organisations that granted it an active delegation carrying the permission.
 * Anything else is reported as absent (404), never as forbidden, so that callers learn nothing about it.
 */

/** The organisations whose private registry data the caller may use with `permission`; `all` for the province. */
export async function accessibleOrganisations(
  db: Kysely<DB>,
  caller: Caller,
  permission: Permission,
  now = new Date(),
): Promise<'all' | string[]> {
  requirePermission(caller, permission);
  if (seesEverything(caller)) return 'all';
  const own = callerOrganisation(caller);
  if (own === undefined) return [];
  const delegated = await identityRepo.listActiveDelegationsToProvider(db, own, now);
  return [own, ...delegated.filter((d) => d.permissions.includes(permission)).map((d) => d.organisation_id)];
}

/** True when the caller may use `organisationId`'s private data with `permission` (no permission check). */
export async function mayUseOrganisation(
  db: Kysely<DB>,
  caller: Caller,
  organisationId: string,
  permission: Permission,
  now = new Date(),
): Promise<boolean> {
  if (seesEverything(caller)) return true;
  const own = callerOrganisation(caller);
  if (own === undefined) return false;
  if (own === organisationId) return true;
  const delegations = await identityRepo.findActiveDelegation(db, own, organisationId, now);
  return delegations.some((d) => d.permissions.includes(permission));
}

/**
 * Checks that an existing object of `organisationId` may be read (else 404), then that the caller may change it
 * (`registry:write`, else 403: the caller already knows the object exists). The province inspector lands on 403.
 */
export async function requireWritable(
  db: Kysely<DB>,
  caller: Caller,
  organisationId: string,
  what: string,
): Promise<void> {
  requirePermission(caller, 'registry:read');
  if (!(await mayUseOrganisation(db, caller, organisationId, 'registry:read'))) throw notFound(what);
  requirePermission(caller, 'registry:write');
  if (!(await mayUseOrganisation(db, caller, organisationId, 'registry:write'))) throw notFound(what);
}

/** Checks that the caller may read an existing object of `organisationId`; 404 otherwise. */
export async function requireReadable(
  db: Kysely<DB>,
  caller: Caller,
  organisationId: string,
  what: string,
): Promise<void> {
  requirePermission(caller, 'registry:read');
  if (!(await mayUseOrganisation(db, caller, organisationId, 'registry:read'))) throw notFound(what);
}

/**
 * The organisation new registry data is recorded for: the caller's own, or (for the province and delegated
 * providers) the one named. An organisation the caller cannot use answers 404.
 */
export async function targetForWrite(
  db: Kysely<DB>,
  caller: Caller,
  organisationId: string | undefined,
): Promise<string> {
  requirePermission(caller, 'registry:write');
  if (organisationId !== undefined && !(await mayUseOrganisation(db, caller, organisationId, 'registry:write'))) {
    throw notFound('Organisation');
  }
  return (await actingOrganisation(db, caller, 'registry:write', organisationId)).organisationId;
}
