import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureNow } from '../src/epcis/capture.service.ts';
import * as repo from '../src/federation/national.repository.ts';
import { nationalPortalClient, type NationalPortalClient } from '../src/federation/national/portal-client.ts';
import { syncNational } from '../src/federation/national/sync.ts';
import { explainNationalCode } from '../src/federation/national.service.ts';
import { withCheckDigit } from '../src/identifiers/index.ts';
import type { Caller } from '../src/shared/caller.ts';
import { apiKeyFor, makeOrganisation, startTestApp, type TestApp } from './helpers/app.ts';
import { startNationalPortalStandIn, type NationalPortalStandIn } from './helpers/national-portal-stand-in.ts';

/**
 * The national portal adapter against a stand-in server that follows the portal's documented behaviour. Time is
 * simulated: the sync, the token cache and the stand-in's token lifetimes all read one clock the test moves.
 */

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PUBLIC_URL = 'http://truyxuat.test';
const CLIENT = { clientId: 'hue-province', clientSecret: 's3cret-value-never-logged' };

let t: TestApp;
let clockMs = Date.parse('2026-06-01T01:00:00Z');
const clock = () => new Date(clockMs);
const advance = (ms: number) => {
  clockMs += ms;
};
let stands: NationalPortalStandIn[] = [];
let gtinSeq = 100;
let taxSeq = 1000;

beforeAll(async () => {
  t = await startTestApp({ publicUrl: PUBLIC_URL });
});
afterEach(async () => {
  await Promise.all(stands.map((s) => s.close()));
  stands = [];
});
afterAll(async () => t?.close());

async function standIn(options: { autoActivate?: boolean; tokenLifetimeSeconds?: number } = {}) {
  const s = await startNationalPortalStandIn({ ...CLIENT, now: clock, autoActivate: true, ...options });
  stands.push(s);
  return s;
}

/** A client for the stand-in under its own platform id, so every test has its own outbox and pause state. */
function platformFor(s: NationalPortalStandIn): NationalPortalClient & { id: string } {
  const client = nationalPortalClient({ config: { baseUrl: s.url, ...CLIENT, timeoutMs: 2000 }, clock });
  return { ...client, id: `test-${randomUUID().slice(0, 8)}` };
}

interface Fixture {
  organisationId: string;
  taxCode: string;
  products: { id: string; gtin: string; mediaId: string }[];
  caller: Caller;
}

async function addImage(organisationId: string, productId: string, position = 0): Promise<string> {
  const mediaId = randomUUID();
  await t.db
    .insertInto('media')
    .values({
      id: mediaId,
      organisation_id: organisationId,
      purpose: 'image',
      content_type: 'image/png',
      byte_size: PNG.length,
      sha256: randomUUID(),
      data: PNG,
      original_name: null,
    })
    .execute();
  await t.db
    .insertInto('product_image')
    .values({ product_id: productId, media_id: mediaId, position, alt: null })
    .execute();
  return mediaId;
}

async function fixture(
  platform: string,
  options: { products?: number; image?: boolean; netContent?: boolean } = {},
): Promise<Fixture> {
  taxSeq += 1;
  const taxCode = `33${String(taxSeq).padStart(8, '0')}`;
  const organisationId = await makeOrganisation(t.db, { tax_code: taxCode });
  const group = await t.db.selectFrom('product_group').select('code').limit(1).executeTakeFirstOrThrow();
  const products = [];
  for (let i = 0; i < (options.products ?? 2); i++) {
    gtinSeq += 1;
    const gtin = withCheckDigit(`0893600${String(gtinSeq).padStart(6, '0')}`);
    const id = randomUUID();
    await t.db
      .insertInto('product')
      .values({
        id,
        organisation_id: organisationId,
        gtin,
        name: `Sản phẩm ${gtinSeq}`,
        name_en: null,
        brand: 'Huế',
        group_code: group.code,
        net_content: options.netContent === false ? null : 500,
        net_content_unit: options.netContent === false ? null : 'GRM',
        shelf_life_days: null,
        description: null,
      })
      .execute();
    const mediaId = options.image === false ? '' : await addImage(organisationId, id);
    products.push({ id, gtin, mediaId });
  }
  await repo.upsertEnrolment(t.db, {
    platform,
    organisation_id: organisationId,
    enabled: true,
    decided_by: null,
    decided_at: clock(),
  });
  const key = await apiKeyFor(t, organisationId, ['epcis:capture']);
  const caller: Caller = {
    kind: 'apiKey',
    apiKeyId: key.id,
    organisationId,
    permissions: new Set(['epcis:capture']),
    province: false,
  };
  return { organisationId, taxCode, products, caller };
}

