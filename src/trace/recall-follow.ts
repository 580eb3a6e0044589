import type { CaptureExtension } from '../epcis/capture.service.ts';
import { indexEpcs } from '../epcis/event-index.ts';
import { asSystem } from '../db/scope.ts';
import { discardQueuedDuplicates, enqueueJob, type JobHandler } from '../jobs/job.service.ts';
import { openRecallsOfLots } from './recall.repository.ts';
import { extendRecallImpact } from './recall.service.ts';

/**
 * A recall follows the events recorded after it opened. Once a capture stores events that name a lot an open recall
 * covers (a late shipment of it, a product made from it), the recall's impact is brought up to date by a job, so that
 * the organisations it now reaches are told and the new downstream lots show as recalled on their consumer pages.
 *
 * The job is queued in the capture's own transaction, so it runs only after the events are committed; a run first
 * drops the other queued jobs of its recall (their captures have committed too, and it sees their events), so a burst
 * of captures costs one or two impact computations, not one each.
 */
export const RECALL_IMPACT_KIND = 'trace.recall-impact';
/** A short delay lets a burst of captures share one run. */
const SETTLE_MS = 5_000;

export const traceCaptureExtension: CaptureExtension = {
  async received() {},

  async stored(trx, events) {
    const keys = new Map<string, { gtin: string; lot: string }>();
    for (const event of events)
      for (const e of indexEpcs(event))
        if (e.gtin !== null && e.lot !== null && e.serial === null)
          keys.set(`${e.gtin}\u0000${e.lot}`, { gtin: e.gtin, lot: e.lot });
    if (keys.size === 0) return;
    // Any organisation's capture may reach a recall it is not named in yet: every open recall is asked.
    const recalls = new Set((await asSystem(() => openRecallsOfLots(trx, [...keys.values()]))).map((r) => r.recall_id));
    if (recalls.size === 0) return;
    for (const recallId of recalls)
      await enqueueJob(trx, RECALL_IMPACT_KIND, { recallId }, { runAfter: new Date(Date.now() + SETTLE_MS) });
  },

  async jobStatus() {
    return new Map();
  },
};

/** The job: extends one recall's impact (idempotent). */
export const runRecallImpactJob: JobHandler = async (payload, { db, jobId }) => {
  const { recallId } = payload as { recallId: string };
  await discardQueuedDuplicates(db, RECALL_IMPACT_KIND, { recallId }, jobId);
  await extendRecallImpact(db, recallId);
};
