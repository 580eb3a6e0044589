import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ControlledTransaction, Kysely } from 'kysely';
import { runInScope } from '../db/scope.ts';
import type { DB } from '../db/schema.ts';
import type { JobContext } from '../jobs/job.service.ts';
import { enqueueJob } from '../jobs/job.service.ts';
import type { Caller } from '../shared/caller.ts';
import { AppError } from '../shared/errors.ts';
import type { App, AppContext } from './context.ts';
import { Problem } from './schemas.ts';
import { deleteAnswersBefore, findStoredAnswer, storeAnswer, tryLockKey } from './idempotency.repository.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route honours `Idempotency-Key`: its handler runs in the transaction that stores its answer (pass
     * `dbFor(request, db)` to the service), and a retry with the same key and request gets that answer again.
     */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    /** Set while a keyed request of an idempotent route runs: the transaction its change and answer share. */
    idempotency?: KeyedRequest;
  }
}

interface KeyedRequest {
  readonly trx: ControlledTransaction<DB>;
  readonly owner: string;
  readonly key: string;
  readonly route: string;
  readonly hash: string;
  ended: boolean;
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** How long an answer is kept for retries (the draft leaves it to the server; clients retry within minutes). */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_PRUNE_KIND = 'idempotency.prune';
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** The OpenAPI description of the header, for the `headers` schema of an idempotent route. */
export const IDEMPOTENCY_KEY_DESCRIPTION =
  'Optional client-chosen key (1–255 visible ASCII characters but `"` and `\\`, e.g. a UUID; a quoted Structured ' +
  'Field string is accepted) per the IETF httpapi Idempotency-Key draft. A retry with the same key and the same request gets the ' +
  'first answer again (with `Idempotency-Replayed: true`) instead of a second object; the same key with another ' +
  'request is 422; a retry while the first is still running is 409. Answers are kept for 24 hours.';

/** The header in a route's `headers` schema (documented in OpenAPI; its form is checked by the hook, as a 400). */
export const IdempotencyKeyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ description: IDEMPOTENCY_KEY_DESCRIPTION })),
});

/** The problem answers an idempotent route adds: 409 (the key is in use) and 422 (the key was used otherwise). */
export const IDEMPOTENCY_RESPONSES = { 409: Problem, 422: Problem };