let eventSeq = 0;
/** Records stage events for one lot of a product, an hour apart, through the real capture service. */
async function recordStages(f: Fixture, gtin: string, lot: string, steps: string[]): Promise<void> {
  const events = steps.map((bizStep, i) => {
    eventSeq += 1;
    return {
      type: 'ObjectEvent',
      eventTime: new Date(Date.parse('2026-05-01T01:00:00Z') + eventSeq * 3_600_000 + i).toISOString(),
      eventTimeZoneOffset: '+07:00',
      epcList: [],
      quantityList: [{ epcClass: `https://id.gs1.org/01/${gtin}/10/${lot}`, quantity: 10 + i, uom: 'KGM' }],
      action: i === 0 ? 'ADD' : 'OBSERVE',
      bizStep,
    };
  });
  await captureNow(t.db, f.caller, {
    format: 'json',
    body: JSON.stringify({
      '@context': 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-05-01T08:00:00+07:00',
      epcisBody: { eventList: events },
    }),
  });
}

/** Runs the sync as the worker would: again whenever the platform's pause ends, moving the clock there. */
async function syncUntilIdle(platform: NationalPortalClient, maxRounds = 30): Promise<void> {
  for (let i = 0; i < maxRounds; i++) {
    const { passes } = await syncNational(t.db, { platform, clock, publicUrl: PUBLIC_URL });
    const paused = passes.at(-1)?.pausedUntil;
    if (!paused) return;
    clockMs = Math.max(clockMs, paused.getTime());
  }
  throw new Error('the sync did not settle');
}

async function outbox(platform: string, organisationId: string) {
  return [...(await repo.outboxOf(t.db, platform, organisationId)).values()].sort(
    (a, b) => a.rank - b.rank || Number(a.sequence) - Number(b.sequence),
  );
}

async function logOf(platform: string, organisationId: string) {
  return t.db
    .selectFrom('national_sync_log')
    .selectAll()
    .where('platform', '=', platform)
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute();
}

const RANK = { organisation: 0, product: 1, chain: 2, event: 3 } as const;

/** Every write reached the portal after the ones it depends on, and events of a chain in event-time order. */
function expectDependencyOrder(s: NationalPortalStandIn): void {
  const seen = new Set<string>();
  for (const w of s.writes) {
    const parts = w.path.split('/').filter(Boolean);
    if (w.kind !== 'organisation') expect(seen.has(parts.slice(0, 3).join('/'))).toBe(true);
    if (w.kind === 'chain') {
      const body = s.chains.get(`${parts[2]}/${decodeURIComponent(parts[4]!)}`)!;
      expect(seen.has(`v1/organizations/${parts[2]}/products/${String(body.gtin)}`)).toBe(true);
    }
    if (w.kind === 'event') expect(seen.has(parts.slice(0, 5).join('/'))).toBe(true);
    seen.add(parts.join('/'));
  }
  const timesByChain = new Map<string, string[]>();
  for (const w of s.writes.filter((x) => x.kind === 'event')) {
    const p = w.path.split('/').filter(Boolean).map(decodeURIComponent);
    const chain = `${p[2]}/${p[4]}`;
    timesByChain.set(chain, [...(timesByChain.get(chain) ?? []), String(s.events.get(`${chain}/${p[6]}`)!.time)]);
  }
  for (const times of timesByChain.values()) expect(times).toEqual([...times].sort());
}

