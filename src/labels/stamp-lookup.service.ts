import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { asSystem } from '../db/scope.ts';
import * as repo from './labels.repository.ts';
import type { StampState } from './labels.tables.ts';
import { codeMatches } from './verification-code.ts';

/**
 * What the public side (resolver, consumer page) may learn about a stamp. No caller: these answer anyone, so they
 * read the stamp table across organisations on purpose (`asSystem`, row-level security) and return only this.
 */
export interface StampRecord {
  readonly id: string;
  readonly batchId: string;
  readonly organisationId: string;
  readonly gtin: string;
  readonly serial: string;
  readonly lot: string | null;
  readonly state: StampState;
  readonly activatedAt: Date | null;
  readonly firstScannedAt: Date | null;
  readonly lastScannedAt: Date | null;
  readonly scanCount: number;
  readonly hasVerificationCode: boolean;
}

export function toStampRecord(row: repo.StampRow): StampRecord {
  return {
    id: String(row.id),
    batchId: row.batch_id,
    organisationId: row.organisation_id,
    gtin: row.gtin,
    serial: row.serial,
    lot: row.lot,
    state: row.state,
    activatedAt: row.activated_at,
    firstScannedAt: row.first_scanned_at,
    lastScannedAt: row.last_scanned_at,
    scanCount: Number(row.scan_count),
    hasVerificationCode: row.verification_code_hash !== null,
  };
}

/** The stamp with this GTIN (14 digits) and serial (exactly as encoded), or undefined. */
export async function findStamp(db: Kysely<DB>, gtin: string, serial: string): Promise<StampRecord | undefined> {
  if (!/^\d{14}$/.test(gtin) || serial.length === 0 || serial.length > 20) return undefined;
  const row = await asSystem(() => repo.findStampByKey(db, gtin, serial));
  return row && toStampRecord(row);
}

/**
 * Counts scans on stamps in one statement: the count grows, the first and last scan times move, and an activated
 * stamp becomes scanned on its first scan (issued and void stamps keep their state). Unknown ids are ignored.
 */
export async function recordStampScans(db: Kysely<DB>, scans: readonly { stampId: string; at: Date }[]): Promise<void> {
  const byStamp = new Map<string, { stampId: string; count: number; first: Date; last: Date }>();
  for (const { stampId, at } of scans) {
    if (!/^\d{1,18}$/.test(stampId)) continue;
    const seen = byStamp.get(stampId);
    if (seen === undefined) byStamp.set(stampId, { stampId, count: 1, first: at, last: at });
    else {
      seen.count += 1;
      if (at < seen.first) seen.first = at;
      if (at > seen.last) seen.last = at;
    }
  }
  await asSystem(() => repo.addScans(db, [...byStamp.values()]));
}

/** True when `code` is the stamp's scratch-off code (compared in constant time); false without a code. */
export async function checkVerificationCode(db: Kysely<DB>, stampId: string, code: string): Promise<boolean> {
  const row = await asSystem(() => repo.findStampById(db, stampId));
  if (row === undefined || row.verification_code_hash === null) return false;
  return codeMatches(await repo.labelSecret(db), row.gtin, row.serial, row.verification_code_hash, code);
}
