import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { asSystem } from '../db/scope.ts';
import { recordAudit } from '../audit/index.ts';
import { captureWithin } from '../epcis/capture.service.ts';
import { verifyWebhookSignature } from '../epcis/webhook-signature.ts';
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
import type { ConnectorConflict, ConnectorCursor, ConnectorMode } from './connector.tables.ts';

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
  /** pull (default): polled on a schedule; subscribe: an EPCIS subscription on the remote delivers to our inbox. */
  readonly mode?: ConnectorMode | undefined;
}

/** Where this node is reached from outside (PUBLIC_URL): the inbox a subscription delivers to is under it. */
export interface ConnectorOptions {
  readonly publicUrl: string;
}

/** Clashes kept in one run's log (the count goes on beyond). */
const MAX_CONFLICT_DETAIL = 100;

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
    mode: row.mode,
    subscription:
      row.mode === 'subscribe'
        ? {
            active: row.subscription_url !== null,
            subscribedAt: row.subscribed_at,
            error: row.subscription_error,
            inboxUrl: row.inbox_url,
          }
        : null,
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

export async function createConnector(
  db: Kysely<DB>,
  caller: Caller,
  input: ConnectorInput,
  options: ConnectorOptions,
): Promise<ConnectorView> {
  requirePermission(caller, 'epcis:capture');
  const organisationId = ownerOf(caller, input.organisationId);
  const name = input.name.trim();
  if (name === '') throw invalid('name', 'Give the connector a name', 'error.required');
  const endpointUrl = await checkEndpoint(input.endpointUrl, 'endpointUrl');
  const mode = input.mode ?? 'pull';
  if (mode === 'subscribe') subscriptionsUrlOf(endpointUrl);
  const query = checkQuery(input.query);
  const sealed = await sealCredential(db, credentialFrom(input.credential));
  const id = randomUUID();
  const enabled = input.enabled ?? true;
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
      enabled,
      mode,
      created_by:
        caller.kind === 'user'
          ? `user:${caller.userId}`
          : caller.kind === 'apiKey'
            ? `apiKey:${caller.apiKeyId}`
            : null,
    });
    await recordAudit(trx, caller, {
      action: 'federation.connector.create',
      objectType: 'connector',
      objectId: id,
      organisationId,
      detail: { name, endpointUrl, mode, enabled },
    });
    if (enabled && mode === 'pull')
      await enqueueJob(
        trx,
        CONNECTOR_POLL_KIND,
        { connectorId: id },
        { maxAttempts: 1, dedupeKey: `${CONNECTOR_POLL_KIND}:${id}:first` },
      );
  });
  if (enabled && mode === 'subscribe') {
    // Subscribing now lets the caller see at once whether the remote accepted; if not, the error is shown and the
    // scheduled check tries again.
    await subscribeRemote(db, id, inboxUrlOf(options.publicUrl, id));
    await scheduleNext(db, id, input.intervalSeconds);
  }
  return getConnector(db, caller, id);
}

export async function listConnectors(db: Kysely<DB>, caller: Caller): Promise<ConnectorView[]> {
  requirePermission(caller, 'epcis:query');
  const rows = await repo.listConnectors(db, seesEverything(caller) ? undefined : callerOrganisation(caller));
  return rows.map((r) => view({ ...r, credential_enc: null, inbox_secret_enc: null }));
}

export async function getConnector(db: Kysely<DB>, caller: Caller, id: string): Promise<ConnectorView> {
  requirePermission(caller, 'epcis:query');
  return view(await visibleConnector(db, caller, id));
}

export async function updateConnector(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  patch: Partial<Omit<ConnectorInput, 'organisationId' | 'mode'>>,
  options: ConnectorOptions,
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
  if (row.mode === 'subscribe' && changes.endpoint_url !== undefined) subscriptionsUrlOf(changes.endpoint_url);
  // A subscription follows the endpoint, the query's stream and the credential it was made with: a change of any of
  // them, or a pause, ends it at the remote first.
  const resubscribe =
    row.mode === 'subscribe' &&
    row.subscription_url !== null &&
    (changes.endpoint_url !== undefined || changes.credential_kind !== undefined || patch.enabled === false);
  if (resubscribe) await unsubscribeRemote(db, row);
  await db.transaction().execute(async (trx) => {
    await repo.updateConnector(trx, id, changes);
    await recordAudit(trx, caller, {
      action: 'federation.connector.update',
      objectType: 'connector',
      objectId: id,
      organisationId: row.organisation_id,
      detail: {
        fields: Object.keys(patch).filter((k) => k !== 'credential'),
        credentialChanged: patch.credential !== undefined,
      },
    });
  });
  const enabled = patch.enabled ?? row.enabled;
  if (row.mode === 'pull' && patch.enabled === true && !row.enabled)
    await enqueueJob(db, CONNECTOR_POLL_KIND, { connectorId: id }, { maxAttempts: 1 });
  if (row.mode === 'subscribe' && enabled && (resubscribe || row.subscription_url === null)) {
    await subscribeRemote(db, id, inboxUrlOf(options.publicUrl, id));
    if (!row.enabled) await scheduleNext(db, id, changes.interval_seconds ?? row.interval_seconds);
  }
  return getConnector(db, caller, id);
}

