import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { DemoRegistry } from '../demo/index.ts';
import type { Caller } from '../shared/caller.ts';
import { activateStamps, orderStampBatch, voidStamps } from './labels.service.ts';

const DEMO: Caller = { kind: 'system', reason: 'demo data' };

/**
 * The demo's stamps: the mè xửng kitchen ordered 120 stamps with scratch-off codes on 40-up sheets for its lot
 * MX-260618, activated the first 100 at packing on the lot's production day (18 June 2026 in the story, moved by the
 * demo's clock) and voided four spoiled prints. The demo's event
 * histories stay as `events.ts` writes them (their counts are part of the demo's description), so this activation
 * records no EPCIS event of its own.
 */
export async function issueDemoStamps(db: Kysely<DB>, demo: DemoRegistry): Promise<void> {
  const product = demo.products.get('me-xung');
  if (product === undefined) throw new Error('demo product me-xung is missing');
  const batch = await orderStampBatch(db, DEMO, {
    productId: product.id,
    quantity: 120,
    lot: 'MX-260618',
    layout: 'a4-40',
    withVerificationCode: true,
  });
  await activateStamps(
    db,
    DEMO,
    batch.id,
    { from: 1, to: 100 },
    { now: demo.clock.at('2026-06-18', '16:00'), recordEvent: false },
  );
  await voidStamps(db, DEMO, batch.id, { from: 117, to: 120 }, demo.clock.at('2026-06-18', '16:05'));
}
