import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { JobContext } from '../jobs/job.service.ts';
import { enqueueJob } from '../jobs/job.service.ts';
import { actingOrganisation } from '../registry/identity.service.ts';
import { checkDelegatedScope } from '../federation/provider.service.ts';
import {
  callerOrganisation,
  mayReadOrganisation,
  requirePermission,
  seesEverything,
  type Caller,
} from '../shared/caller.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { standardsCaptureExtension } from '../standards/index.ts';
import { traceCaptureExtension } from '../trace/recall-follow.ts';
import { actorFromReference, recordAudit } from '../audit/index.ts';
import { recordLotGraph } from '../trace/trace.repository.ts';
import * as repo from './capture.repository.ts';
import type { CaptureError } from './epcis.tables.ts';
import { EpcisValidationError, type Finding } from './errors.ts';
import { eventHash } from './event-hash.ts';
import { glnOf, indexEpcs, indexLinks, identifierKeyParts, type IndexedLink } from './event-index.ts';
import { parseEpcisDocument } from './index.ts';
import type { EpcisEvent, MasterData } from './model.ts';
import { enqueueStreamDispatch } from './subscription.service.ts';

/**
 * EPCIS 2.0 capture (§8.2.6 / REST binding `/capture`), in the stages of a capture job: receive (parse and
 * validate, answering 400 at once for a malformed document), then hash and persist in the worker, all or nothing
 * by default (`GS1-Capture-Error-Behaviour: rollback`) or keeping the valid events (`proceed`). The CBV 2.0 event
 * hash is the duplicate key, so a re-captured document stores nothing twice.
 */

export const CAPTURE_JOB_KIND = 'epcis.capture';
/** The most events one capture may carry (advertised as `GS1-EPCIS-Capture-Limit`). */
export const CAPTURE_EVENT_LIMIT = 10_000;

export type ErrorBehaviour = 'rollback' | 'proceed';
/** Where events came from: the insights dashboard counts events by channel. */
export type CaptureChannel = 'api' | 'web' | 'offline' | 'import' | 'provider' | 'connector' | 'demo';

export interface CaptureInput {
  readonly body: string | Buffer;
  readonly format: 'json' | 'xml';
  readonly errorBehaviour?: ErrorBehaviour;
  /** A solution provider (or the province) capturing for another organisation. */
  readonly onBehalfOf?: string | undefined;
  readonly channel?: CaptureChannel;
  /** `reject` refuses a capture whose event lacks a key data element its product's standard requires. */
  readonly standardsBehaviour?: StandardsBehaviour;
}

export type StandardsBehaviour = 'warn' | 'reject';

/**
 * What another capability adds to capture, at this one extension point (base-standard compliance, in
 * `src/standards`): `received` sees the parsed events in the transaction that queues the capture job (or stores a
 * synchronous capture) and may refuse the capture by throwing an AppError; `stored` runs in the transaction that
 * stores them; `jobStatus` adds members to capture jobs' status.
 */
export interface CaptureExtension {
  received(
    trx: Transaction<DB>,
    events: readonly EpcisEvent[],
    context: {
      readonly captureJobId: string | null;
      /** Position of each event in the captured document (events refused by validation are left out). */
      readonly documentIndexes: readonly number[];
      readonly standardsBehaviour: StandardsBehaviour;
    },
  ): Promise<void>;
  stored(trx: Transaction<DB>, events: readonly EpcisEvent[], result: StoreResult): Promise<void>;
  jobStatus(db: Kysely<DB>, captureJobIds: readonly string[]): Promise<ReadonlyMap<string, Record<string, unknown>>>;
}

const CAPTURE_EXTENSIONS: readonly CaptureExtension[] = [standardsCaptureExtension, traceCaptureExtension];

interface CapturePayload {
  events: EpcisEvent[];
  namespaces: Record<string, string>;
  masterData?: MasterData;
}

function toCaptureErrors(findings: readonly Finding[]): CaptureError[] {
  return findings.map((f) => ({
    ...(f.eventIndex !== undefined ? { eventIndex: f.eventIndex } : {}),
    field: f.field,
    message: f.message,
    type: 'epcisException:ValidationException',
  }));
}

/** Maps a codec rejection to the AppError the HTTP layer turns into an `epcisException:*` problem document. */
export function validationProblem(error: EpcisValidationError): AppError {
  const tooLarge = error.exceptionType === 'CaptureLimitExceededException';
  return new AppError(tooLarge ? 'payload_too_large' : 'validation', error.message, {
    problemType: `epcisException:${error.exceptionType}`,
    fields: error.findings.slice(0, 100).map((f) => ({
      field: f.eventIndex === undefined ? f.field : `eventList/${f.eventIndex}/${f.field}`,
      message: f.message,
    })),
  });
}

