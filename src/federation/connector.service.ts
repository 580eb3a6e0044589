import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { captureWithin } from '../epcis/capture.service.ts';
import { enqueueJob, type JobContext } from '../jobs/job.service.ts';
import {
  callerOrganisation,
  mayReadOrganisation,
  requirePermission,
  seesEverything,
  SYSTEM,
  type Caller,
} from '../shared/caller.ts';
import { AppError, invalid, notFound } from '../shared/errors.ts';
import { checkOutboundUrl, fetchOutbound, nextLink, OutboundUrlError } from '../shared/outbound-url.ts';
import { authorizationHeader, openCredential, sealCredential, type Credential } from './connector.credentials.ts';
import * as repo from './connector.repository.ts';
import type { ConnectorCursor } from './connector.tables.ts';

/**
 * Pull connectors: a remote EPCIS 2.0 query endpoint (`…/events` or `…/queries/{name}/events`) polled on a schedule.
 * Each run asks for `GE_recordTime` = the cursor, oldest first, and walks the answer's `Link: rel="next"` pages
 * (`nextPageToken`); every page is captured through the normal capture path (validation, CBV event hash,
 * duplicates skipped) in the same transaction that moves the cursor, so a run that fails — the remote down, a
 * connection cut mid-page, the process killed — resumes from the last page it stored and never stores an event
 * twice. Every run is logged.
 */

export const CONNECTOR_POLL_KIND = 'federation.connector.poll';
/** Pages one run fetches at most; the rest waits for the next run (which resumes from the cursor). */
export const MAX_PAGES_PER_RUN = 200;
/** A run still marked running after this long died with its process; another run may take over. */
const STALE_RUN_MS = 15 * 60_000;
/** Parameters the connector sets itself, so a configured query may not carry them. */
const RESERVED_PARAMETERS = new Set(['GE_recordTime', 'nextPageToken', 'perPage', 'orderBy', 'orderDirection']);

export interface CredentialInput {
  readonly kind: 'none' | 'bearer' | 'basic';
  readonly token?: string | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

export interface ConnectorInput {
  readonly name: string;
  readonly endpointUrl: string;
  readonly query?: Record<string, string> | undefined;
  readonly credential?: CredentialInput | undefined;
  readonly intervalSeconds: number;
  readonly perPage?: number | undefined;
  readonly enabled?: boolean | undefined;
  /** The organisation the captured events are recorded for (the province may name any; others their own). */
  readonly organisationId?: string | undefined;
}

/** Checks a credential as given to the API; the secret parts are required for their kind. */
export function credentialFrom(input: CredentialInput | undefined, field = 'credential'): Credential {
  if (input === undefined || input.kind === 'none') return { kind: 'none' };
  if (input.kind === 'bearer') {
    if (!input.token) throw invalid(`${field}/token`, 'Give the token', 'federation.credential.token');
    return { kind: 'bearer', token: input.token };
  }
  if (!input.username || input.password === undefined)
    throw invalid(`${field}/username`, 'Give a user name and a password', 'federation.credential.basic');
  return { kind: 'basic', username: input.username, password: input.password };
}

async function checkEndpoint(url: string, field: string): Promise<string> {
  try {
    return (await checkOutboundUrl(url, { field })).toString();
  } catch (e) {
    if (e instanceof OutboundUrlError) throw invalid(field, e.message, 'federation.url.refused');
    throw e;
  }
}

function checkQuery(query: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(query ?? {})) {
    if (RESERVED_PARAMETERS.has(name))
      throw invalid(`query/${name}`, `${name} is set by the connector itself`, 'federation.connector.reserved');
    if (!/^[A-Za-z][\w:.-]*$/.test(name)) throw invalid(`query/${name}`, 'Not a query parameter name');
    out[name] = value;
  }
  return out;
}

function ownerOf(caller: Caller, organisationId: string | undefined): string {
  if (organisationId !== undefined && organisationId !== callerOrganisation(caller)) {
    if (!seesEverything(caller)) throw new AppError('forbidden', 'Only the province manages connectors for others');
    return organisationId;
  }
  const own = callerOrganisation(caller);
  if (own === undefined) throw invalid('organisationId', 'Name the organisation the events are captured for');
  return own;
}