/**
 * The key as sent, or undefined when absent; a malformed key is a 400. The draft sends an sf-string (`"…"`); the
 * bare form is accepted as well.
 */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const raw = Array.isArray(header) ? null : header.trim();
  const key = raw !== null && /^".*"$/.test(raw) ? raw.slice(1, -1) : raw;
  // Quotes and backslashes only delimit or escape an sf-string: a bare one is a malformed value.
  if (key === null || !/^[\x21-\x7e]{1,255}$/.test(key) || /["\\]/.test(key))
    throw new AppError('validation', 'Idempotency-Key must be one value of 1 to 255 visible ASCII characters', {
      fields: [{ field: 'headers/idempotency-key', message: '1 to 255 visible ASCII characters' }],
    });
  return key;
}

/** Whose keys these are: the caller's organisation (so its users and API keys share them), else anonymous. */
function keyOwner(caller: Caller): string {
  switch (caller.kind) {
    case 'user':
    case 'apiKey':
      return `org:${caller.organisationId}`;
    case 'system':
      return 'system';
    case 'anonymous':
      // Anonymous forms (self-registration) share one space: a replay needs the same body, password included.
      return 'anonymous';
  }
}

/** The database handle a route passes to its service: the keyed request's transaction, else the app's handle. */
export function dbFor(request: FastifyRequest, db: Kysely<DB>): Kysely<DB> {
  return request.idempotency?.trx ?? db;
}

/**
 * `Idempotency-Key` for routes whose config says `idempotent: true` (IETF httpapi Idempotency-Key draft). A keyed
 * request takes a transaction-scoped lock on its key (another request holding it: 409), replays the stored answer
 * of the same request (another request under the same key: 422), or else runs its handler inside one transaction
 * that also stores the answer when it is a success; a failure rolls everything back and stores nothing, so it may be
 * retried. Because the change and its stored answer commit together, a crash leaves either both or neither.
 */
export function registerIdempotency(app: App, ctx: AppContext): void {
  app.decorateRequest('idempotency', undefined);
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config.idempotent !== true) return;
    const key = parseIdempotencyKey(request.headers[IDEMPOTENCY_HEADER]);
    if (key === undefined) return;
    const owner = keyOwner(request.caller);
    const route = `${request.method} ${request.routeOptions.url ?? ''} ${JSON.stringify(request.params ?? {})}`;
    const hash = createHash('sha256')
      .update(route)
      .update('\n')
      .update(JSON.stringify(withoutSecrets(request.body ?? null)))
      .digest('hex');
    const trx = await ctx.db.startTransaction().execute();
    try {
      if (!(await tryLockKey(trx, owner, key)))
        throw new AppError('conflict', 'A request with this Idempotency-Key is still being processed; retry later', {
          problemType: '/problems/idempotency-key-in-use',
        });
      const stored = await findStoredAnswer(trx, owner, key);
      if (stored) {
        await trx.rollback().execute();
        if (stored.request_hash !== hash)
          throw new AppError('unprocessable', 'This Idempotency-Key was used for another request', {
            problemType: '/problems/idempotency-key-reused',
          });
        return replay(reply, stored.response_status, stored.response_body);
      }
    } catch (error) {
      if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute();
      throw error;
    }
    request.idempotency = { trx, owner, key, route, hash, ended: false };
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const keyed = request.idempotency;
    if (!keyed || keyed.ended) return payload;
    keyed.ended = true;
    await runInScope(request.dbScope, async () => {
      if (reply.statusCode >= 200 && reply.statusCode < 300) {
        try {
          await storeAnswer(keyed.trx, {
            owner: keyed.owner,
            key: keyed.key,
            route: keyed.route,
            hash: keyed.hash,
            status: reply.statusCode,
            body: typeof payload === 'string' && payload !== '' ? payload : null,
          });
          await keyed.trx.commit().execute();
        } catch (error) {
          if (!keyed.trx.isCommitted && !keyed.trx.isRolledBack) await keyed.trx.rollback().execute();
          throw error;
        }
      } else await keyed.trx.rollback().execute();
    });
    return payload;
  });
  // A request that ends without an answer sent through onSend (the client went away first) leaves nothing.
  const release = async (request: FastifyRequest) => {
    const keyed = request.idempotency;
    if (!keyed || keyed.ended) return;
    keyed.ended = true;
    await keyed.trx.rollback().execute();
  };
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
}

/**
 * The body as fingerprinted: a password is left out, so that the stored hash (a fast one) never stands for it; the
 * key's owner and the other fields still tie the answer to its request.
 */
function withoutSecrets(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('password' in body)) return body;
  const { password: _password, ...rest } = body as Record<string, unknown>;
  return rest;
}

function replay(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  void reply.status(status).header('idempotency-replayed', 'true');
  if (body === null || body === undefined) return reply.send();
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/** Job `idempotency.prune`: deletes the answers older than 24 hours, then queues the next run in an hour. */
export async function runIdempotencyPruneJob(_payload: unknown, context: JobContext): Promise<void> {
  await pruneIdempotencyKeys(context.db);
  const next = new Date(Math.ceil((Date.now() + 1) / PRUNE_EVERY_MS) * PRUNE_EVERY_MS);
  await enqueueJob(
    context.db,
    IDEMPOTENCY_PRUNE_KIND,
    {},
    { runAfter: next, dedupeKey: `${IDEMPOTENCY_PRUNE_KIND}:${next.toISOString()}` },
  );
}

/** Deletes stored answers older than the retention (24 h); returns how many. */
export function pruneIdempotencyKeys(db: Kysely<DB>, now = new Date()): Promise<number> {
  return deleteAnswersBefore(db, new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS));
}

/** Starts the prune chain unless a run is already queued (the server calls it at start; idempotent). */
export async function ensureIdempotencyPruneScheduled(db: Kysely<DB>): Promise<void> {
  const queued = await db
    .selectFrom('job')
    .select('id')
    .where('kind', '=', IDEMPOTENCY_PRUNE_KIND)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  if (!queued) await enqueueJob(db, IDEMPOTENCY_PRUNE_KIND, {});
}