/**
 * Capture is strict about the EPCIS 2.0 XSD element order (the corpus README's recommendation): a document out of
 * sequence is refused with the offending elements named; the offline converter and hash tools are lenient.
 */
const CAPTURE_PARSE = { xmlElementOrder: 'strict' } as const;

function parseForCapture(input: CaptureInput): { payload: CapturePayload; errors: CaptureError[] } {
  try {
    const parsed = parseEpcisDocument(input.body, input.format, CAPTURE_PARSE);
    return {
      payload: withMasterData({ events: parsed.events, namespaces: parsed.namespaces }, parsed.masterData),
      errors: [],
    };
  } catch (e) {
    if (!(e instanceof EpcisValidationError)) throw e;
    if (input.errorBehaviour !== 'proceed' || e.findings.some((f) => f.eventIndex === undefined))
      throw validationProblem(e);
    // proceed: keep the events without findings, report the others in the job.
    const parsed = parseEpcisDocument(input.body, input.format, { ...CAPTURE_PARSE, lenient: true });
    const bad = new Set(e.findings.map((f) => f.eventIndex));
    return {
      payload: withMasterData(
        { events: parsed.events.filter((_, i) => !bad.has(i)), namespaces: parsed.namespaces },
        parsed.masterData,
      ),
      errors: toCaptureErrors(e.findings),
    };
  }
}

/**
 * Receives a capture: checks rights, parses and validates the document, stores the capture job and queues it.
 * Returns the capture id; the worker stores the events (`processCaptureJob`).
 */
export async function submitCapture(
  db: Kysely<DB>,
  caller: Caller,
  input: CaptureInput,
): Promise<{ captureId: string }> {
  const acting = await actingOrganisation(db, caller, 'epcis:capture', input.onBehalfOf);
  const { payload, errors } = parseForCapture(input);
  if (acting.viaDelegation) await checkDelegatedScope(db, acting.viaDelegation, acting.organisationId, payload.events);
  if (payload.events.length + errors.length > CAPTURE_EVENT_LIMIT) {
    throw new AppError('payload_too_large', `A capture may carry at most ${CAPTURE_EVENT_LIMIT} events`, {
      problemType: 'epcisException:CaptureLimitExceededException',
    });
  }
  const captureId = randomUUID();
  const provider = acting.viaDelegation ? callerOrganisation(caller) : undefined;
  await db.transaction().execute(async (trx) => {
    await repo.insertCaptureJob(trx, {
      id: captureId,
      organisation_id: acting.organisationId,
      via_organisation_id: provider ?? null,
      captured_by: capturedBy(caller),
      channel: input.channel ?? (provider ? 'provider' : 'api'),
      error_behaviour: input.errorBehaviour ?? 'rollback',
      event_count: payload.events.length + errors.length,
      errors,
      payload,
    });
    const refused = new Set(errors.map((e) => e.eventIndex));
    const documentIndexes: number[] = [];
    for (let i = 0; documentIndexes.length < payload.events.length; i++) if (!refused.has(i)) documentIndexes.push(i);
    for (const extension of CAPTURE_EXTENSIONS) {
      await extension.received(trx, payload.events, {
        captureJobId: captureId,
        documentIndexes,
        standardsBehaviour: input.standardsBehaviour ?? 'warn',
      });
    }
    await enqueueJob(trx, CAPTURE_JOB_KIND, { captureId }, { maxAttempts: 5 });
  });
  return { captureId };
}

function capturedBy(caller: Caller): string | null {
  return caller.kind === 'user'
    ? `user:${caller.userId}`
    : caller.kind === 'apiKey'
      ? `apiKey:${caller.apiKeyId}`
      : null;
}

export interface StoreResult {
  readonly stored: number;
  readonly duplicates: number;
  readonly eventIds: readonly string[];
  /** The CBV event hashes of the captured events, in document order (the audit log records their digest). */
  readonly eventHashes: readonly string[];
  readonly errors: readonly CaptureError[];
  /** The organisations that may see the stored events (for subscriptions). */
  readonly organisations: readonly string[];
}

