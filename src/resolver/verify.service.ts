import type { Kysely } from 'kysely';
import { loadConfig } from '../config.ts';
import type { DB } from '../db/schema.ts';
import { asSystem } from '../db/scope.ts';
import { escapeDlPathValue } from '../identifiers/index.ts';
import { findStamp, type StampRecord } from '../labels/index.ts';
import { thresholdsFrom } from './alerts.service.ts';
import * as repo from './resolver.repository.ts';

/** What the consumer page says about a scanned code. */
export type StampVerdict =
  | { kind: 'noSerial' }
  | { kind: 'unknownSerial' }
  | { kind: 'void' }
  | { kind: 'notActivated' }
  | {
      kind: 'genuine';
      scanCount: number;
      firstScannedAt: Date | null;
      warnings: readonly ('many_scans' | 'many_regions' | 'unexpected_region' | 'lot_mismatch')[];
    };

type Warning = Extract<StampVerdict, { kind: 'genuine' }>['warnings'][number];

/**
 * The verdict on a scanned code for the consumer page, from the stamps and the scan log: no serial, a serial never
 * issued (likely counterfeit), a void or never-activated stamp, or a genuine one with its scan count and the
 * warnings the scan rules would raise (too many scans or provinces within the alert window, a province the lot was
 * never shipped to, a lot that is not the stamp's).
 */
export async function verifyScan(
  db: Kysely<DB>,
  key: { gtin: string; lot?: string; serial?: string },
  now = new Date(),
  /** The stamp of this GTIN and serial when the caller has just read it (`null`: read and absent). */
  known?: StampRecord | null,
): Promise<StampVerdict> {
  if (key.serial === undefined || key.serial === '') return { kind: 'noSerial' };
  const gtin = key.gtin.padStart(14, '0');
  const serial = key.serial;
  const rules = thresholdsFrom(loadConfig());
  const stamp = known !== undefined ? (known ?? undefined) : await findStamp(db, gtin, key.serial);
  const itemUri = `https://id.gs1.org/01/${gtin}/21/${escapeDlPathValue(key.serial)}`;
  // Public verification reads across organisations (does any event know the item, where was the lot shipped) and
  // answers only a verdict.
  if (stamp === undefined && !(await asSystem(() => repo.itemInEvents(db, itemUri)))) return { kind: 'unknownSerial' };
  if (stamp?.state === 'void') return { kind: 'void' };
  if (stamp?.state === 'issued') return { kind: 'notActivated' };

  // The scan log is the brand owner's (row-level security): the verdict counts the item's scans for anyone.
  const recent = await asSystem(() =>
    repo.scanSummaryOfItem(db, gtin, serial, new Date(now.getTime() - rules.windowMs)),
  );
  const warnings: Warning[] = [];
  if (recent.length > rules.maxScans) warnings.push('many_scans');
  const regions = new Set(recent.map((s) => s.region).filter((r): r is string => r !== null));
  if (regions.size > rules.maxRegions) warnings.push('many_regions');
  const lot = key.lot ?? stamp?.lot ?? null;
  if (lot !== null && regions.size > 0) {
    const shipped = await asSystem(() =>
      repo.lotRegions(db, `https://id.gs1.org/01/${gtin}/10/${escapeDlPathValue(lot)}`),
    );
    if (shipped.length > 0 && [...regions].some((r) => !shipped.includes(r))) warnings.push('unexpected_region');
  }
  if (key.lot !== undefined && stamp?.lot != null && stamp.lot !== key.lot) warnings.push('lot_mismatch');
  if (stamp === undefined) {
    const all = await asSystem(() => repo.scanSummaryOfItem(db, gtin, serial, new Date(0)));
    return { kind: 'genuine', scanCount: all.length, firstScannedAt: null, warnings };
  }
  return { kind: 'genuine', scanCount: stamp.scanCount, firstScannedAt: stamp.firstScannedAt, warnings };
}
