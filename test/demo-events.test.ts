import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../src/demo/index.ts';
import { queryEvents as queryService } from '../src/epcis/query.service.ts';
import { resolveApiKey } from '../src/registry/identity.service.ts';
import { apiKeyFor, startTestApp, type TestApp } from './helpers/app.ts';
import { queryEvents } from './helpers/epcis.ts';

let t: TestApp;
let registry: Awaited<ReturnType<typeof loadDemoData>>;
beforeAll(async () => {
  t = await startTestApp();
  registry = await loadDemoData(t.db);
});
afterAll(async () => t?.close());

describe('demo event histories', () => {
  it('captures the chains through the capture path (hashed, indexed, owned by each organisation)', async () => {
    expect(registry.loaded).toBe(true);
    const rows = await t.db
      .selectFrom('epcis_event')
      .select(['owner_organisation_id', 'channel', 'event_hash', 'biz_step'])
      .execute();
    expect(rows).toHaveLength(19);
    expect(rows.every((r) => r.channel === 'demo' && r.event_hash.startsWith('ni:///sha-256;'))).toBe(true);
    expect(new Set(rows.map((r) => r.owner_organisation_id)).size).toBeGreaterThanOrEqual(5);
    for (const step of ['commissioning', 'packing', 'shipping', 'receiving', 'retail_selling']) {
      expect(
        rows.some((r) => r.biz_step === step),
        step,
      ).toBe(true);
    }
  });

  it('shows the market the shipments addressed to it, one step back, and nothing private of its suppliers', async () => {
    if (!registry.loaded) throw new Error('demo not loaded');
    const market = registry.registry.organisations.get('dong-ba')!;
    const key = await apiKeyFor(t, market, ['epcis:query']);
    const seen = await queryEvents(t, key.headers, { perPage: '100' });
    const steps = seen.events.map((e) => e.bizStep);
    expect(steps.filter((s) => s === 'shipping')).toHaveLength(4);
    expect(steps.filter((s) => s === 'receiving')).toHaveLength(4);
    expect(steps).not.toContain('commissioning');
  });

  it('tells the whole story of the Sen Huế lot to the province', async () => {
    if (!registry.loaded) throw new Error('demo not loaded');
    const authority = registry.registry.organisations.get('authority')!;
    const key = await apiKeyFor(t, authority, ['epcis:query']);
    const caller = await resolveApiKey(t.db, key.headers.authorization!.slice(7));
    const gtin = registry.registry.products.get('hat-sen')!.gtin;
    const page = await queryService(t.db, caller!, {
      MATCH_anyEPCClass: `https://id.gs1.org/01/${gtin}/10/HS-2606`,
      orderBy: 'eventTime',
      orderDirection: 'ASC',
    });
    expect(page.events.map((e) => e.document.bizStep)).toEqual([
      'commissioning',
      'packing',
      'shipping',
      'receiving',
      'retail_selling',
    ]);
  });
});