interface StoreContext {
  readonly organisationId: string;
  readonly viaOrganisationId: string | null;
  readonly captureJobId: string | null;
  readonly channel: string;
  readonly errorBehaviour: ErrorBehaviour;
  /** The document header's master data, stored for the capturing organisation. */
  readonly masterData?: MasterData | undefined;
}

function withMasterData(payload: CapturePayload, masterData: MasterData | undefined): CapturePayload {
  return masterData && masterData.vocabularyList.length > 0 ? { ...payload, masterData } : payload;
}

/**
 * Hashes and stores events inside the caller's transaction. An event whose hash is stored already is a duplicate
 * (idempotent re-capture); an event whose eventID is taken by a different event is an error, which under
 * `rollback` aborts everything.
 */
export async function storeEvents(
  trx: Transaction<DB>,
  events: readonly EpcisEvent[],
  namespaces: Record<string, string>,
  context: StoreContext,
): Promise<StoreResult> {
  if (context.masterData) await repo.upsertMasterData(trx, context.organisationId, context.masterData);
  const prepared = events.map((event, index) => {
    const hash = eventHash(event, namespaces);
    const eventId = typeof event.eventID === 'string' && event.eventID !== '' ? event.eventID : hash;
    return { index, hash, eventId, event };
  });
  const seen = new Set<string>();
  const unique = prepared.filter((p) => (seen.has(p.hash) ? false : (seen.add(p.hash), true)));

  // Links once per event: their source/destination parties decide who may see it, and they are stored.
  const linksOf = new Map<string, IndexedLink[]>();
  const glns = new Set<string>();
  for (const p of unique) {
    const links = indexLinks(p.event);
    linksOf.set(p.hash, links);
    for (const l of links) {
      if (l.kind !== 'source' && l.kind !== 'destination') continue;
      const gln = glnOf(l.value);
      if (gln !== null) glns.add(gln);
    }
  }
  const orgByGln = await repo.organisationsByGln(trx, [...glns]);

  const rows: repo.EventRow[] = unique.map((p) => {
    const e = p.event;
    const visible = new Set<string>([context.organisationId]);
    if (context.viaOrganisationId) visible.add(context.viaOrganisationId);
    const links = linksOf.get(p.hash)!.map((l) => {
      const gln = l.kind === 'source' || l.kind === 'destination' ? glnOf(l.value) : null;
      const organisationId = gln ? (orgByGln.get(gln) ?? null) : null;
      if (organisationId) visible.add(organisationId);
      return { ...l, organisationId };
    });
    const declaration = e.errorDeclaration;
    return {
      eventId: p.eventId,
      eventHash: p.hash,
      eventType: e.type,
      eventTime: e.eventTime,
      eventTimeZoneOffset: e.eventTimeZoneOffset,
      action: 'action' in e && typeof e.action === 'string' ? e.action : null,
      bizStep: e.bizStep ?? null,
      disposition: e.disposition ?? null,
      readPoint: e.readPoint?.id ? identifierKeyParts(e.readPoint.id).canonical : null,
      bizLocation: e.bizLocation?.id ? identifierKeyParts(e.bizLocation.id).canonical : null,
      transformationId: 'transformationID' in e && typeof e.transformationID === 'string' ? e.transformationID : null,
      errorDeclarationTime: declaration?.declarationTime ?? null,
      errorReason: declaration?.reason ?? null,
      ownerOrganisationId: context.organisationId,
      viaOrganisationId: context.viaOrganisationId,
      visibleTo: [...visible],
      captureJobId: context.captureJobId,
      channel: context.channel,
      namespaces,
      document: storedDocument(p.event, p.eventId),
      epcs: indexEpcs(e),
      links,
    };
  });

  const inserted = await repo.insertEvents(trx, rows);
  await recordLotGraph(trx, rows, inserted);
  const skipped = unique.filter((p) => !inserted.has(p.hash));
  const already = await repo.existingHashes(
    trx,
    context.organisationId,
    skipped.map((p) => p.hash),
  );
  // EPCIS 2.0 §7.4.1.2: an error declaration is the same event captured again with `errorDeclaration` added; the
  // hash leaves that out, so the event is already stored. Record the declaration on it (once) instead of ignoring it.
  const declarations = rows.filter(
    (r) => r.errorDeclarationTime !== null && !inserted.has(r.eventHash) && already.has(r.eventHash),
  );
  if (declarations.length > 0) await repo.recordErrorDeclarations(trx, context.organisationId, declarations);
  const errors: CaptureError[] = skipped
    .filter((p) => !already.has(p.hash))
    .map((p) => ({
      eventIndex: p.index,
      field: 'eventID',
      message: `eventID ${p.eventId} is already used by a different event`,
      type: 'epcisException:ValidationException',
    }));
  return {
    stored: inserted.size,
    duplicates: prepared.length - inserted.size - errors.length,
    eventIds: prepared.map((p) => p.eventId),
    eventHashes: prepared.map((p) => p.hash),
    errors,
    organisations: [...new Set(rows.filter((r) => inserted.has(r.eventHash)).flatMap((r) => r.visibleTo))],
  };
}