describe('national portal adapter', () => {
  it('sends organisation, products, chains and stage events in dependency order, once', async () => {
    const s = await standIn();
    const platform = platformFor(s);
    const f = await fixture(platform.id);
    await recordStages(f, f.products[0]!.gtin, 'L01', ['commissioning', 'packing', 'shipping']);
    await recordStages(f, f.products[1]!.gtin, 'L02', ['commissioning']);

    await syncUntilIdle(platform);

    expect(s.organisations.get(f.taxCode)?.status).toBe('ACTIVE');
    expect(s.products.size).toBe(2);
    expect([...s.products.values()][0]).toMatchObject({ netContent: 500, unit: 'GRM' });
    expect(String(([...s.products.values()][0]!.images as string[])[0])).toMatch(
      /^http:\/\/truyxuat\.test\/api\/media\//,
    );
    expect(s.chains.size).toBe(2);
    expect(s.events.size).toBe(4);
    expect([...s.events.values()].map((e) => e.stage)).toEqual([
      'commissioning',
      'packing',
      'shipping',
      'commissioning',
    ]);
    expect(s.writes.map((w) => RANK[w.kind])).toEqual([0, 1, 1, 2, 2, 3, 3, 3, 3]);
    expectDependencyOrder(s);

    const rows = await outbox(platform.id, f.organisationId);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    // The first stage event created the chain's trace code on the portal; it is kept on the chain's record.
    const chain = rows.find((r) => r.record_kind === 'chain' && r.record_key.endsWith('.L01'))!;
    expect(chain.portal_ref).toBe(s.chains.get(`${f.taxCode}/${chain.record_key}`)!.traceCode);
    expect(chain.portal_ref).toMatch(/^TXNG-/);

    // Nothing changed: a second run sends nothing.
    const writes = s.writes.length;
    await syncUntilIdle(platform);
    expect(s.writes.length).toBe(writes);

    // A new stage event goes out alone, after its chain.
    await recordStages(f, f.products[0]!.gtin, 'L01', ['receiving']);
    await syncUntilIdle(platform);
    expect(s.writes.slice(writes).map((w) => w.kind)).toEqual(['event']);
    expect(s.tokenRequests).toBe(1);
  });

  it('renews the token before it expires and once more when the portal revokes it early', async () => {
    const s = await standIn({ tokenLifetimeSeconds: 600 });
    const platform = platformFor(s);
    const f = await fixture(platform.id, { products: 1 });
    await syncUntilIdle(platform);
    expect(s.tokenRequests).toBe(1);

    // 9.5 minutes on: the token has 30 s left, under the renewal margin, so a new one is fetched first.
    advance(570_000);
    await recordStages(f, f.products[0]!.gtin, 'T1', ['commissioning']);
    const before = s.requests;
    await syncUntilIdle(platform);
    expect(s.tokenRequests).toBe(2);
    expect(s.requests - before).toBe(3); // token, chain, event: no call was refused

    // The portal revokes every token: the refused call is repeated with a fresh one, nothing is logged as failed.
    s.expireTokens();
    await recordStages(f, f.products[0]!.gtin, 'T1', ['packing']);
    await syncUntilIdle(platform);
    expect(s.tokenRequests).toBe(3);
    expect(s.events.size).toBe(2);
    const log = await logOf(platform.id, f.organisationId);
    expect(log.every((l) => l.outcome === 'sent')).toBe(true);
  });

  it('holds an unactivated organisation’s records, explains why, and sends them once it is activated', async () => {
    const s = await standIn({ autoActivate: false });
    const platform = platformFor(s);
    const f = await fixture(platform.id);
    await recordStages(f, f.products[0]!.gtin, 'A1', ['commissioning']);

    await syncUntilIdle(platform);
    expect(s.organisations.get(f.taxCode)?.status).toBe('PENDING_ACTIVATION');
    expect(s.products.size).toBe(0);
    const enrolment = await repo.findEnrolment(t.db, platform.id, f.organisationId);
    expect(enrolment?.portal_status).toBe('PENDING_ACTIVATION');
    expect(enrolment?.paused_until).not.toBeNull();
    const held = (await outbox(platform.id, f.organisationId)).filter((r) => r.status === 'pending');
    expect(held.length).toBe(4); // 2 products, 1 chain, 1 event: nothing lost
    const retry = (await logOf(platform.id, f.organisationId)).find((l) => l.outcome === 'retry')!;
    expect(retry.code).toBe('ORG_NOT_ACTIVATED');
    expect(explainNationalCode(retry.code, 'vi')!.explanation).toContain('chưa kích hoạt');
    expect(explainNationalCode(retry.code, 'vi')!.fix).toContain('mã số thuế');

    // Within the hour the organisation is left alone: no calls.
    const calls = s.requests;
    advance(30 * 60_000);
    await syncUntilIdle(platform);
    expect(s.requests).toBe(calls);

    s.activate(f.taxCode);
    advance(31 * 60_000);
    await syncUntilIdle(platform);
    expect(s.products.size).toBe(2);
    expect(s.events.size).toBe(1);
    expect((await outbox(platform.id, f.organisationId)).every((r) => r.status === 'sent')).toBe(true);
    expectDependencyOrder(s);
  });

  it('fails a product whose image the portal rejects, blocks only its chain, and sends it after the fix', async () => {
    const s = await standIn();
    const platform = platformFor(s);
    const f = await fixture(platform.id);
    const [bad, good] = f.products as [Fixture['products'][0], Fixture['products'][0]];
    s.rejectImage(bad.mediaId);
    await recordStages(f, bad.gtin, 'R1', ['commissioning', 'packing']);
    await recordStages(f, good.gtin, 'R2', ['commissioning']);

    await syncUntilIdle(platform);
    const rows = await outbox(platform.id, f.organisationId);
    const badRow = rows.find((r) => r.source_id === bad.id)!;
    expect(badRow).toMatchObject({ status: 'failed', last_code: 'IMAGE_REJECTED', last_http_status: 422 });
    expect(badRow.last_detail).toContain(bad.mediaId);
    expect(s.products.has(`${f.taxCode}/${good.gtin}`)).toBe(true);
    expect(s.chains.size).toBe(1);
    expect(s.events.size).toBe(1);
    const blocked = rows.filter((r) => r.record_key.includes('.R1') || r.record_kind === 'event');
    const waiting = blocked.filter((r) => r.status === 'pending');
    expect(waiting.length).toBe(3); // the chain R1 and its two events
    expect(new Set(waiting.map((r) => r.last_code))).toEqual(new Set(['DEPENDENCY_FAILED']));
    const en = explainNationalCode('IMAGE_REJECTED', 'en')!;
    expect(en.fix).toContain('JPEG or PNG');

    // The business replaces the image: the changed product is queued again and its chain follows.
    await t.db.deleteFrom('product_image').where('product_id', '=', bad.id).execute();
    await addImage(f.organisationId, bad.id);
    advance(60_000);
    await syncUntilIdle(platform);
    expect(s.products.size).toBe(2);
    expect(s.chains.size).toBe(2);
    expect(s.events.size).toBe(3);
    expect((await outbox(platform.id, f.organisationId)).every((r) => r.status === 'sent')).toBe(true);
    expectDependencyOrder(s);
  });

  it('pauses for the Retry-After of a 429 and then continues in order', async () => {
    const s = await standIn();
    const platform = platformFor(s);
    const f = await fixture(platform.id);
    await recordStages(f, f.products[0]!.gtin, 'Q1', ['commissioning', 'packing']);
    s.rateLimit(2, 120);
    const start = clockMs;

    const first = await syncNational(t.db, { platform, clock, publicUrl: PUBLIC_URL });
    expect(first.passes.at(-1)?.pausedUntil?.getTime()).toBe(start + 120_000);
    const state = await repo.platformState(t.db, platform.id);
    expect(state?.last_error_code).toBe('RATE_LIMITED');

    // A minute later the pause still holds: no call at all.
    advance(60_000);
    const calls = s.requests;
    await syncNational(t.db, { platform, clock, publicUrl: PUBLIC_URL });
    expect(s.requests).toBe(calls);

    await syncUntilIdle(platform);
    expect(s.writes.map((w) => RANK[w.kind])).toEqual([0, 1, 1, 2, 3, 3]);
    expectDependencyOrder(s);
    const retries = (await logOf(platform.id, f.organisationId)).filter((l) => l.outcome === 'retry');
    expect(retries.map((r) => [r.code, r.http_status])).toEqual([
      ['RATE_LIMITED', 429],
      ['RATE_LIMITED', 429],
    ]);
  });

  it('loses nothing and keeps the order when the portal is down for an hour', async () => {
    const s = await standIn();
    const platform = platformFor(s);
    const f = await fixture(platform.id, { products: 3 });
    for (const [i, p] of f.products.entries()) await recordStages(f, p.gtin, `D${i}`, ['commissioning', 'packing']);

    // First half hour the connection is refused, second half hour the portal answers 503; the worker keeps trying.
    await s.down('refused');
    const start = clockMs;
    while (clockMs < start + 60 * 60_000) {
      if (clockMs >= start + 30 * 60_000) await s.down('http503');
      await syncNational(t.db, { platform, clock, publicUrl: PUBLIC_URL });
      advance(5 * 60_000);
    }
    expect(s.writes).toEqual([]);
    const held = await outbox(platform.id, f.organisationId);
    expect(held.length).toBe(1 + 3 + 3 + 6);
    expect(held.every((r) => r.status === 'pending')).toBe(true);
    const log = await logOf(platform.id, f.organisationId);
    expect(log.length).toBeGreaterThan(0);
    // Only the head record was tried while the portal was down (backoff), and each try is explained.
    expect(new Set(log.map((l) => l.record_kind))).toEqual(new Set(['organisation']));
    expect(new Set(log.map((l) => l.code))).toEqual(new Set(['PORTAL_UNAVAILABLE']));
    expect(log.some((l) => l.http_status === null && l.detail?.startsWith('Connection failed'))).toBe(true);
    expect(log.some((l) => l.http_status === 503)).toBe(true);
    expect(log.length).toBeLessThanOrEqual(9);
    expect(explainNationalCode('PORTAL_UNAVAILABLE', 'vi')!.explanation).toContain('Không bản ghi nào bị mất');

    await s.down(false);
    await syncUntilIdle(platform);
    expect(s.writes.map((w) => RANK[w.kind])).toEqual([0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3]);
    expectDependencyOrder(s);
    expect((await outbox(platform.id, f.organisationId)).every((r) => r.status === 'sent')).toBe(true);
    expect(s.products.size).toBe(3);
    expect(s.events.size).toBe(6);
  });

  it('does not duplicate a record re-sent after its answer was lost', async () => {
    const s = await standIn();
    const platform = platformFor(s);
    const f = await fixture(platform.id, { products: 1 });
    await recordStages(f, f.products[0]!.gtin, 'X1', ['commissioning']);
    s.loseAnswers(1); // the organisation's answer is lost after the portal stored it

    await syncUntilIdle(platform);
    expect(s.writes.map((w) => w.kind)).toEqual(['organisation', 'organisation', 'product', 'chain', 'event']);
    const retry = (await logOf(platform.id, f.organisationId)).filter((l) => l.outcome === 'retry');
    expect(retry.map((l) => l.code)).toEqual(['PORTAL_UNAVAILABLE']);
    expect(s.organisations.size).toBe(1);
    expect(s.products.size).toBe(1);
    expect(s.chains.size).toBe(1);
    expect(s.events.size).toBe(1);
    expect((await outbox(platform.id, f.organisationId)).every((r) => r.status === 'sent')).toBe(true);
  });

  it('checks products before sending: no image or no net content fails locally with the fix', async () => {
    const s = await standIn();
    const platform = platformFor(s);
    const f = await fixture(platform.id, { products: 1, image: false });
    const g = await fixture(platform.id, { products: 1, netContent: false });

    await syncUntilIdle(platform);
    expect(s.products.size).toBe(0);
    expect(s.organisations.size).toBe(2);
    const [noImage] = (await outbox(platform.id, f.organisationId)).filter((r) => r.record_kind === 'product');
    expect(noImage).toMatchObject({ status: 'failed', last_code: 'LOCAL_IMAGE_MISSING' });
    const [noNet] = (await outbox(platform.id, g.organisationId)).filter((r) => r.record_kind === 'product');
    expect(noNet).toMatchObject({ status: 'failed', last_code: 'LOCAL_NET_CONTENT_MISSING' });
    expect(explainNationalCode('LOCAL_IMAGE_MISSING', 'vi')!.fix).toContain('ảnh');

    await addImage(f.organisationId, f.products[0]!.id);
    await syncUntilIdle(platform);
    expect(s.products.size).toBe(1);
  });

  it('explains a code the catalogue does not know with the code itself', () => {
    expect(explainNationalCode('SOMETHING_NEW', 'en')!.explanation).toContain('SOMETHING_NEW');
    expect(explainNationalCode(null, 'vi')).toBeNull();
  });
});