async function visibleConnector(db: Kysely<DB>, caller: Caller, id: string) {
  const row = await repo.findConnector(db, id);
  if (!row || !mayReadOrganisation(caller, row.organisation_id)) throw notFound('Connector');
  return row;
}

function view(row: NonNullable<Awaited<ReturnType<typeof repo.findConnector>>>) {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    name: row.name,
    endpointUrl: row.endpoint_url,
    query: row.query,
    // Never the secret itself: only which kind is stored.
    credential: { kind: row.credential_kind, stored: row.credential_kind !== 'none' },
    intervalSeconds: row.interval_seconds,
    perPage: row.per_page,
    enabled: row.enabled,
    cursor: { since: row.cursor.since ?? null, midQuery: row.cursor.next !== undefined },
    running: row.running_since !== null,
    lastRunAt: row.last_run_at,
    lastSuccessAt: row.last_success_at,
    lastError: row.last_error,
    consecutiveFailures: row.consecutive_failures,
    createdAt: row.created_at,
  };
}
export type ConnectorView = ReturnType<typeof view>;

function slotKey(id: string, at: Date, intervalSeconds: number): string {
  return `${CONNECTOR_POLL_KIND}:${id}:${Math.floor(at.getTime() / 1000 / intervalSeconds)}`;
}

async function scheduleNext(db: Kysely<DB>, id: string, intervalSeconds: number, from = new Date()): Promise<void> {
  const runAfter = new Date(from.getTime() + intervalSeconds * 1000);
  await enqueueJob(
    db,
    CONNECTOR_POLL_KIND,
    { connectorId: id },
    { runAfter, maxAttempts: 1, dedupeKey: slotKey(id, runAfter, intervalSeconds) },
  );
}

export async function createConnector(db: Kysely<DB>, caller: Caller, input: ConnectorInput): Promise<ConnectorView> {
  requirePermission(caller, 'epcis:capture');
  const organisationId = ownerOf(caller, input.organisationId);
  const name = input.name.trim();
  if (name === '') throw invalid('name', 'Give the connector a name', 'error.required');
  const endpointUrl = await checkEndpoint(input.endpointUrl, 'endpointUrl');
  const query = checkQuery(input.query);
  const sealed = await sealCredential(db, credentialFrom(input.credential));
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    await repo.insertConnector(trx, {
      id,
      organisation_id: organisationId,
      name,
      endpoint_url: endpointUrl,
      query,
      credential_kind: sealed.kind,
      credential_enc: sealed.sealed,
      interval_seconds: input.intervalSeconds,
      per_page: input.perPage ?? 100,
      enabled: input.enabled ?? true,
      created_by:
        caller.kind === 'user'
          ? `user:${caller.userId}`
          : caller.kind === 'apiKey'
            ? `apiKey:${caller.apiKeyId}`
            : null,
    });
    if (input.enabled ?? true)
      await enqueueJob(
        trx,
        CONNECTOR_POLL_KIND,
        { connectorId: id },
        { maxAttempts: 1, dedupeKey: `${CONNECTOR_POLL_KIND}:${id}:first` },
      );
  });
  return getConnector(db, caller, id);
}

export async function listConnectors(db: Kysely<DB>, caller: Caller): Promise<ConnectorView[]> {
  requirePermission(caller, 'epcis:query');
  const rows = await repo.listConnectors(db, seesEverything(caller) ? undefined : callerOrganisation(caller));
  return rows.map((r) => view({ ...r, credential_enc: null }));
}

export async function getConnector(db: Kysely<DB>, caller: Caller, id: string): Promise<ConnectorView> {
  requirePermission(caller, 'epcis:query');
  return view(await visibleConnector(db, caller, id));
}