export async function deleteConnector(db: Kysely<DB>, caller: Caller, id: string): Promise<void> {
  requirePermission(caller, 'epcis:capture');
  const row = await visibleConnector(db, caller, id);
  // The remote is asked to stop delivering; if it cannot be reached, its deliveries find no inbox (404) and fail.
  const unsubscribed = row.subscription_url !== null ? await unsubscribeRemote(db, row) : null;
  await db.transaction().execute(async (trx) => {
    await repo.deleteConnector(trx, id);
    await recordAudit(trx, caller, {
      action: 'federation.connector.delete',
      objectType: 'connector',
      objectId: id,
      organisationId: row.organisation_id,
      detail: { name: row.name, ...(unsubscribed !== null ? { unsubscribed } : {}) },
    });
  });
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
    conflicts: r.conflicts,
    conflictDetail: r.conflict_detail,
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
      await storePage(db, connector, runId, context, events, async (trx) =>
        repo.saveCursor(trx, connectorId, following),
      );
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

/**
 * Captures one page of remote events for the connector's organisation through the normal capture path, in one
 * transaction with `andThen` (the cursor move) and the run's counts. An event whose hash this organisation holds is a
 * duplicate (skipped, counted). An event whose eventID this organisation holds for a different event is a clash: it
 * is left out and reported in the run log by eventID, and the rest of the page is stored, so one such event never
 * stops the connector. (The same event held by another organisation is stored as this organisation's own copy:
 * events are unique per owner, so no organisation can block another's eventIDs.)
 */
async function storePage(
  db: Kysely<DB>,
  connector: { id: string; organisation_id: string },
  runId: string,
  context: unknown,
  events: readonly Record<string, unknown>[],
  andThen: (trx: Transaction<DB>) => Promise<void>,
): Promise<{ stored: number; duplicates: number; conflicts: ConnectorConflict[] }> {
  const conflicts: ConnectorConflict[] = [];
  let remaining = events.map((event, index) => ({ event, index }));
  // Each attempt leaves out the clashes the previous one named; the capture reports all of a page's clashes at once,
  // so this ends after two attempts (the bound guards against a remote changing under us).
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        let stored = 0;
        let duplicates = 0;
        if (remaining.length > 0) {
          const result = await captureWithin(trx, SYSTEM, {
            body: JSON.stringify({
              '@context': context ?? 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld',
              type: 'EPCISDocument',
              schemaVersion: '2.0',
              creationDate: new Date().toISOString(),
              epcisBody: { eventList: remaining.map((r) => r.event) },
            }),
            format: 'json',
            onBehalfOf: connector.organisation_id,
            channel: 'connector',
          });
          stored = result.stored;
          duplicates = result.duplicates;
        }
        await andThen(trx);
        await repo.addToRun(trx, runId, {
          pages: 1,
          fetched: events.length,
          stored,
          duplicates,
          conflicts: conflicts.slice(0, MAX_CONFLICT_DETAIL),
          conflictCount: conflicts.length,
        });
        return { stored, duplicates, conflicts };
      });
    } catch (e) {
      const clashes = attempt < 3 ? clashIndexes(e) : [];
      if (clashes.length === 0) throw e;
      const left = new Set(clashes);
      for (const i of clashes) {
        const r = remaining[i];
        if (r === undefined) throw e;
        const eventID = typeof r.event.eventID === 'string' ? r.event.eventID : `#${r.index}`;
        conflicts.push({
          eventID,
          message: `This node holds a different event under eventID ${eventID}; this one was not stored`,
        });
      }
      remaining = remaining.filter((_, i) => !left.has(i));
    }
  }
}

