import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which organisations' rows the database lets the current work see (row-level security, migration 0022):
 * - `system`: every row (background work, migrations, the province, services that elevate on purpose);
 * - `org`: the rows of the listed organisations (a business caller: its own and those that delegated to it);
 * - `none`: no row of a protected table (an anonymous request, or a request whose caller is not known yet).
 */
export type DbScope =
  | { readonly kind: 'system' }
  | { readonly kind: 'org'; readonly organisations: readonly string[] }
  | { readonly kind: 'none' };

export const SYSTEM_SCOPE: DbScope = { kind: 'system' };
export const NO_SCOPE: DbScope = { kind: 'none' };

/** A request's scope: set to `none` when the request arrives, to the caller's scope once the caller is known. */
export interface ScopeHolder {
  scope: DbScope;
}

const storage = new AsyncLocalStorage<ScopeHolder>();

/**
 * The scope queries run in now. Work outside any request or explicit scope is background work (worker, CLI, demo
 * loader, tests that call services directly) and runs as `system`; every HTTP request runs inside a holder.
 */
export function currentScope(): DbScope {
  return storage.getStore()?.scope ?? SYSTEM_SCOPE;
}

/** Runs `work` (and everything it starts) in the given holder's scope. */
export function runInScope<T>(holder: ScopeHolder, work: () => T): T {
  return storage.run(holder, work);
}

/**
 * Runs `work` with every row visible: for the few services that read across organisations on purpose (the auth
 * lookups, public pages that then keep only published fields, cross-organisation traces that filter afterwards).
 * Keep the callback as narrow as the read that needs it.
 */
export function asSystem<T>(work: () => T): T {
  return storage.run({ scope: SYSTEM_SCOPE }, work);
}

/** The `truyxuat.scope` / `truyxuat.orgs` settings the policies read, as one comparable key. */
export function scopeSettings(scope: DbScope): { scope: string; orgs: string } {
  switch (scope.kind) {
    case 'system':
      return { scope: 'system', orgs: '' };
    case 'none':
      return { scope: 'none', orgs: '' };
    case 'org':
      return { scope: 'org', orgs: [...new Set(scope.organisations)].sort().join(',') };
  }
}