export async function updateConnector(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  patch: Partial<Omit<ConnectorInput, 'organisationId'>>,
): Promise<ConnectorView> {
  requirePermission(caller, 'epcis:capture');
  const row = await visibleConnector(db, caller, id);
  const changes: Parameters<typeof repo.updateConnector>[2] = {};
  if (patch.name !== undefined) {
    if (patch.name.trim() === '') throw invalid('name', 'Give the connector a name', 'error.required');
    changes.name = patch.name.trim();
  }
  if (patch.endpointUrl !== undefined && patch.endpointUrl !== row.endpoint_url) {
    changes.endpoint_url = await checkEndpoint(patch.endpointUrl, 'endpointUrl');
    changes.cursor = {};
  }
  if (patch.query !== undefined) {
    changes.query = checkQuery(patch.query);
    // Another query is another stream: start it from the beginning (duplicates are skipped on capture).
    changes.cursor = {};
  }
  if (patch.credential !== undefined) {
    const sealed = await sealCredential(db, credentialFrom(patch.credential));
    changes.credential_kind = sealed.kind;
    changes.credential_enc = sealed.sealed;
  }
  if (patch.intervalSeconds !== undefined) changes.interval_seconds = patch.intervalSeconds;
  if (patch.perPage !== undefined) changes.per_page = patch.perPage;
  if (patch.enabled !== undefined) changes.enabled = patch.enabled;
  await repo.updateConnector(db, id, changes);
  if (patch.enabled === true && !row.enabled)
    await enqueueJob(db, CONNECTOR_POLL_KIND, { connectorId: id }, { maxAttempts: 1 });
  return getConnector(db, caller, id);
}

export async function deleteConnector(db: Kysely<DB>, caller: Caller, id: string): Promise<void> {
  requirePermission(caller, 'epcis:capture');
  await visibleConnector(db, caller, id);
  await repo.deleteConnector(db, id);
}

function runView(r: NonNullable<Awaited<ReturnType<typeof repo.findRun>>>) {
  return {
    id: r.id,
    connectorId: r.connector_id,
    trigger: r.trigger,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    pages: r.pages,
    fetched: r.fetched,
    stored: r.stored,
    duplicates: r.duplicates,
    resumed: r.resumed,
    error: r.error,
  };
}
export type ConnectorRunView = ReturnType<typeof runView>;

export async function listConnectorRuns(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  limit = 50,
): Promise<ConnectorRunView[]> {
  requirePermission(caller, 'epcis:query');
  await visibleConnector(db, caller, id);
  return (await repo.listRuns(db, id, Math.min(Math.max(limit, 1), 500))).map(runView);
}

/** Runs the connector now, for a caller who may manage it; answers with the run's log entry. */
export async function runConnectorNow(db: Kysely<DB>, caller: Caller, id: string): Promise<ConnectorRunView> {
  requirePermission(caller, 'epcis:capture');
  await visibleConnector(db, caller, id);
  const runId = await runConnector(db, id, 'manual');
  if (runId === null) throw new AppError('conflict', 'The connector is running already');
  return runView((await repo.findRun(db, runId))!);
}

function firstPageUrl(endpoint: string, query: Record<string, string>, since: string | undefined, perPage: number) {
  const url = new URL(endpoint);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  if (since !== undefined) url.searchParams.set('GE_recordTime', since);
  url.searchParams.set('orderBy', 'recordTime');
  url.searchParams.set('orderDirection', 'ASC');
  url.searchParams.set('perPage', String(perPage));
  return url.toString();
}

/** The events of an EPCIS 2.0 query document (JSON-LD), and its context for recapture. */
function eventsOf(body: Buffer): { context: unknown; events: Record<string, unknown>[] } {
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Error('The answer is not JSON');
  }
  const d = document as {
    '@context'?: unknown;
    epcisBody?: { queryResults?: { resultsBody?: { eventList?: unknown } } };
  };
  const list = d.epcisBody?.queryResults?.resultsBody?.eventList;
  if (!Array.isArray(list))
    throw new Error('The answer is not an EPCIS query document (no queryResults.resultsBody.eventList)');
  return { context: d['@context'], events: list as Record<string, unknown>[] };
}