/** The document indexes of the events a capture refused because their eventID is taken by a different event. */
function clashIndexes(e: unknown): number[] {
  if (!(e instanceof AppError) || e.code !== 'conflict') return [];
  const out: number[] = [];
  for (const f of e.fields) {
    const m = /^eventList\/(\d+)\/eventID$/.exec(f.field);
    if (!m) return [];
    out.push(Number(m[1]));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Subscribe mode: the remote's own EPCIS subscription delivers to our inbox.

/** The remote's subscriptions resource of a named-query endpoint (`…/queries/{name}/events`). */
export function subscriptionsUrlOf(endpointUrl: string): string {
  const url = new URL(endpointUrl);
  if (!/\/queries\/[^/]+\/events\/?$/.test(url.pathname))
    throw invalid(
      'endpointUrl',
      'A subscribing connector needs a named query endpoint: …/queries/{name}/events',
      'federation.connector.subscribeEndpoint',
    );
  url.pathname = url.pathname.replace(/\/events\/?$/, '/subscriptions');
  url.search = '';
  return url.toString();
}

export function inboxUrlOf(publicUrl: string, id: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/federation/connectors/${encodeURIComponent(id)}/inbox`;
}

/**
 * Creates the subscription on the remote (`POST …/queries/{name}/subscriptions`, stream, `dest` = our inbox, a
 * fresh `signatureToken` of this connector, `initialRecordTime` = the latest recordTime received, so a subscription
 * made again leaves no gap). Never throws for a remote failure: the error is kept on the connector and the scheduled
 * check tries again. Returns whether the connector is subscribed.
 */
export async function subscribeRemote(db: Kysely<DB>, id: string, inboxUrl: string): Promise<boolean> {
  const row = await repo.findConnector(db, id);
  if (!row || row.mode !== 'subscribe' || !row.enabled) return false;
  if (row.subscription_url !== null) return true;
  const token = randomBytes(32).toString('base64url');
  const sealedToken = await sealCredential(db, { kind: 'bearer', token });
  try {
    const target = subscriptionsUrlOf(row.endpoint_url);
    const credential = await openCredential(db, row.credential_enc);
    const body = JSON.stringify({
      dest: inboxUrl,
      signatureToken: token,
      stream: true,
      ...(row.cursor.since !== undefined ? { initialRecordTime: row.cursor.since } : {}),
    });
    // The token is stored before the remote knows it: a delivery may arrive before the answer does.
    await repo.updateConnector(db, id, { inbox_secret_enc: sealedToken.sealed, inbox_url: inboxUrl });
    const response = await fetchOutbound(target, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        ...authorizationHeader(credential),
      },
      body,
    });
    if (response.status !== 201 && response.status !== 200)
      throw new Error(remoteFailure(response.status, response.body));
    const location = response.headers.location;
    let resource: string | null = null;
    if (typeof location === 'string' && location !== '') resource = new URL(location, target).toString();
    else {
      const answered = JSON.parse(response.body.toString('utf8')) as { subscriptionID?: unknown };
      if (typeof answered.subscriptionID === 'string')
        resource = `${target}/${encodeURIComponent(answered.subscriptionID)}`;
    }
    if (resource === null) throw new Error('The remote did not say where the subscription is');
    if (new URL(resource).origin !== new URL(target).origin)
      throw new Error('The remote put the subscription on another origin');
    await repo.updateConnector(db, id, {
      subscription_url: resource,
      subscribed_at: new Date(),
      subscription_error: null,
    });
    return true;
  } catch (e) {
    const message = e instanceof Error ? e.message.slice(0, 1000) : 'The subscription failed';
    await repo.updateConnector(db, id, { subscription_error: message });
    return false;
  }
}

/** Ends the subscription at the remote (`DELETE` its resource); answers whether the remote confirmed. */
async function unsubscribeRemote(
  db: Kysely<DB>,
  row: { id: string; subscription_url: string | null; credential_enc: string | null },
): Promise<boolean> {
  if (row.subscription_url === null) return true;
  let ok = false;
  try {
    const credential = await openCredential(db, row.credential_enc);
    const response = await fetchOutbound(row.subscription_url, {
      method: 'DELETE',
      headers: { accept: 'application/json', ...authorizationHeader(credential) },
    });
    // 404: the remote no longer has it (removed there, or the remote was reset): it is gone either way.
    ok = response.status === 204 || response.status === 200 || response.status === 404;
    if (!ok) throw new Error(remoteFailure(response.status, response.body));
    await repo.updateConnector(db, row.id, { subscription_url: null, subscribed_at: null, subscription_error: null });
  } catch (e) {
    const message = e instanceof Error ? e.message.slice(0, 1000) : 'Unsubscribing failed';
    await repo.updateConnector(db, row.id, { subscription_error: `Unsubscribe: ${message}` });
    // Forget the subscription all the same: its deliveries are refused by the inbox from now on (new token).
    await repo.updateConnector(db, row.id, { subscription_url: null, subscribed_at: null, inbox_secret_enc: null });
  }
  return ok;
}

export const CONNECTOR_INBOX_KIND = 'federation.connector.inbox';

export interface InboxReceipt {
  /** The delivery is kept (a job of the worker) and will be captured; answering 2xx tells the remote so. */
  readonly accepted: true;
  readonly events: number;
}

/**
 * A delivery from the remote's subscription: the `GS1-Signature` must be the HMAC-SHA256 of the body under this
 * connector's token (the scheme of our own EPCIS subscriptions, `src/epcis/webhook-signature.ts`) and the body an
 * EPCIS query document. The delivery is then kept as a job in the same database and answered 202; the worker
 * captures it like a pulled page, logging a run (`trigger: webhook`). So a delivery accepted is never lost, and the
 * remote is not kept waiting on the capture.
 */
export async function receiveInbox(
  db: Kysely<DB>,
  id: string,
  body: Buffer,
  signature: string | undefined,
): Promise<InboxReceipt> {
  // The remote delivers without a session: find the connector across organisations, then check its signature.
  const connector = await asSystem(() => repo.findConnector(db, id));
  if (!connector || connector.mode !== 'subscribe' || !connector.enabled || connector.inbox_secret_enc === null)
    throw notFound('Connector');
  const secret = await openCredential(db, connector.inbox_secret_enc);
  if (secret.kind !== 'bearer' || signature === undefined || !verifyWebhookSignature(body, secret.token, signature))
    throw new AppError('unauthenticated', 'The delivery is not signed with this connector’s signature token', {
      fields: [{ field: 'GS1-Signature', message: 'missing or wrong signature' }],
    });
  let events: number;
  try {
    events = eventsOf(body).events.length;
  } catch (e) {
    throw invalid('body', e instanceof Error ? e.message : 'Not an EPCIS query document');
  }
  await enqueueJob(db, CONNECTOR_INBOX_KIND, { connectorId: id, body: body.toString('utf8') }, { maxAttempts: 8 });
  return { accepted: true, events };
}

/** Job: captures one accepted delivery for the connector's organisation and logs it as a run. */
export async function processInboxJob(payload: unknown, context: JobContext): Promise<void> {
  const { connectorId, body } = payload as { connectorId: string; body: string };
  const db = context.db;
  const connector = await repo.findConnector(db, connectorId);
  if (!connector) return;
  const runId = randomUUID();
  await repo.insertRun(db, { id: runId, connector_id: connectorId, trigger: 'webhook', resumed: false });
  try {
    const { context: jsonLd, events } = eventsOf(Buffer.from(body, 'utf8'));
    let high = connector.cursor.since;
    for (const e of events) high = latest(high, e.recordTime);
    await storePage(db, connector, runId, jsonLd, events, async (trx) => {
      if (high !== undefined) await repo.advanceSince(trx, connectorId, high);
    });
    await repo.finishRun(db, runId, 'ok', null);
    await repo.noteRun(db, connectorId, { ok: true, error: null, at: new Date() });
  } catch (e) {
    const message = e instanceof Error ? e.message.slice(0, 1000) : 'The delivery failed';
    await repo.finishRun(db, runId, 'failed', message);
    await repo.noteRun(db, connectorId, { ok: false, error: message, at: new Date() });
    // A document the capture refuses stays refused; anything else (the database away) is tried again.
    if (!(e instanceof AppError)) throw e;
  }
}

/** Job: a scheduled run; schedules the next one whatever the outcome (the run log keeps the failures). */
export async function pollConnectorJob(payload: unknown, context: JobContext): Promise<void> {
  const { connectorId } = payload as { connectorId: string };
  const connector = await repo.findConnector(context.db, connectorId);
  if (!connector || !connector.enabled) return;
  try {
    if (connector.mode === 'subscribe') {
      // The remote delivers; the schedule only makes sure it still has the subscription (made again after failures).
      if (connector.subscription_url === null && connector.inbox_url !== null)
        await subscribeRemote(context.db, connectorId, connector.inbox_url);
    } else await runConnector(context.db, connectorId, 'schedule');
  } finally {
    // Even when the run itself could not be recorded (the database briefly away), the schedule goes on.
    const after = await repo.findConnector(context.db, connectorId);
    if (after?.enabled) await scheduleNext(context.db, connectorId, after.interval_seconds);
  }
}
