import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';
import { RICE } from '../src/standards/profiles/hue.ts';
import { listPublishedStandards, standardForProduct } from '../src/standards/index.ts';
import { apiKeyFor, makeLocation, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';
import { capture, drainJobs } from './helpers/epcis.ts';

let t: TestApp;
let province: Record<string, string>;
let coopUser: Record<string, string>;
let coopKey: Record<string, string>;
let other: Record<string, string>;
let coopId: string;
let otherId: string;
let paddyId: string;
let riceId: string;

const FIELD_GLN = withCheckDigit('893560100000');
const FIELD_SGLN = 'urn:epc:id:sgln:8935601.00000.0';
const MILL_GLN = withCheckDigit('893560200000');
const SHOP_GLN = withCheckDigit('893560300000');
const GTIN_PADDY = withCheckDigit('0893560100001');
const GTIN_RICE = withCheckDigit('0893560100002');
const lot = (gtin: string, l: string) => `https://id.gs1.org/01/${gtin}/10/${l}`;
const site = (id: string) => ({ id: id.startsWith('urn:') ? id : `https://id.gs1.org/414/${id}` });
const at = (day: string) => ({ eventTime: `${day}T08:00:00+07:00`, eventTimeZoneOffset: '+07:00' });

function doc(events: object[]): string {
  return JSON.stringify({
    '@context': [
      'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      { tx: 'https://truyxuat.vn/epcis/' },
    ],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-05-01T00:00:00Z',
    epcisBody: { eventList: events },
  });
}

/** Harvest (at the field, named by GLN or SGLN) → milling → packing → shipping of An Lỗ rice. */
function riceChain(suffix: string, options: { harvestIlmd?: object; field?: string } = {}) {
  const paddy = lot(GTIN_PADDY, `LUA-${suffix}`);
  const milled = lot(GTIN_RICE, `GAO-${suffix}`);
  return {
    paddy,
    milled,
    events: [
      {
        type: 'ObjectEvent',
        ...at('2026-05-20'),
        action: 'ADD',
        bizStep: 'commissioning',
        quantityList: [{ epcClass: paddy, quantity: 4200, uom: 'KGM' }],
        readPoint: site(options.field ?? FIELD_GLN),
        bizLocation: site(options.field ?? FIELD_GLN),
        ilmd: options.harvestIlmd ?? { 'tx:harvestDate': '2026-05-20', 'tx:variety': 'HG12 hữu cơ' },
        certificationInfo: 'https://truyxuat.vn/cert/ORG-VN-2026-11',
      },
      {
        type: 'TransformationEvent',
        ...at('2026-05-27'),
        bizStep: 'commissioning',
        inputQuantityList: [{ epcClass: paddy, quantity: 4200, uom: 'KGM' }],
        outputQuantityList: [{ epcClass: milled, quantity: 2700, uom: 'KGM' }],
        bizLocation: site(MILL_GLN),
        ilmd: { 'tx:bestBefore': '2027-05-27' },
      },
      {
        type: 'ObjectEvent',
        ...at('2026-05-28'),
        action: 'OBSERVE',
        bizStep: 'packing',
        quantityList: [{ epcClass: milled, quantity: 2700, uom: 'KGM' }],
        readPoint: site(MILL_GLN),
        bizLocation: site(MILL_GLN),
      },
      {
        type: 'ObjectEvent',
        ...at('2026-06-01'),
        action: 'OBSERVE',
        bizStep: 'shipping',
        quantityList: [{ epcClass: milled, quantity: 500, uom: 'KGM' }],
        readPoint: site(MILL_GLN),
        bizTransactionList: [{ type: 'desadv', bizTransaction: `urn:epcglobal:cbv:bt:${MILL_GLN}:GAO-${suffix}` }],
        sourceList: [{ type: 'owning_party', source: `https://id.gs1.org/417/${MILL_GLN}` }],
        destinationList: [{ type: 'owning_party', destination: `https://id.gs1.org/417/${SHOP_GLN}` }],
      },
    ],
  };
}

const receiving = (milled: string) => ({
  type: 'ObjectEvent',
  ...at('2026-06-02'),
  action: 'OBSERVE',
  bizStep: 'receiving',
  quantityList: [{ epcClass: milled, quantity: 500, uom: 'KGM' }],
  readPoint: site(MILL_GLN),
  bizLocation: site(MILL_GLN),
  sourceList: [{ type: 'owning_party', source: `https://id.gs1.org/417/${MILL_GLN}` }],
});

async function createProduct(gtin: string, name: string): Promise<string> {
  const r = await t.app.inject({
    method: 'POST',
    url: '/api/products',
    headers: coopUser,
    payload: { gtin, name, groupCode: 'agri.rice' },
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json<{ id: string }>().id;
}

async function lotRow(l: string) {
  return t.db.selectFrom('lot_compliance').selectAll().where('lot', '=', l).executeTakeFirst();
}

beforeAll(async () => {
  t = await startTestApp();
  const authority = await makeOrganisation(t.db, { kind: 'authority' });
  province = (await signInAs(t, authority, 'province_admin')).headers;
  coopId = await makeOrganisation(t.db, { name: 'HTX Nông nghiệp An Lỗ' });
  coopUser = (await signInAs(t, coopId, 'org_admin')).headers;
  coopKey = (await apiKeyFor(t, coopId, ['epcis:capture', 'epcis:query'])).headers;
  otherId = await makeOrganisation(t.db, { name: 'Công ty Thực phẩm Huế' });
  other = (await signInAs(t, otherId, 'org_admin')).headers;
  await makeLocation(t.db, coopId, {
    gln: FIELD_GLN,
    name: 'Cánh đồng An Lỗ',
    growing_area_code: 'VN-TTHOR-0017',
    province_code: '46',
  });
  paddyId = await createProduct(GTIN_PADDY, 'Lúa hữu cơ An Lỗ');
  riceId = await createProduct(GTIN_RICE, 'Gạo hữu cơ An Lỗ');
});
afterAll(async () => t?.close());

describe('products and their standard version', () => {
  it('follow their product group’s current published standard unless bound', async () => {
    expect(await standardForProduct(t.db, riceId)).toMatchObject({
      standardId: 'tccs-hue-rice@1',
      version: 1,
      bound: false,
      profile: { id: 'tccs-hue-rice' },
    });
    expect(await standardForProduct(t.db, 'no-such-product')).toBeUndefined();
    const r = await t.app.inject({ url: `/api/products/${riceId}/standard`, headers: coopUser });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ standardId: 'tccs-hue-rice@1', bound: false, status: 'published' });
    const published = await listPublishedStandards(t.db);
    expect(published.find((s) => s.id === 'tccs-hue-rice@1')).toMatchObject({
      profileId: 'tccs-hue-rice',
      title: RICE.title,
      guide: RICE.guide,
      retentionDays: RICE.retentionDays,
    });
  });

  it('are bound explicitly, only to a published version made for their group, by who may change them', async () => {
    const bind = (headers: Record<string, string>, id: string, standardId: string | null) =>
      t.app.inject({ method: 'PUT', url: `/api/products/${id}/standard`, headers, payload: { standardId } });
    const wrongGroup = await bind(coopUser, riceId, 'fsma-204@1');
    expect(wrongGroup.statusCode).toBe(400);
    expect(wrongGroup.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('standardId');
    expect((await bind(coopUser, riceId, 'nothing@1')).statusCode).toBe(400);
    expect((await bind(other, riceId, 'tccs-hue-rice@1')).statusCode).toBe(404);
    const bound = await bind(coopUser, riceId, 'tccs-hue-rice@1');
    expect(bound.statusCode, bound.body).toBe(200);
    expect(bound.json()).toMatchObject({ standardId: 'tccs-hue-rice@1', bound: true });
  });
});

describe('capture checks events against their products’ standards', () => {
  it('lists the findings of the events just captured as the job’s warnings, and scores the lots', async () => {
    const chain = riceChain('A', { harvestIlmd: { 'tx:variety': 'HG12 hữu cơ' } });
    const outcome = await capture(t, coopKey, doc(chain.events));
    expect(outcome.job).toMatchObject({ success: true, storedCount: 4, standardsBehaviour: 'warn' });
    const warnings = outcome.job!.warnings as { eventIndex: number; field: string; code: string }[];
    expect(warnings).toEqual([
      expect.objectContaining({
        eventIndex: 0,
        gtin: GTIN_PADDY,
        standardId: 'tccs-hue-rice@1',
        cte: 'harvesting',
        code: 'missing_kde',
        severity: 'error',
        field: 'ilmd.tx:harvestDate',
        message: 'The event lacks the key data element ilmd.tx:harvestDate',
      }),
    ]);
    const milled = await lotRow(chain.milled);
    expect(milled).toMatchObject({
      product_id: riceId,
      organisation_id: coopId,
      standard_id: 'tccs-hue-rice@1',
      version: 1,
      event_count: 4,
    });
    expect(milled!.errors).toBe(1);
    expect(await lotRow(chain.paddy)).toMatchObject({ product_id: paddyId, standard_id: 'tccs-hue-rice@1' });
  });

  it('reads the growing-area code of a field named by an SGLN URN', async () => {
    const chain = riceChain('S', { field: FIELD_SGLN });
    const outcome = await capture(t, coopKey, doc(chain.events));
    expect(outcome.job).toMatchObject({ success: true });
    const warned = (outcome.job!.warnings as { field: string }[]).map((w) => w.field);
    // The field's growing-area code is found through the SGLN: nothing is missing.
    expect(warned).toEqual([]);
    const row = await lotRow(chain.milled);
    const fields = (row!.findings as { field: string | null }[]).map((f) => f.field);
    expect(fields).not.toContain('$location.growingAreaCode');
  });

  it('refuses the whole capture under TX-Standards-Behaviour: reject, naming event, field and rule', async () => {
    const chain = riceChain('R', { harvestIlmd: { 'tx:variety': 'HG12' } });
    const before = await t.db
      .selectFrom('epcis_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .execute();
    const refused = await capture(t, coopKey, doc(chain.events), 'application/ld+json', {
      'tx-standards-behaviour': 'reject',
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      type: 'epcisException:ValidationException',
      errors: [{ field: 'eventList/0/ilmd.tx:harvestDate' }],
      standardsViolations: [
        { eventIndex: 0, field: 'ilmd.tx:harvestDate', standardId: 'tccs-hue-rice@1', cte: 'harvesting' },
      ],
    });
    const after = await t.db
      .selectFrom('epcis_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .execute();
    expect(after[0]!.n).toBe(before[0]!.n);
    expect(await lotRow(chain.milled)).toBeUndefined();

    // The single-event endpoint honours the header too; a complete document passes.
    const single = await t.app.inject({
      method: 'POST',
      url: '/epcis/events',
      headers: { ...coopKey, 'content-type': 'application/ld+json', 'tx-standards-behaviour': 'reject' },
      payload: doc([chain.events[0]!]),
    });
    expect(single.statusCode).toBe(400);
    const ok = await capture(t, coopKey, doc(riceChain('R2').events), 'application/ld+json', {
      'tx-standards-behaviour': 'reject',
    });
    expect(ok.job).toMatchObject({ success: true, standardsBehaviour: 'reject' });
    expect((ok.job!.warnings as { severity: string }[]).every((w) => w.severity === 'warning')).toBe(true);
    const bad = await capture(t, coopKey, doc(chain.events), 'application/ld+json', {
      'tx-standards-behaviour': 'sometimes',
    });
    expect(bad.status).toBe(400);
  });

  it('keeps a lot’s score current as later events arrive', async () => {
    const chain = riceChain('K');
    await capture(t, coopKey, doc(chain.events));
    const first = await lotRow(chain.milled);
    const missing = (row: typeof first) =>
      (row!.findings as { code: string; cte: string }[]).filter((f) => f.code === 'missing_event').map((f) => f.cte);
    expect(missing(first)).toEqual(['receiving']);
    await capture(t, coopKey, doc([receiving(chain.milled)]));
    const second = await lotRow(chain.milled);
    expect(second!.event_count).toBe(first!.event_count + 1);
    expect(second!.evaluated_at.getTime()).toBeGreaterThanOrEqual(first!.evaluated_at.getTime());
    expect(missing(second)).toEqual([]);
    // Refreshing again is idempotent.
    const { enqueueLotRefresh } = await import('../src/standards/compliance.service.ts');
    await enqueueLotRefresh(t.db, [chain.milled]);
    await drainJobs(t);
    expect(await lotRow(chain.milled)).toMatchObject({ score: second!.score, event_count: second!.event_count });
  });
});

describe('a new standard version', () => {
  it('leaves bound products on their version, moves the others, and keeps what the old version said', async () => {
    const v2 = { ...RICE, version: 2, ctes: RICE.ctes.filter((c) => c.id !== 'receiving') };
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/standards', headers: province, payload: { document: v2 } }))
        .statusCode,
    ).toBe(201);
    const published = await t.app.inject({
      method: 'POST',
      url: '/api/standards/tccs-hue-rice@2/publish',
      headers: province,
    });
    expect(published.statusCode).toBe(200);
    // Nothing is re-scored silently: the paddy lot keeps its version-1 score until its next event.
    const paddyLot = lot(GTIN_PADDY, 'LUA-K');
    expect(await lotRow(paddyLot)).toMatchObject({ standard_id: 'tccs-hue-rice@1' });

    expect(await standardForProduct(t.db, riceId)).toMatchObject({
      standardId: 'tccs-hue-rice@1',
      bound: true,
      status: 'superseded',
    });
    expect(await standardForProduct(t.db, paddyId)).toMatchObject({ standardId: 'tccs-hue-rice@2', bound: false });

    // Rebinding is explicit; a superseded version cannot be chosen any more.
    const stale = await t.app.inject({
      method: 'PUT',
      url: `/api/products/${paddyId}/standard`,
      headers: coopUser,
      payload: { standardId: 'tccs-hue-rice@1' },
    });
    expect(stale.statusCode).toBe(400);

    // An event on the paddy lot re-scores it under version 2; the version-1 score is kept as a stored evaluation.
    const inspection = {
      type: 'ObjectEvent',
      ...at('2026-05-21'),
      action: 'OBSERVE',
      bizStep: 'inspecting',
      quantityList: [{ epcClass: paddyLot, quantity: 4200, uom: 'KGM' }],
      readPoint: site(FIELD_GLN),
    };
    await capture(t, coopKey, doc([inspection]));
    expect(await lotRow(paddyLot)).toMatchObject({ standard_id: 'tccs-hue-rice@2', version: 2 });
    const kept = await t.db
      .selectFrom('standard_evaluation')
      .select(['standard_id', 'version', 'evaluated_by'])
      .where('lot', '=', paddyLot)
      .execute();
    expect(kept).toEqual([{ standard_id: 'tccs-hue-rice@1', version: 1, evaluated_by: 'compliance' }]);

    // Unbinding the rice product moves it to version 2 and re-scores its lots.
    const unbound = await t.app.inject({
      method: 'PUT',
      url: `/api/products/${riceId}/standard`,
      headers: coopUser,
      payload: { standardId: null },
    });
    expect(unbound.json()).toMatchObject({ standardId: 'tccs-hue-rice@2', bound: false });
    await drainJobs(t);
    expect(await lotRow(lot(GTIN_RICE, 'GAO-A'))).toMatchObject({ standard_id: 'tccs-hue-rice@2' });
  });
});

describe('lot scores and reports', () => {
  it('lists lot scores to their organisation and the province only', async () => {
    const own = await t.app.inject({ url: '/api/compliance/lots?limit=100', headers: coopUser });
    expect(own.statusCode, own.body).toBe(200);
    const page = own.json<{ total: number; items: { lot: string; score: number; productName: string }[] }>();
    expect(page.total).toBe(8);
    const scores = page.items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(page.items.find((i) => i.lot === lot(GTIN_RICE, 'GAO-A'))).toMatchObject({
      productName: 'Gạo hữu cơ An Lỗ',
    });
    expect((await t.app.inject({ url: '/api/compliance/lots', headers: other })).json<{ total: number }>().total).toBe(
      0,
    );
    expect(
      (await t.app.inject({ url: `/api/compliance/lots?organisation=${coopId}`, headers: other })).statusCode,
    ).toBe(404);
    const all = await t.app.inject({
      url: `/api/compliance/lots?organisation=${coopId}&maxScore=99`,
      headers: province,
    });
    expect(all.json<{ items: { score: number }[] }>().items.every((i) => i.score <= 99)).toBe(true);
    expect((await t.app.inject({ url: '/api/compliance/lots' })).statusCode).toBe(401);
  });

  it('reports an organisation and a product group: average, distribution and the most common gaps', async () => {
    const r = await t.app.inject({ url: `/api/compliance/report?organisation=${coopId}`, headers: coopUser });
    expect(r.statusCode, r.body).toBe(200);
    const report = r.json<{
      lots: number;
      averageScore: number;
      distribution: { band: string; lots: number }[];
      commonGaps: { code: string; field: string | null; lots: number; share: number }[];
      byStandard: { standardId: string; lots: number }[];
    }>();
    expect(report.lots).toBe(8);
    expect(report.distribution).toHaveLength(10);
    expect(report.distribution.reduce((a, b) => a + b.lots, 0)).toBe(8);
    expect(report.averageScore).toBeGreaterThan(0);
    expect(report.byStandard.reduce((a, b) => a + b.lots, 0)).toBe(8);
    expect(report.commonGaps.length).toBeGreaterThan(0);
    expect(report.commonGaps[0]!.share).toBeCloseTo(report.commonGaps[0]!.lots / 8, 2);

    const group = await t.app.inject({ url: '/api/compliance/report?productGroup=agri.rice', headers: province });
    expect(group.json<{ lots: number }>().lots).toBe(8);
    const foreign = await t.app.inject({ url: '/api/compliance/report?productGroup=agri.rice', headers: other });
    expect(foreign.json<{ lots: number; averageScore: number | null }>()).toMatchObject({
      lots: 0,
      averageScore: null,
    });
    expect(
      (await t.app.inject({ url: `/api/compliance/report?organisation=${coopId}`, headers: other })).statusCode,
    ).toBe(404);
    expect((await t.app.inject({ url: '/api/compliance/report', headers: coopUser })).statusCode).toBe(400);
  });
});

describe('the self-assessment evidence (TCVN 13167:2025)', () => {
  it('maps the organisation’s records to the five criteria with a verdict each', async () => {
    const r = await t.app.inject({ url: `/api/compliance/self-assessment?organisation=${coopId}`, headers: coopUser });
    expect(r.statusCode, r.body).toBe(200);
    const report = r.json<{
      verdict: string;
      criteria: { id: string; verdict: string; measures: { key: string; numerator: number; denominator: number }[] }[];
    }>();
    expect(report.criteria.map((c) => c.id)).toEqual([
      'identification',
      'capture',
      'sharing',
      'one_step',
      'record_keeping',
    ]);
    const m = (criterion: string, key: string) =>
      report.criteria.find((c) => c.id === criterion)!.measures.find((x) => x.key === key)!;
    expect(m('identification', 'productsWithValidGtin')).toMatchObject({ numerator: 2, denominator: 2 });
    expect(m('identification', 'locationsWithValidGln')).toMatchObject({ numerator: 1, denominator: 1 });
    expect(m('capture', 'productsWithStandard')).toMatchObject({ numerator: 2, denominator: 2 });
    // Lot A lacks its harvest date: of 8 lots, the two of chain A miss a required key data element.
    expect(m('capture', 'lotsWithRequiredKdes').denominator).toBe(8);
    expect(m('capture', 'lotsWithRequiredKdes').numerator).toBeLessThan(8);
    // Every shipping event names its receiver; the shop is not a registered organisation: no shipment to confirm.
    expect(m('one_step', 'shippingWithDestination')).toMatchObject({ numerator: 4, denominator: 4 });
    expect(report.criteria.find((c) => c.id === 'sharing')!.verdict).toBe('not_met');
    expect(report.criteria.find((c) => c.id === 'identification')!.verdict).toBe('met');
    expect(['partly', 'not_met']).toContain(report.verdict);

    expect(
      (await t.app.inject({ url: `/api/compliance/self-assessment?organisation=${coopId}`, headers: other }))
        .statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ url: `/api/compliance/self-assessment?organisation=${coopId}`, headers: province }))
        .statusCode,
    ).toBe(200);
  });

  it('prints as a PDF in Vietnamese, or in English on request', async () => {
    for (const [lang, expected] of [
      ['vi', ['Bằng chứng tự đánh giá', 'HTX Nông nghiệp An Lỗ', 'Một bước trước, một bước sau', 'diễn giải']],
      ['en', ['Traceability system self-assessment evidence', 'Record keeping', 'paraphrased']],
    ] as const) {
      const r = await t.app.inject({
        url: `/api/compliance/self-assessment.pdf?organisation=${coopId}&lang=${lang}`,
        headers: coopUser,
      });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('application/pdf');
      const file = path.join(os.tmpdir(), `self-assessment-${randomUUID()}.pdf`);
      fs.writeFileSync(file, r.rawPayload);
      const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
      fs.rmSync(file);
      for (const e of expected) expect(text).toContain(e);
    }
  });
});
