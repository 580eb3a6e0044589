import type { Kysely } from 'kysely';
import { loadConfig } from '../config.ts';
import type { DB } from '../db/schema.ts';
import {
  callerOrganisation,
  hasPermission,
  requireAuthenticated,
  seesEverything,
  type Caller,
} from '../shared/caller.ts';
import { AppError } from '../shared/errors.ts';
import * as repo from './national.repository.ts';
import type { NationalRecordKind } from './national.tables.ts';

/**
 * National platform sync, the service side: health, the sync log, enrolment, retry and resync. The province sees
 * every organisation; a business sees its own records only.
 */

/** The platform this installation syncs to (the adapter interface allows others: see docs/federation.md). */
export const NATIONAL_PORTAL = 'vn-national-portal';

export const RECORD_KINDS: readonly NationalRecordKind[] = ['organisation', 'product', 'chain', 'event'];

export interface NationalKindHealth {
  readonly kind: NationalRecordKind;
  readonly pending: number;
  readonly sent: number;
  readonly failed: number;
}

export interface NationalSyncHealth {
  readonly platform: string;
  /** The portal's URL and client credentials are configured; without them nothing is sent. */
  readonly configured: boolean;
  /** Organisations enrolled for sync (the caller's own: 0 or 1). */
  readonly enrolledOrganisations: number;
  readonly kinds: readonly NationalKindHealth[];
  readonly totals: { readonly pending: number; readonly sent: number; readonly failed: number };
  readonly lastSuccessAt: string | null;
  /** When the longest-waiting record was queued. */
  readonly oldestPendingAt: string | null;
  /** Sending is paused until then (rate limit or outage), for every organisation. */
  readonly pausedUntil: string | null;
  readonly lastError: {
    readonly at: string;
    readonly code: string | null;
    readonly httpStatus: number | null;
    readonly recordKind: NationalRecordKind;
    readonly recordKey: string;
    readonly detail: string | null;
  } | null;
}

export function scopeOf(caller: Caller): repo.OrganisationScope {
  requireAuthenticated(caller);
  if (seesEverything(caller)) return { all: true };
  const own = callerOrganisation(caller);
  if (own === undefined || !hasPermission(caller, 'registry:read'))
    throw new AppError('forbidden', 'Missing permission registry:read');
  return { all: false, organisationId: own };
}

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/**
 * Sync health for the caller: counts of pending, sent and failed records per kind, the last success, the oldest
 * pending record and the last error. The province sees every organisation, a business its own.
 */
export async function nationalSyncHealth(db: Kysely<DB>, caller: Caller): Promise<NationalSyncHealth> {
  const scope = scopeOf(caller);
  const [counts, times, problem, state, enrolled] = await Promise.all([
    repo.countByKindAndStatus(db, NATIONAL_PORTAL, scope),
    repo.outboxTimes(db, NATIONAL_PORTAL, scope),
    repo.lastProblem(db, NATIONAL_PORTAL, scope),
    repo.platformState(db, NATIONAL_PORTAL),
    repo.countEnrolled(db, NATIONAL_PORTAL, scope),
  ]);
  const kinds = RECORD_KINDS.map((kind) => {
    const of = (status: string) => counts.find((c) => c.kind === kind && c.status === status)?.count ?? 0;
    return { kind, pending: of('pending'), sent: of('sent'), failed: of('failed') };
  });
  const sum = (key: 'pending' | 'sent' | 'failed') => kinds.reduce((n, k) => n + k[key], 0);
  return {
    platform: NATIONAL_PORTAL,
    configured: loadConfig().nationalPortal !== undefined,
    enrolledOrganisations: enrolled,
    kinds,
    totals: { pending: sum('pending'), sent: sum('sent'), failed: sum('failed') },
    lastSuccessAt: iso(times.lastSentAt),
    oldestPendingAt: iso(times.oldestPendingAt),
    pausedUntil: iso(state?.paused_until),
    lastError: problem
      ? {
          at: new Date(problem.at).toISOString(),
          code: problem.code,
          httpStatus: problem.http_status,
          recordKind: problem.record_kind,
          recordKey: problem.record_key,
          detail: problem.detail,
        }
      : null,
  };
}
