import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData, type DemoLoadResult } from '../src/demo/index.ts';
import { findStamp } from '../src/labels/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
let demo: DemoLoadResult;

beforeAll(async () => {
  t = await startTestApp();
  demo = await loadDemoData(t.db);
});
afterAll(async () => t?.close());

describe('demo stamps', () => {
  it('the mè xửng kitchen has a batch for lot MX-260618: 100 bound to the lot, 16 issued, 4 void', async () => {
    if (!demo.loaded) throw new Error('demo not loaded');
    const product = demo.registry.products.get('me-xung')!;
    const batches = await t.db.selectFrom('stamp_batch').selectAll().where('product_id', '=', product.id).execute();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({
      organisation_id: product.organisationId,
      gtin: product.gtin,
      lot: 'MX-260618',
      quantity: 120,
      state: 'partly_activated',
      with_verification_code: true,
    });
    const stamps = await t.db
      .selectFrom('stamp')
      .select(['sequence', 'serial', 'state', 'lot'])
      .where('batch_id', '=', batches[0]!.id)
      .orderBy('sequence')
      .execute();
    const states = stamps.map((s) => s.state);
    // Bound to the lot: activated, or scanned since (the demo's consumer scans).
    expect(states.slice(0, 100).every((s) => s === 'activated' || s === 'scanned')).toBe(true);
    expect(states.slice(100, 116).every((s) => s === 'issued')).toBe(true);
    expect(states.slice(116)).toEqual(['void', 'void', 'void', 'void']);
    const first = await findStamp(t.db, product.gtin, stamps[0]!.serial);
    expect(first).toMatchObject({ lot: 'MX-260618', hasVerificationCode: true });
    expect(stamps.slice(0, 100).every((s) => s.lot === 'MX-260618')).toBe(true);
    // Activated at packing on the lot's production day, which moves with the demo's clock.
    expect(first?.activatedAt?.toISOString()).toBe(demo.registry.clock.at('2026-06-18', '16:00').toISOString());
  });
});
