import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { asSystem } from '../db/scope.ts';
import { openRecallsOfLots } from './recall.repository.ts';

/**
 * Trace: the public entry for other capabilities. `recallStatusOfLots` answers whether lots are under an open
 * recall — asked by the consumer page and the resolver's alert rules on every scan, so it is one indexed query.
 */

export interface LotRecallStatus {
  readonly gtin: string;
  readonly lot: string;
  readonly recallId: string;
  readonly reason: string;
  readonly severity: 'high' | 'medium' | 'low';
  readonly openedAt: Date;
  readonly mock: boolean;
}

/**
 * Open, non-mock recalls that cover each given lot (directly or downstream through the lot graph): one entry per
 * (lot, recall), newest recall first; lots under no open recall give none. A GTIN of 8, 12 or 13 digits is taken
 * as its 14-digit form.
 */
export async function recallStatusOfLots(
  db: Kysely<DB>,
  lots: readonly { gtin: string; lot: string }[],
): Promise<LotRecallStatus[]> {
  const keys = lots
    .filter((l) => /^\d{8}$|^\d{12,14}$/.test(l.gtin) && l.lot !== '')
    .map((l) => ({ gtin: l.gtin.padStart(14, '0'), lot: l.lot }));
  // A public fact (the consumer page and the resolver show it to anyone): every recall is asked, whoever opened it.
  const rows = await asSystem(() => openRecallsOfLots(db, keys));
  return rows.map((r) => ({
    gtin: r.gtin,
    lot: r.lot,
    recallId: r.recall_id,
    reason: r.reason,
    severity: r.severity as LotRecallStatus['severity'],
    openedAt: new Date(r.opened_at),
    mock: r.mock,
  }));
}

export { SEVERITIES, type RecallSeverity } from './recall.service.ts';
export {
  parseTraceIdentifier,
  traceBackward,
  traceForward,
  type TraceEdge,
  type TraceEvent,
  type TraceNode,
  type TraceResult,
} from './trace.service.ts';
