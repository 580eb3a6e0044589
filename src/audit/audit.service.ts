import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { requirePermission, seesEverything, type Caller } from '../shared/caller.ts';
import { AppError, invalid } from '../shared/errors.ts';
import * as repo from './audit.repository.ts';
import { canonicalJson, digestOf, sha256Hex } from './canonical.ts';

/**
 * The audit trail: every change to registry data, standards, recalls, stamps and every capture appends one entry
 * to a hash chain. Each entry's hash covers its content and the previous entry's hash (canonical JSON, SHA-256),
 * so editing, deleting, inserting or reordering past entries breaks the chain at the first entry touched, and
 * `verifyChain` names it. Appends run inside the transaction of the change they record: the entry commits or
 * rolls back with it.
 */

export const GENESIS_HASH = '0'.repeat(64);

/** Who acted, as recorded: the caller's kind with its user, API key and organisation. */
export interface AuditActor {
  readonly kind: 'user' | 'apiKey' | 'system' | 'anonymous';
  readonly userId?: string | null;
  readonly apiKeyId?: string | null;
  readonly organisationId?: string | null;
  /** Free text: the system's reason, or what identifies an anonymous caller (never a password). */
  readonly detail?: string | null;
}

export interface AuditRecord {
  /** Dotted verb, e.g. `registry.product.update`, `epcis.capture`, `auth.sign_in_failed`. */
  readonly action: string;
  readonly objectType: string;
  readonly objectId: string;
  /** The organisation whose data changed, when there is one (the browse filter). */
  readonly organisationId?: string | null | undefined;
  /** The change itself; only its SHA-256 digest (canonical JSON) is stored. */
  readonly change?: unknown;
  /** Small, non-secret facts shown when browsing (field names, counts); hashed with the entry. */
  readonly detail?: Record<string, unknown> | undefined;
}

export function actorOf(caller: Caller | AuditActor): AuditActor {
  switch (caller.kind) {
    case 'user':
      return 'role' in caller ? { kind: 'user', userId: caller.userId, organisationId: caller.organisationId } : caller;
    case 'apiKey':
      return 'permissions' in caller
        ? { kind: 'apiKey', apiKeyId: caller.apiKeyId, organisationId: caller.organisationId }
        : caller;
    case 'system':
      return 'reason' in caller ? { kind: 'system', detail: caller.reason } : caller;
    case 'anonymous':
      return caller;
  }
}

/** Parses the `user:<id>` / `apiKey:<id>` form capture jobs keep of who submitted them. */
export function actorFromReference(reference: string | null, organisationId: string | null): AuditActor {
  const [kind, id] = (reference ?? '').split(':', 2);
  if (kind === 'user' && id) return { kind: 'user', userId: id, organisationId };
  if (kind === 'apiKey' && id) return { kind: 'apiKey', apiKeyId: id, organisationId };
  return { kind: 'system', detail: 'worker', organisationId };
}

interface Hashed {
  seq: string;
  at: Date;
  actor_kind: string;
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  actor_organisation_id: string | null;
  actor_detail: string | null;
  action: string;
  object_type: string;
  object_id: string;
  organisation_id: string | null;
  change_digest: string;
  detail: Record<string, unknown>;
  prev_hash: string;
}

/** The bytes an entry's hash covers: every column but the hash itself, in canonical JSON. */
export function entryHash(e: Hashed): string {
  return sha256Hex(
    canonicalJson({
      v: 1,
      seq: e.seq,
      at: e.at.toISOString(),
      actor: {
        kind: e.actor_kind,
        userId: e.actor_user_id,
        apiKeyId: e.actor_api_key_id,
        organisationId: e.actor_organisation_id,
        detail: e.actor_detail,
      },
      action: e.action,
      objectType: e.object_type,
      objectId: e.object_id,
      organisationId: e.organisation_id,
      changeDigest: e.change_digest,
      detail: e.detail,
      prevHash: e.prev_hash,
    }),
  );
}

/**
 * Appends one entry. Given a transaction, the entry belongs to it (call this as the transaction's last write: the
 * chain head stays locked until commit). Given a plain handle, the entry is written in a transaction of its own.
 */
