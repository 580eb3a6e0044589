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

/** A kind of registry object a delegation can be limited to (`scope.productIds`, `scope.locationIds`). */
export type ScopedKind = 'product' | 'location';

/**
 * Which object of an organisation is being reached: a given product or location (`id`), every object of a kind
 * (`id` undefined: creating one, listing, or a file that belongs to no single object), or the organisation itself.
 */
export type Target = { kind: ScopedKind; id?: string | undefined } | undefined;

type Delegation = { permissions: string[]; scope: { productIds?: string[]; locationIds?: string[] } };

/** The objects of `kind` a delegation covers: `all`, or only the listed ids (an empty list means all). */
function covered(d: Delegation, kind: ScopedKind): 'all' | string[] {
  const ids = (kind === 'product' ? d.scope.productIds : d.scope.locationIds) ?? [];
  return ids.length === 0 ? 'all' : ids;
}

function delegationAllows(d: Delegation, permission: Permission, target: Target): boolean {
  if (!d.permissions.includes(permission)) return false;
  if (target === undefined) return true;
  const ids = covered(d, target.kind);
  return ids === 'all' || (target.id !== undefined && ids.includes(target.id));
}

/**
 * The organisations whose private registry data the caller may use with `permission` (`all` for the province).
 * With a kind, delegations limited to some objects of that kind add those objects to `ids` instead.
 */
export async function accessibleOrganisations(
  db: Kysely<DB>,
  caller: Caller,
  permission: Permission,
  kind?: ScopedKind,
  now = new Date(),
): Promise<'all' | string[]> {
  const access = await accessibleObjects(db, caller, permission, kind, now);
  return access === 'all' ? 'all' : access.organisations;
}

export async function accessibleObjects(
  db: Kysely<DB>,
  caller: Caller,
  permission: Permission,
  kind?: ScopedKind,
  now = new Date(),
): Promise<'all' | { organisations: string[]; ids: string[] }> {
  requirePermission(caller, permission);
  if (seesEverything(caller)) return 'all';
  const own = callerOrganisation(caller);
  if (own === undefined) return { organisations: [], ids: [] };
  const organisations = new Set([own]);
  const ids = new Set<string>();
  for (const d of await identityRepo.listActiveDelegationsToProvider(db, own, now)) {
    if (!d.permissions.includes(permission)) continue;
    const objects = kind === undefined ? 'all' : covered(d, kind);
    if (objects === 'all') organisations.add(d.organisation_id);
    else objects.forEach((id) => ids.add(id));
  }
  return { organisations: [...organisations], ids: [...ids] };
}

/** True when the caller may use `organisationId`'s private data (the `target` in it) with `permission`. */
export async function mayUseOrganisation(
  db: Kysely<DB>,
  caller: Caller,
  organisationId: string,
  permission: Permission,
  target?: Target,
  now = new Date(),
): Promise<boolean> {
  if (seesEverything(caller)) return true;
  const own = callerOrganisation(caller);
  if (own === undefined) return false;
  if (own === organisationId) return true;
  const delegations = await identityRepo.findActiveDelegation(db, own, organisationId, now);
  return delegations.some((d) => delegationAllows(d, permission, target));
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
  target?: Target,
): Promise<void> {
  requirePermission(caller, 'registry:read');
  if (!(await mayUseOrganisation(db, caller, organisationId, 'registry:read', target))) throw notFound(what);
  requirePermission(caller, 'registry:write');
  if (!(await mayUseOrganisation(db, caller, organisationId, 'registry:write', target))) throw notFound(what);
}

/** Checks that the caller may read an existing object of `organisationId`; 404 otherwise. */
export async function requireReadable(
  db: Kysely<DB>,
  caller: Caller,
  organisationId: string,
  what: string,
  target?: Target,
): Promise<void> {
  requirePermission(caller, 'registry:read');
  if (!(await mayUseOrganisation(db, caller, organisationId, 'registry:read', target))) throw notFound(what);
}

/**
 * The organisation new registry data is recorded for: the caller's own, or (for the province and delegated
 * providers) the one named. A delegation limited to some objects of the kind does not allow creating others.
 * An organisation the caller cannot use answers 404.
 */
export async function targetForWrite(
  db: Kysely<DB>,
  caller: Caller,
  organisationId: string | undefined,
  kind?: ScopedKind,
): Promise<string> {
  requirePermission(caller, 'registry:write');
  const target: Target = kind === undefined ? undefined : { kind };
  if (
    organisationId !== undefined &&
    !(await mayUseOrganisation(db, caller, organisationId, 'registry:write', target))
  ) {
    throw notFound('Organisation');
  }
  return (await actingOrganisation(db, caller, 'registry:write', organisationId)).organisationId;
}
