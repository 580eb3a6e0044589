import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DEMO_STORY_DAY, demoClock, hueDayOf } from '../src/demo/clock.ts';
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

  it('dates the story relative to the load day: events of last month, scans of last week, best-before with them', async () => {
    if (!registry.loaded) throw new Error('demo not loaded');
    const { clock } = registry.registry;
    const today = hueDayOf(new Date());
    expect(clock.today).toBe(today);
    const days = (rows: { t: Date }[]) => rows.map((r) => hueDayOf(r.t)).sort();
    const events = days(await t.db.selectFrom('epcis_event').select('event_time as t').execute());
    // The sale is a week before the load day; the chains start five and a half weeks before it, but for the
    // anchovies landed a year earlier (an event older than 90 days).
    expect(events.at(-1)).toBe(clock.day('2026-06-20'));
    expect(events.at(-1)! < today).toBe(true);
    expect(events.filter((d) => d >= clock.day('2026-05-20'))).toHaveLength(18);
    expect(events[0]).toBe(clock.day('2025-06-02'));
    const scans = days(await t.db.selectFrom('scan').select('scanned_at as t').execute());
    expect(scans.length).toBeGreaterThan(0);
    expect(scans[0]).toBe(clock.day('2026-06-19'));
    expect(scans.at(-1)).toBe(clock.day('2026-06-24'));
    const gtin = registry.registry.products.get('hat-sen')!.gtin;
    const lot = await t.db
      .selectFrom('epcis_event')
      .select('document')
      .where('biz_step', '=', 'commissioning')
      .where(sql<boolean>`document::text like ${`%${gtin}/10/HS-2606%`}`)
      .where('event_type', '=', 'TransformationEvent')
      .executeTakeFirstOrThrow();
    const doc = (typeof lot.document === 'string' ? JSON.parse(lot.document) : lot.document) as {
      ilmd: Record<string, string>;
    };
    expect(doc.ilmd['tx:bestBefore']).toBe(clock.day('2027-06-14'));
    const training = await t.db
      .selectFrom('training_session')
      .select(sql<string>`held_on::text`.as('d'))
      .execute();
    expect(training.map((r) => r.d)).toEqual([clock.day('2026-03-12')]);
  });
});

describe('demo clock', () => {
  it('keeps the story as written on its own day and moves every date by whole days otherwise', () => {
    const same = demoClock(new Date(`${DEMO_STORY_DAY}T12:00:00+07:00`));
    expect(same.shiftDays).toBe(0);
    expect(same.local('2026-06-18', '16:00')).toBe('2026-06-18T16:00:00+07:00');
    // 26 November 2026, 06:30 in Huế is still 25 November in UTC: the Huế day counts.
    const later = demoClock(new Date('2026-11-25T23:30:00Z'));
    expect(later.today).toBe('2026-11-26');
    expect(later.shiftDays).toBe(152);
    expect(later.day('2026-06-27')).toBe('2026-11-26');
    expect(later.day('2026-06-20')).toBe('2026-11-19');
    expect(later.day('2027-06-14')).toBe('2027-11-13');
    expect(later.at('2026-06-18', '16:00').toISOString()).toBe('2026-11-17T09:00:00.000Z');
    const earlier = demoClock(new Date('2026-06-01T00:00:00+07:00'));
    expect(earlier.day('2026-06-27')).toBe('2026-06-01');
    expect(earlier.day('2024-03-01')).toBe('2024-02-04');
  });
});