export async function recordAudit(
  db: Kysely<DB> | Transaction<DB>,
  actor: Caller | AuditActor,
  record: AuditRecord,
  now?: Date,
): Promise<void> {
  if (!db.isTransaction) {
    await db.transaction().execute((trx) => recordAudit(trx, actor, record, now));
    return;
  }
  const trx = db as Transaction<DB>;
  const who = actorOf(actor);
  const { seq, prevHash } = await repo.claimNext(trx);
  const entry: Hashed = {
    seq,
    at: new Date((now ?? new Date()).getTime()),
    actor_kind: who.kind,
    actor_user_id: who.userId ?? null,
    actor_api_key_id: who.apiKeyId ?? null,
    actor_organisation_id: who.organisationId ?? null,
    actor_detail: who.detail ?? null,
    action: record.action,
    object_type: record.objectType,
    object_id: record.objectId,
    organisation_id: record.organisationId ?? null,
    change_digest: digestOf(record.change ?? null),
    // Round-trip through JSON so that what is hashed is exactly what jsonb gives back.
    detail: JSON.parse(JSON.stringify(record.detail ?? {})) as Record<string, unknown>,
    prev_hash: prevHash,
  };
  await repo.appendEntry(trx, { ...entry, detail: JSON.stringify(entry.detail), hash: entryHash(entry) });
}

export interface Verification {
  readonly ok: boolean;
  /** Entries checked. */
  readonly entries: number;
  readonly headSeq: string;
  readonly headHash: string;
  /** The first entry where the chain breaks, and why (absent when `ok`). */
  readonly firstBroken?: { readonly seq: string; readonly reason: string; readonly messageKey: string };
}

/**
 * Walks the whole chain from the first entry: each entry must follow the previous one's position, carry its hash as
 * `prev_hash`, and hash to its own `hash`; the last entry must be the chain head. Reports the first break.
 */
export async function verifyChain(db: Kysely<DB>, pageSize = 2000): Promise<Verification> {
  const head = await repo.chainHead(db);
  let expectedSeq = 1n;
  let prev = GENESIS_HASH;
  let count = 0;
  let after = '0';
  const broken = (seq: string, reason: string, messageKey: string): Verification => ({
    ok: false,
    entries: count,
    headSeq: head.seq,
    headHash: head.hash,
    firstBroken: { seq, reason, messageKey },
  });
  for (;;) {
    const page = await repo.entriesAfter(db, after, pageSize);
    for (const e of page) {
      const seq = BigInt(e.seq);
      if (seq !== expectedSeq) {
        return seq > expectedSeq
          ? broken(String(expectedSeq), `entry ${expectedSeq} is missing (next is ${e.seq})`, 'audit.verify.missing')
          : broken(e.seq, `entry ${e.seq} is out of order`, 'audit.verify.order');
      }
      if (e.prev_hash !== prev) {
        return broken(
          e.seq,
          `entry ${e.seq} does not follow entry ${seq - 1n} (previous hash differs)`,
          'audit.verify.link',
        );
      }
      if (entryHash(e) !== e.hash) {
        return broken(e.seq, `entry ${e.seq} was changed after it was written (hash differs)`, 'audit.verify.hash');
      }
      prev = e.hash;
      expectedSeq += 1n;
      count += 1;
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.seq;
  }
  const last = String(expectedSeq - 1n);
  if (last !== head.seq) {
    return BigInt(head.seq) > expectedSeq - 1n
      ? broken(
          String(expectedSeq),
          `entries ${expectedSeq}…${head.seq} are missing at the end of the log`,
          'audit.verify.missing',
        )
      : broken(last, `entry ${last} lies beyond the chain head ${head.seq}`, 'audit.verify.head');
  }
  if (prev !== head.hash) return broken(last, `entry ${last} is not the chain head's hash`, 'audit.verify.head');
  return { ok: true, entries: count, headSeq: head.seq, headHash: head.hash };
}

/** Huế (Asia/Ho_Chi_Minh) is UTC+7 all year: a calendar day there starts at 17:00 UTC the day before. */
const HUE_OFFSET_MS = 7 * 60 * 60 * 1000;

export function dayBounds(date: string): { from: Date; to: Date } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw invalid('date', 'Give the date as YYYY-MM-DD', 'audit.error.date');
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(midnightUtc) || new Date(midnightUtc).toISOString().slice(0, 10) !== date) {
    throw invalid('date', 'Give the date as YYYY-MM-DD', 'audit.error.date');
  }
  return { from: new Date(midnightUtc - HUE_OFFSET_MS), to: new Date(midnightUtc + 86_400_000 - HUE_OFFSET_MS) };
}