/** The event as stored: with its eventID (the hash when it had none), without recordTime, in one copy. */
function storedDocument(event: EpcisEvent, eventId: string): Record<string, unknown> {
  // recordTime is the repository's to set (EPCIS 2.0 §7.4.1); it is added from the column when events are read.
  const { recordTime: _ignored, ...rest } = event;
  rest.eventID = eventId;
  return rest;
}

class RollbackCapture extends Error {}

/**
 * The worker's handler for one capture job: stores the events and completes the job in one transaction, so a
 * crash leaves the job either fully stored or untouched (and it is then run again).
 */
export async function processCaptureJob(payload: unknown, context: JobContext): Promise<void> {
  const { captureId } = payload as { captureId: string };
  const { db } = context;
  const job = await repo.findCaptureJob(db, captureId);
  if (!job || job.status === 'done' || job.status === 'failed') return;
  const stored = job.payload as CapturePayload | null;
  if (!stored) return;
  const behaviour = job.error_behaviour === 'proceed' ? 'proceed' : 'rollback';
  let failure: CaptureError[] | null = null;
  try {
    await db.transaction().execute(async (trx) => {
      const result = await storeEvents(trx, stored.events, stored.namespaces, {
        masterData: stored.masterData,
        organisationId: job.organisation_id,
        viaOrganisationId: job.via_organisation_id,
        captureJobId: job.id,
        channel: job.channel,
        errorBehaviour: behaviour,
      });
      const errors = [...job.errors, ...result.errors];
      if (result.errors.length > 0 && behaviour === 'rollback') {
        failure = errors;
        throw new RollbackCapture();
      }
      await repo.markCaptureJob(trx, job.id, {
        status: 'done',
        stored_count: result.stored,
        duplicate_count: result.duplicates,
        errors,
        clearPayload: true,
      });
      if (result.stored > 0) {
        await enqueueStreamDispatch(trx, result.organisations);
        for (const extension of CAPTURE_EXTENSIONS) await extension.stored(trx, stored.events, result);
      }
      await recordAudit(
        trx,
        actorFromReference(job.captured_by, job.via_organisation_id ?? job.organisation_id),
        captureAudit(job.id, job.organisation_id, job.channel, result),
      );
      await context.complete(trx);
    });
  } catch (e) {
    if (!(e instanceof RollbackCapture) || failure === null) {
      if (context.attempt >= context.maxAttempts) {
        // The last attempt: report the job as failed instead of leaving it "running" for ever.
        await repo.markCaptureJob(db, job.id, {
          status: 'failed',
          stored_count: 0,
          errors: [
            ...job.errors,
            {
              message: 'The capture could not be stored; nothing was kept',
              type: 'epcisException:ImplementationException',
            },
          ],
        });
      }
      throw e;
    }
    await db.transaction().execute(async (trx) => {
      await repo.markCaptureJob(trx, job.id, {
        status: 'failed',
        stored_count: 0,
        errors: failure!,
        clearPayload: true,
      });
      await context.complete(trx);
    });
  }
}

/**
 * Captures synchronously (single-event `POST /events`, the demo loader, the web forms): validates, hashes and
 * stores in one transaction. Throws on invalid input; a duplicate is not an error (`duplicates` counts it).
 */
export async function captureNow(db: Kysely<DB>, caller: Caller, input: CaptureInput): Promise<StoreResult> {
  return db.transaction().execute(async (trx) => captureWithin(trx, caller, input));
}

