import { AppError } from './errors.ts';

/** Roles a user holds within its organisation. Province roles belong to users of the authority organisation. */
export const ROLES = ['province_admin', 'province_inspector', 'org_admin', 'org_operator'] as const;
export type Role = (typeof ROLES)[number];

/** Fine-grained rights; a role is a set of them, an API key or a delegation carries a subset. */
export const PERMISSIONS = [
  'registry:read',
  'registry:write',
  'users:manage',
  'keys:manage',
  'epcis:query',
  'epcis:capture',
  'stamps:manage',
  'recall:manage',
  'standards:manage',
  'province:read',
  'province:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ORG_OPERATOR: Permission[] = ['registry:read', 'registry:write', 'epcis:query', 'epcis:capture', 'stamps:manage'];
const ORG_ADMIN: Permission[] = [...ORG_OPERATOR, 'users:manage', 'keys:manage', 'recall:manage'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  province_admin: [...PERMISSIONS],
  province_inspector: ['registry:read', 'epcis:query', 'province:read'],
  org_admin: ORG_ADMIN,
  org_operator: ORG_OPERATOR,
};

/**
 * Who is calling. Every service function receives one and decides what it may see and do.
 * `province` is true for callers whose organisation is the provincial authority with a province role.
 */
export type Caller =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'system'; readonly reason: string }
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly organisationId: string;
      readonly role: Role;
      readonly permissions: ReadonlySet<Permission>;
      readonly province: boolean;
    }
  | {
      readonly kind: 'apiKey';
      readonly apiKeyId: string;
      readonly organisationId: string;
      readonly permissions: ReadonlySet<Permission>;
      readonly province: boolean;
    };

export type AuthenticatedCaller = Extract<Caller, { kind: 'user' | 'apiKey' }>;

export const SYSTEM: Caller = { kind: 'system', reason: 'internal' };

export function hasPermission(caller: Caller, permission: Permission): boolean {
  switch (caller.kind) {
    case 'system':
      return true;
    case 'anonymous':
      return false;
    case 'user':
    case 'apiKey':
      return caller.permissions.has(permission);
  }
}

/** Throws `unauthenticated` for anonymous callers and `forbidden` when the permission is missing. */
export function requirePermission(caller: Caller, permission: Permission): void {
  if (caller.kind === 'anonymous') throw new AppError('unauthenticated', 'Sign in or present an API key');
  if (!hasPermission(caller, permission)) throw new AppError('forbidden', `Missing permission ${permission}`);
}

/** The province (and the system) see every organisation's data. */
export function seesEverything(caller: Caller): boolean {
  return caller.kind === 'system' || ((caller.kind === 'user' || caller.kind === 'apiKey') && caller.province);
}

/** The caller's own organisation, or undefined for the system and anonymous callers. */
export function callerOrganisation(caller: Caller): string | undefined {
  return caller.kind === 'user' || caller.kind === 'apiKey' ? caller.organisationId : undefined;
}

/** True when the caller may read the private data of `organisationId` (its own, or the province). */
export function mayReadOrganisation(caller: Caller, organisationId: string): boolean {
  return seesEverything(caller) || callerOrganisation(caller) === organisationId;
}

export function requireAuthenticated(caller: Caller): AuthenticatedCaller | Extract<Caller, { kind: 'system' }> {
  if (caller.kind === 'anonymous') throw new AppError('unauthenticated', 'Sign in or present an API key');
  return caller;
}