export interface DailyDigest {
  /** The calendar day in Huế time. */
  readonly date: string;
  readonly entries: number;
  readonly firstSeq: string | null;
  readonly lastSeq: string | null;
  /** SHA-256 over `truyxuat-audit-day:v1`, the date and the day's entry hashes in chain order, one per line. */
  readonly digest: string;
  /**
   * The hash of the last entry recorded by the end of the day: it commits to the whole log up to then, so the
   * published value also pins every earlier day.
   */
  readonly chainHash: string;
}

/** The digest of one day's entries, which the province can publish so that later rewriting is detectable. */
export async function dailyDigest(db: Kysely<DB>, date: string): Promise<DailyDigest> {
  const { from, to } = dayBounds(date);
  const rows = await repo.dayHashes(db, from, to);
  const last = await db
    .selectFrom('audit_entry')
    .select('hash')
    .where('at', '<', to)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    date,
    entries: rows.length,
    firstSeq: rows[0]?.seq ?? null,
    lastSeq: rows[rows.length - 1]?.seq ?? null,
    digest: sha256Hex(['truyxuat-audit-day:v1', date, ...rows.map((r) => r.hash)].join('\n')),
    chainHash: last?.hash ?? GENESIS_HASH,
  };
}

function requireProvince(caller: Caller): void {
  requirePermission(caller, 'province:read');
  if (!seesEverything(caller)) throw new AppError('forbidden', 'The audit log is the province’s');
}

/** Digests of the days from `from` to `to` (inclusive, at most 92 days), for the province. */
export async function listDailyDigests(
  db: Kysely<DB>,
  caller: Caller,
  range: { from: string; to: string },
): Promise<DailyDigest[]> {
  requireProvince(caller);
  const start = dayBounds(range.from).from.getTime();
  const end = dayBounds(range.to).from.getTime();
  if (end < start) throw invalid('to', 'The end date is before the start date', 'audit.error.range');
  const days = Math.round((end - start) / 86_400_000) + 1;
  if (days > 92) throw invalid('to', 'Ask for at most 92 days at a time', 'audit.error.range');
  const out: DailyDigest[] = [];
  for (let i = 0; i < days; i++) {
    const date = new Date(start + HUE_OFFSET_MS + i * 86_400_000).toISOString().slice(0, 10);
    out.push(await dailyDigest(db, date));
  }
  return out;
}

export function mapEntry(e: repo.EntryRow) {
  return {
    seq: e.seq,
    at: e.at.toISOString(),
    actor: {
      kind: e.actor_kind,
      userId: e.actor_user_id,
      apiKeyId: e.actor_api_key_id,
      organisationId: e.actor_organisation_id,
      detail: e.actor_detail,
    },
    action: e.action,
    objectType: e.object_type,
    objectId: e.object_id,
    organisationId: e.organisation_id,
    changeDigest: e.change_digest,
    detail: e.detail,
    prevHash: e.prev_hash,
    hash: e.hash,
  };
}
export type AuditEntryView = ReturnType<typeof mapEntry>;

/** The log, newest first, filtered; province only. `before` pages backwards by position. */
export async function listAuditEntries(
  db: Kysely<DB>,
  caller: Caller,
  filter: Omit<repo.EntryFilter, 'limit'> & { limit?: number },
): Promise<{ items: AuditEntryView[]; nextBefore: string | null }> {
  requireProvince(caller);
  if (filter.beforeSeq !== undefined && !/^\d{1,18}$/.test(filter.beforeSeq)) {
    throw invalid('before', 'Not an entry position');
  }
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 500);
  const rows = await repo.listEntries(db, { ...filter, limit });
  return {
    items: rows.map(mapEntry),
    nextBefore: rows.length === limit ? rows[rows.length - 1]!.seq : null,
  };
}

/** Chain verification for the province over HTTP (the CLI calls `verifyChain` directly). */
export async function verifyForCaller(db: Kysely<DB>, caller: Caller): Promise<Verification> {
  requireProvince(caller);
  return verifyChain(db);
}
