import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { asSystem } from '../db/scope.ts';
import { enqueueJob } from '../jobs/job.service.ts';
import { findStamp, recordStampScans } from '../labels/index.ts';
import * as repo from './resolver.repository.ts';
import type { DeviceClass } from './scan-source.ts';

/** One scan to record (GS1 key parts of what was scanned, when, from which region and device class). */
export interface ScanInput {
  gtin: string;
  lot?: string;
  serial?: string;
  at: Date;
  region: string | null;
  device: DeviceClass;
  ipHash: string | null;
  /** The stamp of the serial when the caller already looked it up (null: none); looked up at flush otherwise. */
  stampId?: string | null;
}

export const SCAN_CHECK_KIND = 'resolver.scan-check';

export interface ScanLogOptions {
  /** Rows per multi-row insert. */
  readonly batchSize?: number;
  /** How long a scan may wait in memory before its batch is written. */
  readonly flushMs?: number;
  /** Scans held in memory at most: past this, recording waits for the next write (back-pressure), never drops. */
  readonly maxPending?: number;
  /** Called after each write, e.g. to wake the in-process worker for the alert job. */
  readonly onFlushed?: () => void;
  readonly onError?: (error: unknown) => void;
}

/**
 * The scan log's write path: scans wait in a bounded in-process buffer and are written in batches (one multi-row
 * insert, the stamps' counters in one statement, and one alert-check job, all in one transaction), so that recording
 * a scan costs the resolution nothing. A failed write keeps the scans for the next attempt; a full buffer makes new
 * scans wait for room instead of dropping them; closing writes everything left.
 */
export class ScanLog {
  readonly #db: Kysely<DB>;
  readonly #batchSize: number;
  readonly #flushMs: number;
  readonly #maxPending: number;
  readonly #options: ScanLogOptions;
  #pending: ScanInput[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;
  #waiters: (() => void)[] = [];
  #failures = 0;

  constructor(db: Kysely<DB>, options: ScanLogOptions = {}) {
    this.#db = db;
    this.#batchSize = options.batchSize ?? 500;
    this.#flushMs = options.flushMs ?? 25;
    this.#maxPending = options.maxPending ?? 20_000;
    this.#options = options;
  }

  /** Scans waiting to be written. */
  get pending(): number {
    return this.#pending.length;
  }

  /**
   * Queues a scan. Resolves at once while the buffer has room; when it is full, resolves once a write made room.
   * After `close`, the scan is written directly.
   */
  async record(scan: ScanInput): Promise<void> {
    if (this.#closed) {
      await this.#write([scan]);
      return;
    }
    while (this.#pending.length >= this.#maxPending) {
      this.#flushSoon(0);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    this.#pending.push(scan);
    this.#flushSoon(this.#pending.length >= this.#batchSize ? 0 : this.#flushMs);
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#pending.length > 0) {
      await this.#drainOnce();
      if (this.#failures > 0 && this.#pending.length > 0) throw new Error('scan log: the database refused the scans');
    }
    await this.#writing;
  }

  /** Writes what is left; later scans are written one by one. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #flushSoon(delayMs: number): void {
    if (this.#timer && delayMs > 0) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#drainOnce().then(() => {
        if (this.#pending.length > 0) this.#flushSoon(this.#failures > 0 ? Math.min(5000, 100 * this.#failures) : 0);
      });
    }, delayMs);
    this.#timer.unref?.();
  }

  /** Takes one batch and writes it after the previous write; on failure puts it back in front. */
  #drainOnce(): Promise<void> {
    const run = this.#writing.then(async () => {
      const batch = this.#pending.splice(0, this.#batchSize);
      if (batch.length === 0) return;
      try {
        await this.#write(batch);
        this.#failures = 0;
      } catch (error) {
        this.#failures += 1;
        this.#pending.unshift(...batch);
        this.#options.onError?.(error);
      } finally {
        const room = this.#maxPending - this.#pending.length;
        for (const wake of this.#waiters.splice(0, Math.max(0, room))) wake();
      }
    });
    this.#writing = run;
    return run;
  }

  async #write(batch: readonly ScanInput[]): Promise<void> {
    // A batch mixes the scans of every organisation's stamps, queued by anonymous requests: the log is the system's.
    await asSystem(() => writeScans(this.#db, batch));
    this.#options.onFlushed?.();
  }
}

/**
 * Writes scans at once: one multi-row insert, the stamps' scan counters (`recordStampScans`, one statement), and the
 * alert-check job for the new rows (unless `checkLater` is false), in one transaction (the caller's, when `db` is
 * one). Returns the ids of the rows, in order.
 */
export async function writeScans(
  db: Kysely<DB>,
  batch: readonly ScanInput[],
  options: { checkLater?: boolean } = {},
): Promise<string[]> {
  const stampIds = await Promise.all(
    batch.map(async (s) => {
      if (s.stampId !== undefined) return s.stampId;
      if (s.serial === undefined) return null;
      return (await findStamp(db, s.gtin, s.serial))?.id ?? null;
    }),
  );
  const work = async (trx: Kysely<DB>) => {
    const ids = await repo.insertScans(
      trx,
      batch.map((s, i) => ({
        scanned_at: s.at,
        gtin: s.gtin,
        lot: s.lot ?? null,
        serial: s.serial ?? null,
        region: s.region,
        device: s.device,
        ip_hash: s.ipHash,
        stamp_id: stampIds[i] ?? null,
      })),
    );
    const stamped = batch.flatMap((s, i) => (stampIds[i] ? [{ stampId: stampIds[i], at: s.at }] : []));
    if (stamped.length > 0) await recordStampScans(trx, stamped);
    if (ids.length > 0 && options.checkLater !== false) {
      const numeric = ids.map(Number);
      await enqueueJob(trx, SCAN_CHECK_KIND, {
        first: String(Math.min(...numeric)),
        last: String(Math.max(...numeric)),
      });
    }
    return ids;
  };
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

const logs = new WeakMap<Kysely<DB>, ScanLog>();

/** The scan log of a database handle (one per process and database), created with `options` on first use. */
export function scanLogFor(db: Kysely<DB>, options?: ScanLogOptions): ScanLog {
  let log = logs.get(db);
  if (log === undefined) {
    log = new ScanLog(db, options);
    logs.set(db, log);
  }
  return log;
}

/**
 * Records one scan without slowing the answer (buffered; see ScanLog). Used by the resolver route and the consumer
 * page; the promise resolves at once unless the buffer is full.
 */
export function recordScan(db: Kysely<DB>, scan: ScanInput): Promise<void> {
  return scanLogFor(db).record(scan);
}
