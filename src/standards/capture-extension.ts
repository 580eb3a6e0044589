import type { CaptureExtension } from '../epcis/capture.service.ts';
import * as repo from './compliance.repository.ts';
import { checkCapturedEvents, enqueueLotRefresh, lotsOfEvent, rejection } from './compliance.service.ts';

/**
 * How base standards take part in EPCIS capture (through capture's one extension point):
 * - at receipt, each event is checked against the standard of the products it is about; with
 *   `TX-Standards-Behaviour: reject` a missing required key data element refuses the whole capture (a problem
 *   document naming event, field and rule), otherwise the findings are kept as the capture job's `warnings`;
 * - once events are stored, the lots they name (and the lots made from them) are queued for re-scoring in the same
 *   transaction, so lot scores follow the events without slowing capture down;
 * - a capture job's status lists its warnings and the behaviour asked for.
 */
export const standardsCaptureExtension: CaptureExtension = {
  async received(trx, events, context) {
    // A synchronous capture has no job to carry warnings: it is only checked when it asked to be refused.
    if (context.captureJobId === null && context.standardsBehaviour === 'warn') return;
    const warnings = await checkCapturedEvents(trx, events, context.documentIndexes);
    if (context.standardsBehaviour === 'reject') {
      const refused = rejection(warnings);
      if (refused) throw refused;
    }
    if (context.captureJobId !== null) {
      await repo.insertCaptureCompliance(trx, context.captureJobId, context.standardsBehaviour, warnings);
    }
  },

  async stored(trx, events) {
    const lots = events.flatMap(lotsOfEvent);
    if (lots.length > 0) await enqueueLotRefresh(trx, lots);
  },

  async jobStatus(db, captureJobIds) {
    const found = await repo.captureCompliance(db, captureJobIds);
    return new Map(
      captureJobIds.map((id) => {
        const row = found.get(id);
        return [id, { standardsBehaviour: row?.behaviour ?? 'warn', warnings: row?.warnings ?? [] }];
      }),
    );
  },
};
