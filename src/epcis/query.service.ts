import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { actingOrganisation } from '../registry/identity.service.ts';
import { requirePermission, seesEverything, type Caller } from '../shared/caller.ts';
import { AppError } from '../shared/errors.ts';
import { parseEventQuery, QueryParameterError, type EventQuery, type RawParams } from './query-params.ts';
import * as repo from './query.repository.ts';

/**
 * EPCIS 2.0 query (§8.2.7 SimpleEventQuery over the REST binding): parameters → filters → SQL, restricted to what
 * the caller may see, paged with opaque `nextPageToken`s.
 */

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 1000;

export interface QueryPage {
  readonly events: readonly repo.StoredEvent[];
  readonly nextPageToken: string | null;
}

interface TokenBody {
  v: 1;
  q: string;
  a: string | null;
  i: string;
  m: string;
  r: number | null;
}

function queryFingerprint(params: RawParams): string {
  const entries = Object.entries(params)
    .filter(([k, v]) => v !== undefined && k !== 'nextPageToken' && k !== 'perPage')
    .map(([k, v]) => [k, typeof v === 'string' ? [v] : [...(v ?? [])]] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url').slice(0, 16);
}

function encodeToken(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function decodeToken(token: string, fingerprint: string): TokenBody {
  try {
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as TokenBody;
    const sortValue =
      body.a === null ||
      (typeof body.a === 'string' &&
        /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/.test(body.a));
    if (body.v === 1 && body.q === fingerprint && /^\d+$/.test(body.i) && /^\d+$/.test(body.m) && sortValue)
      return body;
  } catch {
    // fall through
  }
  throw new QueryParameterError('nextPageToken', 'The nextPageToken is invalid or belongs to another query');
}

export function queryProblem(e: QueryParameterError): AppError {
  return new AppError('validation', e.message, {
    problemType: 'epcisException:QueryParameterException',
    fields: [{ field: e.parameter, message: e.message }],
  });
}

/** The events a caller may see: its own organisation's (or a delegating one's), or all for the province. */
export async function visibilityFor(db: Kysely<DB>, caller: Caller, onBehalfOf?: string): Promise<repo.Visibility> {
  requirePermission(caller, 'epcis:query');
  if (seesEverything(caller) && onBehalfOf === undefined) return { organisationId: null };
  const acting = await actingOrganisation(db, caller, 'epcis:query', onBehalfOf);
  return { organisationId: acting.organisationId };
}

export function compileQuery(params: RawParams): EventQuery {
  try {
    return parseEventQuery(params);
  } catch (e) {
    if (e instanceof QueryParameterError) throw queryProblem(e);
    throw e;
  }
}

/** Runs a query page. `params` are the EPCIS query parameters; paging comes from `nextPageToken` and `perPage`. */
export async function queryEvents(
  db: Kysely<DB>,
  caller: Caller,
  params: RawParams,
  paging: { perPage?: number; nextPageToken?: string; onBehalfOf?: string } = {},
): Promise<QueryPage> {
  const visibility = await visibilityFor(db, caller, paging.onBehalfOf);
  const query = compileQuery(params);
  const fingerprint = queryFingerprint(params);
  const perPage = Math.min(Math.max(paging.perPage ?? DEFAULT_PER_PAGE, 1), MAX_PER_PAGE);
  let cursor: repo.PageCursor;
  if (paging.nextPageToken) {
    try {
      const t = decodeToken(paging.nextPageToken, fingerprint);
      cursor = { after: t.a, afterId: t.i, maxId: t.m, remaining: t.r };
    } catch (e) {
      if (e instanceof QueryParameterError) throw queryProblem(e);
      throw e;
    }
  } else {
    const maxId = await repo.currentMaxEventRow(db);
    if (query.maxEventCount !== null) {
      const count = await repo.countEvents(db, query, visibility, maxId, query.maxEventCount + 1);
      if (count > query.maxEventCount) {
        throw new AppError(
          'payload_too_large',
          `The query matches more than maxEventCount=${query.maxEventCount} events`,
          {
            problemType: 'epcisException:QueryTooLargeException',
          },
        );
      }
    }
    cursor = {
      after: null,
      afterId: '0',
      maxId,
      remaining: query.eventCountLimit,
    };
  }
  const limit = cursor.remaining === null ? perPage : Math.min(perPage, cursor.remaining);
  if (limit <= 0) return { events: [], nextPageToken: null };
  // One extra row tells whether another page exists.
  const rows = await repo.selectEventPage(db, query, visibility, cursor, limit + 1);
  const events = rows.slice(0, limit);
  const remaining = cursor.remaining === null ? null : cursor.remaining - events.length;
  const last = events[events.length - 1];
  const more = rows.length > limit && (remaining === null || remaining > 0);
  return {
    events,
    nextPageToken:
      more && last
        ? encodeToken({
            v: 1,
            q: fingerprint,
            a: last.sortValue,
            i: last.id,
            m: cursor.maxId,
            r: remaining,
          })
        : null,
  };
}

export async function getEvent(db: Kysely<DB>, caller: Caller, eventId: string): Promise<repo.StoredEvent> {
  const visibility = await visibilityFor(db, caller);
  const event = await repo.findEventById(db, eventId, visibility);
  if (!event)
    throw new AppError('not_found', `No event ${eventId}`, { problemType: 'epcisException:NoSuchResourceException' });
  return event;
}

export type TopLevelResource = 'eventTypes' | 'bizSteps' | 'bizLocations' | 'readPoints' | 'dispositions' | 'epcs';

const RESOURCE_COLUMNS = {
  eventTypes: 'event_type',
  bizSteps: 'biz_step',
  bizLocations: 'biz_location',
  readPoints: 'read_point',
  dispositions: 'disposition',
} as const;

/** The values behind a top-level resource (`/bizSteps` …) among the events the caller may see. */
export async function listResource(
  db: Kysely<DB>,
  caller: Caller,
  resource: TopLevelResource,
  perPage = DEFAULT_PER_PAGE,
  after: string | null = null,
): Promise<{ members: string[]; next: string | null }> {
  const visibility = await visibilityFor(db, caller);
  const limit = Math.min(Math.max(perPage, 1), MAX_PER_PAGE);
  const rows =
    resource === 'epcs'
      ? await repo.distinctEpcs(db, visibility, limit + 1, after)
      : await repo.distinctValues(db, RESOURCE_COLUMNS[resource], visibility, limit + 1, after);
  const members = rows.slice(0, limit);
  return { members, next: rows.length > limit ? (members[members.length - 1] ?? null) : null };
}

const QUERY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** Normalises a named query's JSON body (arrays, strings or numbers per parameter) to raw parameters. */
function toRawParams(query: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(query)) {
    if (name === '@context') continue;
    const list = Array.isArray(value) ? value : [value];
    out[name] = list.map((v) => {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw new QueryParameterError(name, `${name} must be a string, a number or a list of them`);
    });
  }
  return out;
}

function ownerOf(caller: Caller): string {
  if (caller.kind === 'user' || caller.kind === 'apiKey') return caller.organisationId;
  throw new AppError('unauthenticated', 'Named queries belong to an organisation');
}

/** EPCIS 2.0 named queries (REST binding `/queries`): stored per organisation, validated when created. */
export async function createNamedQuery(
  db: Kysely<DB>,
  caller: Caller,
  name: string,
  query: Record<string, unknown>,
): Promise<void> {
  requirePermission(caller, 'epcis:query');
  const organisationId = ownerOf(caller);
  if (!QUERY_NAME.test(name)) {
    throw new AppError('validation', 'A query name has letters, digits, ".", "_" or "-" (at most 100)', {
      problemType: 'epcisException:ValidationException',
      fields: [{ field: 'name', message: 'invalid query name' }],
    });
  }
  let params: Record<string, string[]>;
  try {
    params = toRawParams(query);
    parseEventQuery(params);
  } catch (e) {
    if (e instanceof QueryParameterError) throw queryProblem(e);
    throw e;
  }
  const inserted = await db
    .insertInto('epcis_named_query')
    .values({ organisation_id: organisationId, name, query: JSON.stringify(params) })
    .onConflict((oc) => oc.doNothing())
    .returning('name')
    .executeTakeFirst();
  if (!inserted) throw new AppError('conflict', `A query named ${name} exists`);
}

export async function getNamedQuery(db: Kysely<DB>, caller: Caller, name: string): Promise<Record<string, string[]>> {
  requirePermission(caller, 'epcis:query');
  const row = await db
    .selectFrom('epcis_named_query')
    .select('query')
    .where('organisation_id', '=', ownerOf(caller))
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row)
    throw new AppError('not_found', `No query named ${name}`, {
      problemType: 'epcisException:NoSuchResourceException',
    });
  return row.query;
}

export async function listNamedQueries(
  db: Kysely<DB>,
  caller: Caller,
): Promise<{ name: string; query: Record<string, string[]> }[]> {
  requirePermission(caller, 'epcis:query');
  const rows = await db
    .selectFrom('epcis_named_query')
    .select(['name', 'query'])
    .where('organisation_id', '=', ownerOf(caller))
    .orderBy('name')
    .execute();
  return rows;
}

export async function deleteNamedQuery(db: Kysely<DB>, caller: Caller, name: string): Promise<void> {
  requirePermission(caller, 'epcis:query');
  const r = await db
    .deleteFrom('epcis_named_query')
    .where('organisation_id', '=', ownerOf(caller))
    .where('name', '=', name)
    .executeTakeFirst();
  if (r.numDeletedRows === 0n)
    throw new AppError('not_found', `No query named ${name}`, {
      problemType: 'epcisException:NoSuchResourceException',
    });
}
