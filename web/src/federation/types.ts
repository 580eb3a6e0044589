/**
 * Shapes of the federation API answers as the screens read them. Only the fields shown are declared: answers may
 * carry more (new connector modes, new counters) and the screens ignore what they do not know.
 */

export type RecordKind = 'organisation' | 'product' | 'chain' | 'event';
export type SyncStatus = 'pending' | 'sent' | 'failed';

export interface Explained {
  readonly code: string | null;
  readonly httpStatus: number | null;
  readonly detail: string | null;
  readonly explanation: string | null;
  readonly fix: string | null;
}

export interface NationalHealth {
  readonly platform: string;
  readonly configured: boolean;
  readonly enrolledOrganisations: number;
  readonly kinds: readonly { kind: RecordKind; pending: number; sent: number; failed: number }[];
  readonly totals: { pending: number; sent: number; failed: number };
  readonly lastSuccessAt: string | null;
  readonly oldestPendingAt: string | null;
  readonly pausedUntil: string | null;
  readonly lastError: {
    at: string;
    code: string | null;
    recordKind: RecordKind;
    recordKey: string;
    detail: string | null;
  } | null;
}

export interface SyncRecord extends Explained {
  readonly id: string;
  readonly organisationId: string;
  readonly organisationName: string;
  readonly recordKind: RecordKind;
  readonly recordKey: string;
  readonly status: SyncStatus;
  readonly attempts: number;
  readonly queuedAt: string;
  readonly lastAttemptAt: string | null;
  readonly sentAt: string | null;
  readonly portalRef: string | null;
}

export interface SyncLogEntry extends Explained {
  readonly id: string;
  readonly at: string;
  readonly attempt: number;
  readonly outcome: string;
}

export interface Enrolment {
  readonly organisationId: string;
  readonly organisationName: string;
  readonly taxCode: string | null;
  readonly enabled: boolean;
  readonly portalStatus: string | null;
  readonly pausedUntil: string | null;
}

export interface StoredCredential {
  readonly kind: string;
  readonly stored: boolean;
}

export interface Connector {
  readonly id: string;
  readonly organisationId: string;
  readonly organisationName: string;
  readonly name: string;
  readonly endpointUrl: string;
  readonly query: Record<string, string>;
  readonly credential: StoredCredential;
  readonly intervalSeconds: number;
  readonly perPage: number;
  readonly enabled: boolean;
  readonly running: boolean;
  readonly lastRunAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly lastError: string | null;
  readonly consecutiveFailures: number;
  /** Present once connectors may also be fed by subscription (pull or subscribe). */
  readonly mode?: string;
}

export interface ConnectorRun {
  readonly id: string;
  readonly trigger: string;
  readonly status: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly pages: number;
  readonly fetched: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly resumed: boolean;
  readonly error: string | null;
  /** Events the remote changed after they were stored here (present once the backend reports them). */
  readonly conflicts?: number;
}

export interface ProviderFeed {
  readonly organisationId: string;
  readonly organisationName: string;
  readonly delegationId: string;
  readonly permissions: readonly string[];
  readonly validUntil: string | null;
  readonly state: string;
  readonly lastEventAt: string | null;
  readonly capturesInWindow: number;
  readonly failedCapturesInWindow: number;
  readonly errorRate: number | null;
}

export interface Provider {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly activeBusinesses: number;
  readonly lastEventAt: string | null;
  readonly errorRate: number | null;
  readonly businesses: readonly ProviderFeed[];
}

export interface RemoteNode {
  readonly id: string;
  readonly name: string;
  readonly baseUrl: string;
  readonly companyPrefixes: readonly string[];
  readonly credential: StoredCredential;
  readonly updatedAt: string;
}