function latest(a: string | undefined, b: unknown): string | undefined {
  if (typeof b !== 'string' || Number.isNaN(Date.parse(b))) return a;
  if (a === undefined) return b;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** Why a remote answered with an error, in a few words (no header or credential ever goes into it). */
export function remoteFailure(status: number, body: Buffer): string {
  let title = '';
  try {
    const problem = JSON.parse(body.toString('utf8')) as { title?: unknown; type?: unknown; detail?: unknown };
    title = [problem.type, problem.title, problem.detail].filter((x) => typeof x === 'string').join(' ');
  } catch {
    // not a problem document; the status says enough
  }
  return `The remote answered ${status}${title ? ` (${title.slice(0, 200)})` : ''}`;
}

/**
 * One run of a pull connector: fetches pages from its cursor on and captures them. Returns the run's id, or null
 * when another run holds the connector. Never throws for a remote failure: the run is logged as failed and the
 * cursor stays at the last stored page.
 */
export async function runConnector(
  db: Kysely<DB>,
  connectorId: string,
  trigger: 'schedule' | 'manual',
  options: { maxPages?: number } = {},
): Promise<string | null> {
  const connector = await repo.findConnector(db, connectorId);
  if (!connector) return null;
  if (!(await repo.claimConnector(db, connectorId, new Date(), STALE_RUN_MS))) return null;
  const runId = randomUUID();
  let cursor: ConnectorCursor = { ...connector.cursor };
  await repo.insertRun(db, { id: runId, connector_id: connectorId, trigger, resumed: cursor.next !== undefined });
  let error: string | null = null;
  try {
    const credential = await openCredential(db, connector.credential_enc);
    const headers = { accept: 'application/ld+json, application/json', ...authorizationHeader(credential) };
    const maxPages = options.maxPages ?? MAX_PAGES_PER_RUN;
    for (let page = 0; page < maxPages; page++) {
      const url =
        cursor.next ?? firstPageUrl(connector.endpoint_url, connector.query, cursor.since, connector.per_page);
      // A next page must stay on the configured endpoint's origin: its credentials go nowhere else.
      if (new URL(url).origin !== new URL(connector.endpoint_url).origin)
        throw new Error('The remote pointed the next page to another origin');
      const response = await fetchOutbound(url, { headers });
      if (response.status === 400 && cursor.next !== undefined) {
        // The remote no longer knows the page token (restarted, expired): start the pass again from its lower bound;
        // the event hash keeps what was stored already from being stored twice.
        cursor = cursor.since !== undefined ? { since: cursor.since } : {};
        await repo.saveCursor(db, connectorId, cursor);
        continue;
      }
      if (response.status !== 200) throw new Error(remoteFailure(response.status, response.body));
      const { context, events } = eventsOf(response.body);
      const next = nextLink(response.headers.link, url);
      let high = cursor.high;
      for (const e of events) high = latest(high, e.recordTime);
      const following: ConnectorCursor =
        next !== null
          ? { ...(cursor.since !== undefined ? { since: cursor.since } : {}), next, ...(high ? { high } : {}) }
          : { ...((high ?? cursor.since) !== undefined ? { since: (high ?? cursor.since)! } : {}) };
      await db.transaction().execute(async (trx) => {
        let stored = 0;
        let duplicates = 0;
        if (events.length > 0) {
          const document = {
            '@context': context ?? 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld',
            type: 'EPCISDocument',
            schemaVersion: '2.0',
            creationDate: new Date().toISOString(),
            epcisBody: { eventList: events },
          };
          const result = await captureWithin(trx, SYSTEM, {
            body: JSON.stringify(document),
            format: 'json',
            onBehalfOf: connector.organisation_id,
            channel: 'connector',
          });
          stored = result.stored;
          duplicates = result.duplicates;
        }
        await repo.saveCursor(trx, connectorId, following);
        await repo.addToRun(trx, runId, { pages: 1, fetched: events.length, stored, duplicates });
      });
      cursor = following;
      if (next === null) break;
    }
  } catch (e) {
    error = e instanceof AppError || e instanceof Error ? e.message.slice(0, 1000) : 'The run failed';
  }
  await repo.finishRun(db, runId, error === null ? 'ok' : 'failed', error);
  await repo.releaseConnector(db, connectorId, { ok: error === null, error, at: new Date() });
  return runId;
}

/** Job: a scheduled run; schedules the next one whatever the outcome (the run log keeps the failures). */
export async function pollConnectorJob(payload: unknown, context: JobContext): Promise<void> {
  const { connectorId } = payload as { connectorId: string };
  const connector = await repo.findConnector(context.db, connectorId);
  if (!connector || !connector.enabled) return;
  try {
    await runConnector(context.db, connectorId, 'schedule');
  } finally {
    // Even when the run itself could not be recorded (the database briefly away), the schedule goes on.
    const after = await repo.findConnector(context.db, connectorId);
    if (after?.enabled) await scheduleNext(context.db, connectorId, after.interval_seconds);
  }
}