/** `captureNow` inside the caller's transaction (the demo loader and other services that write more with it). */
export async function captureWithin(trx: Transaction<DB>, caller: Caller, input: CaptureInput): Promise<StoreResult> {
  const acting = await actingOrganisation(trx, caller, 'epcis:capture', input.onBehalfOf);
  let parsed;
  try {
    parsed = parseEpcisDocument(input.body, input.format, CAPTURE_PARSE);
  } catch (e) {
    if (e instanceof EpcisValidationError) throw validationProblem(e);
    throw e;
  }
  if (parsed.events.length > CAPTURE_EVENT_LIMIT) {
    throw new AppError('payload_too_large', `A capture may carry at most ${CAPTURE_EVENT_LIMIT} events`, {
      problemType: 'epcisException:CaptureLimitExceededException',
    });
  }
  if (acting.viaDelegation) await checkDelegatedScope(trx, acting.viaDelegation, acting.organisationId, parsed.events);
  const provider = acting.viaDelegation ? (callerOrganisation(caller) ?? null) : null;
  for (const extension of CAPTURE_EXTENSIONS) {
    await extension.received(trx, parsed.events, {
      captureJobId: null,
      documentIndexes: parsed.events.map((_, i) => i),
      standardsBehaviour: input.standardsBehaviour ?? 'warn',
    });
  }
  const result = await storeEvents(trx, parsed.events, parsed.namespaces, {
    masterData: parsed.masterData,
    organisationId: acting.organisationId,
    viaOrganisationId: provider,
    captureJobId: null,
    channel: input.channel ?? (provider ? 'provider' : 'api'),
    errorBehaviour: 'rollback',
  });
  if (result.errors.length > 0) {
    throw new AppError('conflict', result.errors[0]!.message, {
      problemType: 'epcisException:ValidationException',
      fields: result.errors.map((err) => ({
        field: `eventList/${err.eventIndex ?? 0}/eventID`,
        message: err.message,
      })),
    });
  }
  if (result.stored > 0) {
    await enqueueStreamDispatch(trx, result.organisations);
    for (const extension of CAPTURE_EXTENSIONS) await extension.stored(trx, parsed.events, result);
  }
  await recordAudit(trx, caller, captureAudit(null, acting.organisationId, input.channel ?? 'api', result));
  return result;
}

/** The audit entry of one capture (job or synchronous document): counts and the digest of its event hashes. */
function captureAudit(captureJobId: string | null, organisationId: string, channel: string, result: StoreResult) {
  return {
    action: 'epcis.capture',
    objectType: captureJobId ? 'capture_job' : 'capture',
    objectId: captureJobId ?? result.eventHashes[0] ?? 'empty',
    organisationId,
    change: result.eventHashes,
    detail: { channel, events: result.eventHashes.length, stored: result.stored, duplicates: result.duplicates },
  };
}

function mapJob(job: Awaited<ReturnType<typeof repo.listCaptureJobs>>[number]) {
  const running = job.status === 'queued' || job.status === 'running';
  return {
    captureID: job.id,
    createdAt: job.created_at.toISOString(),
    ...(job.finished_at ? { finishedAt: job.finished_at.toISOString() } : {}),
    running,
    success: job.status !== 'failed' && job.errors.length === 0,
    captureErrorBehaviour: job.error_behaviour,
    errors: job.errors,
    eventCount: job.event_count,
    storedCount: job.stored_count,
    duplicateCount: job.duplicate_count,
    organisationId: job.organisation_id,
    channel: job.channel,
  };
}
export type CaptureJobView = ReturnType<typeof mapJob> & Record<string, unknown>;

/** The jobs' status with the members capture extensions add (e.g. standards `warnings`). */
async function withExtensions(db: Kysely<DB>, views: ReturnType<typeof mapJob>[]): Promise<CaptureJobView[]> {
  const ids = views.map((v) => v.captureID);
  const extras = await Promise.all(CAPTURE_EXTENSIONS.map((e) => e.jobStatus(db, ids)));
  return views.map((v) => Object.assign({}, ...extras.map((x) => x.get(v.captureID) ?? {}), v) as CaptureJobView);
}

export async function getCaptureJob(db: Kysely<DB>, caller: Caller, captureId: string): Promise<CaptureJobView> {
  requirePermission(caller, 'epcis:capture');
  const job = await repo.findCaptureJob(db, captureId);
  const own = callerOrganisation(caller);
  if (
    !job ||
    !(mayReadOrganisation(caller, job.organisation_id) || (own !== undefined && job.via_organisation_id === own))
  ) {
    throw notFound('Capture job');
  }
  return (await withExtensions(db, [mapJob(job)]))[0]!;
}

export async function listCaptureJobs(db: Kysely<DB>, caller: Caller, limit = 50): Promise<CaptureJobView[]> {
  requirePermission(caller, 'epcis:capture');
  const rows = await repo.listCaptureJobs(db, seesEverything(caller) ? undefined : callerOrganisation(caller), limit);
  return withExtensions(db, rows.map(mapJob));
}
