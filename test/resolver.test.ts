import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../src/db/schema.ts';
import { compressDigitalLink, withCheckDigit } from '../src/identifiers/index.ts';
import { scanLogFor } from '../src/resolver/index.ts';
import { ScanLog } from '../src/resolver/scan-log.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';
import { capture, CONFORMANCE, drainJobs } from './helpers/epcis.ts';

/**
 * The resolver against the running application: one test per SHALL statement of the GS1 resolver test suite (the
 * statements are read from `conformance/gs1-resolver-testsuite/` and each must map to a test below), the resolution
 * cascade, walk-up, the link API's access rules, the alert rules through scripted scan sequences, and the scan log
 * under load.
 */

const ROOT = 'https://id.truyxuat.example';
const SUITE = path.join(CONFORMANCE, 'gs1-resolver-testsuite');
const MODEL = JSON.parse(fs.readFileSync(path.join(SUITE, 'modelLinkset.json'), 'utf8')) as {
  linkset: Record<string, unknown>[];
};

const MODEL_GTIN = '09506000164908';
const GTIN = withCheckDigit('0893500199001');
const OTHER_GTIN = withCheckDigit('0893500199002');
const BRAND_GLN = withCheckDigit('893500199000');
const SHOP_GLN = withCheckDigit('893500299000');

let t: TestApp;
let brandId: string;
let brand: Record<string, string>;
let other: Record<string, string>;
let inspector: Record<string, string>;
let province: Record<string, string>;

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

async function insertProduct(db: Kysely<DB>, organisationId: string, gtin: string, name: string, shelfLifeDays = 30) {
  const id = `p-${gtin}`;
  await db
    .insertInto('product')
    .values({
      id,
      organisation_id: organisationId,
      gtin,
      name,
      name_en: `${name} (en)`,
      group_code: 'agri.lotus',
      shelf_life_days: shelfLifeDays,
    })
    .execute();
  return id;
}

async function insertStamps(
  db: Kysely<DB>,
  productId: string,
  stamps: { serial: string; lot: string | null; state: string }[],
) {
  const batchId = `b-${productId}`;
  await db
    .insertInto('stamp_batch')
    .values({
      id: batchId,
      organisation_id: brandId,
      product_id: productId,
      gtin: GTIN,
      lot: null,
      quantity: stamps.length,
      layout: 'a4-40',
      with_verification_code: false,
      state: 'partly_activated',
      created_by: null,
    })
    .execute();
  await db
    .insertInto('stamp')
    .values(
      stamps.map((s, i) => ({
        batch_id: batchId,
        sequence: i + 1,
        organisation_id: brandId,
        gtin: GTIN,
        serial: s.serial,
        lot: s.lot,
        verification_code_hash: null,
        state: s.state as 'issued',
        activated_at: s.state === 'issued' ? null : new Date(),
      })),
    )
    .execute();
}

const lotUri = (lot: string) => `https://id.gs1.org/01/${GTIN}/10/${lot}`;

beforeAll(async () => {
  t = await startTestApp({ publicUrl: ROOT });
  brandId = await makeOrganisation(t.db, { name: 'Công ty Sen Huế' });
  const shopId = await makeOrganisation(t.db, { name: 'Cửa hàng TP HCM' });
  const otherId = await makeOrganisation(t.db, { name: 'Công ty khác' });
  await t.db
    .updateTable('organisation')
    .set({ primary_gln: BRAND_GLN, province_code: '46' })
    .where('id', '=', brandId)
    .execute();
  await t.db
    .updateTable('organisation')
    .set({ primary_gln: SHOP_GLN, province_code: '79' })
    .where('id', '=', shopId)
    .execute();
  const authority = await makeOrganisation(t.db, { kind: 'authority' });
  brand = (await signInAs(t, brandId, 'org_admin')).headers;
  other = (await signInAs(t, otherId, 'org_admin')).headers;
  inspector = (await signInAs(t, authority, 'province_inspector')).headers;
  province = (await signInAs(t, authority, 'province_admin')).headers;

  const modelProduct = await insertProduct(t.db, brandId, MODEL_GTIN, 'Áo thun trắng cổ tròn');
  void modelProduct;
  const product = await insertProduct(t.db, brandId, GTIN, 'Hạt sen sấy Huế', 30);
  await insertProduct(t.db, otherId, OTHER_GTIN, 'Sản phẩm của công ty khác');
  await t.db
    .insertInto('location')
    .values({ id: 'loc-brand', organisation_id: brandId, gln: BRAND_GLN, name: 'Xưởng sen Huế', kind: 'factory' })
    .execute();

  // The model linkset's links, entered through the API (the serial-level link uses gs1:productPassport: the model's
  // gs1:dpp is not in the link-type catalogue of the resolver description file).
  const context = MODEL.linkset[0]!;
  for (const [key, value] of Object.entries(context)) {
    if (!key.startsWith('https://ref.gs1.org/voc/') || key.endsWith('/defaultLink')) continue;
    for (const link of value as {
      href: string;
      title: string;
      type?: string;
      hreflang?: string[];
      context?: string[];
    }[]) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/resolver/links',
        headers: brand,
        payload: {
          identifier: `/01/${MODEL_GTIN}`,
          linkType: `gs1:${key.slice('https://ref.gs1.org/voc/'.length)}`,
          title: link.title,
          href: link.href,
          ...(link.type ? { mediaType: link.type } : {}),
          ...(link.hreflang ? { hreflang: link.hreflang } : {}),
          ...(link.context ? { context: link.context } : {}),
          isDefault: key.endsWith('/homepage'),
        },
      });
      expect(r.statusCode, r.body).toBe(201);
    }
  }
  const serialLink = await t.app.inject({
    method: 'POST',
    url: '/api/resolver/links',
    headers: brand,
    payload: {
      identifier: `https://id.gs1.org/01/${MODEL_GTIN}/21/1234`,
      linkType: 'gs1:productPassport',
      title: 'DPP',
      href: 'https://example.com/dpp/7132mlkG',
      mediaType: 'application/vc',
    },
  });
  expect(serialLink.statusCode, serialLink.body).toBe(201);

  // Supply chain of the serialised product: lot L1 made now and shipped from Huế (46) to a shop in HCM (79); lot OLD
  // made in 2020 (expired after 30 days of shelf life); lot R9 recalled.
  const key = (await apiKeyFor(t, brandId, ['epcis:capture', 'epcis:query'])).headers;
  const doc = (events: object[]) =>
    JSON.stringify({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: new Date().toISOString(),
      epcisBody: { eventList: events },
    });
  const commission = (lot: string, when: Date, production: string) => ({
    type: 'ObjectEvent',
    eventTime: when.toISOString(),
    eventTimeZoneOffset: '+07:00',
    action: 'ADD',
    bizStep: 'commissioning',
    quantityList: [{ epcClass: lotUri(lot), quantity: 100, uom: 'KGM' }],
    ilmd: { 'cbvmda:productionDate': production },
  });
  const now = new Date();
  const captured = await capture(
    t,
    key,
    doc([
      commission('L1', new Date(now.getTime() - 86_400_000), now.toISOString().slice(0, 10)),
      commission('OLD', new Date('2020-01-02T00:00:00Z'), '2020-01-01'),
      commission('R9', new Date(now.getTime() - 86_400_000), now.toISOString().slice(0, 10)),
      {
        type: 'ObjectEvent',
        eventTime: now.toISOString(),
        eventTimeZoneOffset: '+07:00',
        action: 'OBSERVE',
        bizStep: 'shipping',
        quantityList: [{ epcClass: lotUri('L1'), quantity: 100, uom: 'KGM' }],
        sourceList: [{ type: 'owning_party', source: `https://id.gs1.org/417/${BRAND_GLN}` }],
        destinationList: [{ type: 'owning_party', destination: `https://id.gs1.org/417/${SHOP_GLN}` }],
      },
    ]),
  );
  expect(captured.job).toMatchObject({ success: true });
  const recall = await t.app.inject({
    method: 'POST',
    url: '/api/recalls',
    headers: province,
    payload: { lots: [lotUri('R9')], reason: 'Nhiễm nấm mốc', severity: 'high' },
  });
  expect(recall.statusCode, recall.body).toBe(201);

  await insertStamps(t.db, product, [
    { serial: 'ACT1', lot: 'L1', state: 'activated' },
    { serial: 'ACT2', lot: 'L1', state: 'activated' },
    { serial: 'ACT3', lot: 'L1', state: 'activated' },
    { serial: 'ACT4', lot: 'L1', state: 'activated' },
    { serial: 'NEW1', lot: null, state: 'issued' },
    { serial: 'VOID1', lot: 'L1', state: 'void' },
    { serial: 'OLD1', lot: 'OLD', state: 'activated' },
    { serial: 'REC1', lot: 'R9', state: 'activated' },
    { serial: 'LOAD1', lot: 'L1', state: 'activated' },
    { serial: 'ACT5', lot: 'L1', state: 'activated' },
  ]);
  await drainJobs(t);
}, 300_000);

afterAll(async () => {
  await t?.close();
});

/** The linkset schema the tests validate against: RFC 9264 §4.2 as the GS1 resolver standard constrains it. */
const LINKSET_SCHEMA = {
  type: 'object',
  required: ['linkset'],
  additionalProperties: false,
  properties: {
    linkset: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['anchor'],
        properties: {
          anchor: { type: 'string', pattern: '^https?://[a-zA-Z0-9./]+' },
          itemDescription: { type: 'string' },
          description: { type: 'string' },
        },
        patternProperties: {
          '^https?://': {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['href', 'title'],
              additionalProperties: false,
              properties: {
                href: { type: 'string', pattern: '^https?://' },
                title: { type: 'string', minLength: 1 },
                type: { type: 'string', pattern: '^[a-z]+/[A-Za-z0-9!#$&^_.+-]+' },
                hreflang: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$' } },
                context: { type: 'array', items: { type: 'string' } },
              },
            },
          },
        },
        additionalProperties: false,
      },
    },
  },
};
const validateLinkset = new Ajv({ allErrors: true, strict: false }).compile(LINKSET_SCHEMA);

function expectValidLinkset(body: unknown): void {
  const ok = validateLinkset(body);
  expect(validateLinkset.errors ?? [], JSON.stringify(body).slice(0, 500)).toEqual([]);
  expect(ok).toBe(true);
}

function linkHeader(r: { headers: Record<string, string | string[] | number | undefined> }): string {
  const h = r.headers.link;
  return Array.isArray(h) ? h.join(', ') : h === undefined ? '' : String(h);
}

const MODEL_PATH = `/01/${MODEL_GTIN}`;

// ---- the SHALL statements ----

type Check = () => Promise<void>;

const checks = {
  keyQualifiers: async () => {
    for (const url of [
      `/01/${GTIN}/10/L1`,
      `/01/${GTIN}/21/ACT1`,
      `/01/${GTIN}/10/L1/21/ACT1`,
      `/01/${GTIN}/22/A1/10/L1/21/ACT1`,
      `/01/${GTIN}/235/TPX1`,
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(307);
    }
    const location = await t.app.inject({
      method: 'POST',
      url: '/api/resolver/links',
      headers: brand,
      payload: {
        identifier: `/414/${BRAND_GLN}/254/DOCK1`,
        linkType: 'gs1:locationInfo',
        title: 'Bến xuất hàng',
        href: 'https://sen.example/dock1',
      },
    });
    expect(location.statusCode, location.body).toBe(201);
    expect((await get(`/414/${BRAND_GLN}/254/DOCK1`)).headers.location).toBe('https://sen.example/dock1');
  },
  methods: async () => {
    const g = await get(MODEL_PATH);
    expect(g.statusCode).toBe(307);
    const h = await t.app.inject({ method: 'HEAD', url: MODEL_PATH });
    expect(h.statusCode).toBe(307);
    expect(h.headers.location).toBe(g.headers.location);
    expect(h.body).toBe('');
    const o = await t.app.inject({ method: 'OPTIONS', url: MODEL_PATH });
    expect(o.statusCode).toBe(204);
    expect(o.headers.allow).toContain('HEAD');
    expect(o.headers.allow).toContain('OPTIONS');
  },
  https: async () => {
    // TLS ends at the reverse proxy; every URI the resolver publishes is on its https root.
    const d = (await get('/.well-known/gs1resolver')).json<{ resolverRoot: string }>();
    expect(d.resolverRoot).toBe(ROOT);
    expect(ROOT.startsWith('https://')).toBe(true);
    const ls = (await get(`${MODEL_PATH}?linkType=linkset`)).json<{ linkset: { anchor: string }[] }>();
    expect(ls.linkset.every((c) => c.anchor.startsWith('https://'))).toBe(true);
    expect(linkHeader(await get(MODEL_PATH))).toContain(`<${ROOT}${MODEL_PATH}?linkType=linkset>`);
  },
  cors: async () => {
    const r = await get(MODEL_PATH, { origin: 'https://scanner.example' });
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(String(r.headers['access-control-expose-headers'])).toContain('Link');
    const pre = await t.app.inject({
      method: 'OPTIONS',
      url: MODEL_PATH,
      headers: { origin: 'https://scanner.example', 'access-control-request-method': 'GET' },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(String(pre.headers['access-control-allow-methods'])).toContain('GET');
    const wk = await get('/.well-known/gs1resolver', { origin: 'https://scanner.example' });
    expect(wk.headers['access-control-allow-origin']).toBe('*');
  },
  badSyntax: async () => {
    for (const url of [
      `/01/${GTIN.slice(0, 13)}0`, // wrong check digit
      `${MODEL_PATH}/foo`,
      `/01/${GTIN}/10/L1/21`,
      `/01/${GTIN}/99/X`,
      `/01/${GTIN}/21/ACT1/10/L1`, // qualifiers out of order
      '/414/123',
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
    }
  },
  no200ForErrors: async () => {
    const cases: [string, number][] = [
      [`/01/${withCheckDigit('0893599999999')}`, 404],
      [`${MODEL_PATH}?linkType=gs1:recipeInfo`, 404],
      [`/01/${GTIN.slice(0, 13)}0`, 400],
      ['/not-a-link', 404],
    ];
    for (const [url, status] of cases) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(status);
      expect(r.json<{ status: number }>().status).toBe(status);
    }
  },
  decompress: async () => {
    const compressed = new URL(compressDigitalLink(`https://id.gs1.org/01/${GTIN}/10/L1/21/ACT1`)).pathname;
    const plain = await get(`/01/${GTIN}/10/L1/21/ACT1`);
    const r = await get(compressed);
    expect(r.statusCode).toBe(307);
    expect(r.headers.location).toBe(plain.headers.location);
  },
  noRedirectToUncompressed: async () => {
    const compressed = new URL(compressDigitalLink(`https://id.gs1.org/01/${GTIN}/21/ACT1`)).pathname;
    const r = await get(compressed);
    expect(r.statusCode).toBe(307);
    expect(r.headers.location).not.toBe(`${ROOT}/01/${GTIN}/21/ACT1`);
    expect(r.headers.location).toBe(`${ROOT}/p/01/${GTIN}/21/ACT1`);
  },
  sameAs: async () => {
    const compressed = new URL(compressDigitalLink(`https://id.gs1.org/01/${GTIN}/10/L1`)).pathname;
    const r = await get(compressed);
    expect(linkHeader(r)).toContain(`<${ROOT}/01/${GTIN}/10/L1>; rel="owl:sameAs"`);
  },
  linkset: async () => {
    for (const r of [
      await get(`${MODEL_PATH}?linkType=linkset`),
      await get(MODEL_PATH, { accept: 'application/linkset+json' }),
    ]) {
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain('application/linkset+json');
      expectValidLinkset(r.json());
    }
    // The model linkset itself passes the same schema: the schema is the model's shape, not ours.
    expectValidLinkset(MODEL);
  },
  linksetLevels: async () => {
    const body = (await get(`${MODEL_PATH}/21/1234?linkType=linkset`)).json<{ linkset: Record<string, unknown>[] }>();
    expectValidLinkset(body);
    expect(body.linkset.map((c) => c.anchor)).toEqual([`${ROOT}${MODEL_PATH}/21/1234`, `${ROOT}${MODEL_PATH}`]);
    expect(body.linkset[0]!['https://ref.gs1.org/voc/productPassport']).toEqual([
      { href: 'https://example.com/dpp/7132mlkG', title: 'DPP', type: 'application/vc' },
    ]);
    expect(body.linkset[1]!['https://ref.gs1.org/voc/certificationInfo']).toHaveLength(6);
  },
  uncompressedSubject: async () => {
    const compressed = new URL(compressDigitalLink(`https://id.gs1.org/01/${GTIN}/10/L1`)).pathname;
    const body = (await get(`${compressed}?linkType=linkset`)).json<{ linkset: { anchor: string }[] }>();
    expectValidLinkset(body);
    expect(body.linkset[0]!.anchor).toBe(`${ROOT}/01/${GTIN}/10/L1`);
  },
  linkAttributes: async () => {
    const body = (await get(`${MODEL_PATH}?linkType=linkset`)).json<{ linkset: Record<string, unknown>[] }>();
    let withLanguage = 0;
    for (const context of body.linkset)
      for (const [key, value] of Object.entries(context)) {
        if (!key.startsWith('https://')) continue;
        for (const link of value as { href: string; title: string; hreflang?: string[] }[]) {
          expect(link.href).toMatch(/^https?:\/\//);
          expect(link.title.length).toBeGreaterThan(0);
          if (link.hreflang) withLanguage += 1;
        }
      }
    expect(withLanguage).toBeGreaterThan(0);
    // The automatic links are in the same shape, in both languages of the portal.
    const auto = (await get(`/01/${GTIN}?linkType=linkset`)).json<{ linkset: Record<string, unknown>[] }>();
    expectValidLinkset(auto);
    expect(auto.linkset[0]!['https://ref.gs1.org/voc/pip']).toEqual([
      {
        href: `${ROOT}/p/01/${GTIN}`,
        title: 'Thông tin sản phẩm và nguồn gốc',
        type: 'text/html',
        hreflang: ['vi', 'en'],
      },
    ]);
  },
  ianaMediaType: async () => {
    for (const mediaType of ['text/htm l', 'html', 'foo/bar', 'text/']) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/resolver/links',
        headers: brand,
        payload: {
          identifier: MODEL_PATH,
          linkType: 'gs1:faqs',
          title: 'FAQ',
          href: 'https://x.example/faq',
          mediaType,
        },
      });
      expect(r.statusCode, mediaType).toBe(400);
      expect(r.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('mediaType');
    }
  },
  defaultDescribed: async () => {
    const body = (await get(`${MODEL_PATH}?linkType=linkset`)).json<{ linkset: Record<string, unknown>[] }>();
    const context = body.linkset[0]!;
    const defaults = context['https://ref.gs1.org/voc/defaultLink'] as { href: string; title: string }[];
    expect(defaults).toEqual([{ href: 'https://ref.gs1.org/tools/demo/2024retail/', title: 'Menu' }]);
    expect(context['https://ref.gs1.org/voc/homepage']).toContainEqual(
      expect.objectContaining({ href: defaults[0]!.href }),
    );
  },
  jsonLdContext: async () => {
    const h = linkHeader(await get(`${MODEL_PATH}?linkType=linkset`));
    expect(h).toContain('rel="http://www.w3.org/ns/json-ld#context"');
    expect(h).toContain('type="application/ld+json"');
  },
  oneDefault: async () => {
    for (const url of [MODEL_PATH, `${MODEL_PATH}/21/1234`, `/01/${GTIN}`, `/01/${GTIN}/10/L1/21/ACT1`]) {
      const body = (await get(`${url}?linkType=linkset`)).json<{ linkset: Record<string, unknown>[] }>();
      const defaults = body.linkset.flatMap(
        (c) => (c['https://ref.gs1.org/voc/defaultLink'] as object[] | undefined) ?? [],
      );
      expect(defaults, url).toHaveLength(1);
      expect(Object.keys(defaults[0]!).sort()).toEqual(['href', 'title']);
    }
  },
  redirectDefault: async () => {
    const r = await get(MODEL_PATH);
    expect(r.statusCode).toBe(307);
    expect(r.headers.location).toBe('https://ref.gs1.org/tools/demo/2024retail/');
    // Better information in the request (a context) is used: here none of the default's type matches, so the
    // default stays.
    expect((await get(`${MODEL_PATH}?context=LK`)).headers.location).toBe(
      'https://ref.gs1.org/tools/demo/2024retail/?context=LK',
    );
  },
  defaultUpTheTree: async () => {
    for (const url of [`${MODEL_PATH}/21/1234`, `${MODEL_PATH}/10/ANY/21/UNKNOWN`, `/01/${GTIN}/10/NOPE/21/NOPE`]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(307);
    }
    expect((await get(`${MODEL_PATH}/21/1234`)).headers.location).toBe('https://ref.gs1.org/tools/demo/2024retail/');
  },
  requestedType: async () => {
    expect((await get(`${MODEL_PATH}?linkType=gs1:pip`)).headers.location).toBe(
      'https://ref.gs1.org/tools/demo/2024retail/pip?linkType=gs1:pip',
    );
    expect((await get(`${MODEL_PATH}?linkType=https://gs1.org/voc/instructions`)).headers.location).toContain(
      '/recycling',
    );
    expect((await get(`/01/${GTIN}/21/ACT1?linkType=gs1:epcis`)).headers.location).toBe(
      `${ROOT}/epcis/events?MATCH_anyEPC=${encodeURIComponent(`https://id.gs1.org/01/${GTIN}/21/ACT1`)}&linkType=gs1:epcis`,
    );
  },
  missingType404: async () => {
    const r = await get(`${MODEL_PATH}?linkType=gs1:recipeInfo`);
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toContain('application/problem+json');
  },
  queryPassOn: async () => {
    const r = await get(`${MODEL_PATH}?utm_source=label&x=1%202`);
    expect(r.headers.location).toBe('https://ref.gs1.org/tools/demo/2024retail/?utm_source=label&x=1%202');
    const serial = await get(`/01/${GTIN}/21/ACT1?lang=en`);
    expect(serial.headers.location).toBe(`${ROOT}/p/01/${GTIN}/21/ACT1?lang=en`);
  },
  negotiation: async () => {
    const lang = (l: string) => get(`${MODEL_PATH}?linkType=gs1:sustainabilityInfo`, { 'accept-language': l });
    expect((await lang('fr-FR,fr;q=0.9')).headers.location).toContain('/fr/sustainability');
    expect((await lang('en-GB')).headers.location).toContain('/en/sustainability');
    const ctx = await get(`${MODEL_PATH}?linkType=gs1:certificationInfo&context=LK`, { 'accept-language': 'en' });
    expect(ctx.statusCode).toBe(307);
    expect(ctx.headers.location).toBe('https://certificate.example/003?linkType=gs1:certificationInfo&context=LK');
    const pdf = await get(`${MODEL_PATH}?linkType=gs1:certificationInfo`, {
      'accept-language': 'en',
      accept: 'application/pdf',
    });
    expect(pdf.headers.location).toBe('https://certificate.example/002?linkType=gs1:certificationInfo');
    const several = await get(`${MODEL_PATH}?linkType=gs1:certificationInfo`);
    expect(several.statusCode).toBe(300);
    const choices = several.json<{ linkset: Record<string, unknown>[] }>();
    expectValidLinkset(choices);
    expect((choices.linkset[0]!['https://ref.gs1.org/voc/certificationInfo'] as object[]).length).toBeGreaterThan(1);
    expect(linkHeader(several)).toContain('certificate.example/001');
  },
  descriptionFile: async () => {
    const r = await get('/.well-known/gs1resolver');
    expect(r.statusCode).toBe(200);
    const d = r.json<Record<string, unknown>>();
    expect(d.resolverRoot).toBe(ROOT);
  },
  primaryKeysListed: async () => {
    const d = (await get('/.well-known/gs1resolver')).json<{ supportedPrimaryKeys: string[] }>();
    for (const key of ['01', '00', '414', '8004', '253']) expect(d.supportedPrimaryKeys).toContain(key);
    for (const key of d.supportedPrimaryKeys) {
      const status = (await get(`/${key}/0`)).statusCode;
      expect(status, key).toBe(400); // routed to the resolver, refused as bad syntax (not the API's 404)
    }
  },
  contextDeclared: async () => {
    const d = (await get('/.well-known/gs1resolver')).json<{ linksetContext: string }>();
    expect(d.linksetContext).toMatch(/^https:\/\/ref\.gs1\.org\/standards\/resolver\/linkset-context$/);
  },
  handledBy: async () => {
    // This resolver never redirects on a company prefix alone: an unregistered GTIN of a known prefix is not found,
    // so no answer needs gs1:handledBy.
    const r = await get(`/01/${withCheckDigit('0893500199999')}`);
    expect(r.statusCode).toBe(404);
    expect(linkHeader(r)).not.toContain('handledBy');
  },
  trailingSlash: async () => {
    const plain = await get(MODEL_PATH);
    const slash = await get(`${MODEL_PATH}/`);
    expect(slash.statusCode).toBe(307);
    expect(slash.headers.location).toBe(plain.headers.location);
    const compressed = new URL(compressDigitalLink(`https://id.gs1.org/01/${GTIN}/21/ACT1`)).pathname;
    expect((await get(`${compressed}/`)).statusCode).toBe(307);
  },
  linksetLinkHeader: async () => {
    for (const url of [MODEL_PATH, `/01/${GTIN}/21/ACT1`]) {
      const r = await get(url);
      expect(r.statusCode).toBe(307);
      expect(linkHeader(r)).toContain(`rel="linkset"; type="application/linkset+json"`);
    }
  },
  vocabulary: async () => {
    const post = (linkType: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/resolver/links',
        headers: brand,
        payload: { identifier: `/01/${GTIN}/10/L1`, linkType, title: 'Hướng dẫn', href: 'https://sen.example/hd' },
      });
    for (const ok of ['gs1:instructions', 'https://gs1.org/voc/instructions', 'https://ref.gs1.org/voc/instructions']) {
      const r = await post(ok);
      expect(r.statusCode, ok).toBe(201);
      expect(r.json<{ linkType: string }>().linkType).toBe('gs1:instructions');
      await t.app.inject({
        method: 'DELETE',
        url: `/api/resolver/links/${r.json<{ id: string }>().id}`,
        headers: brand,
      });
    }
    for (const bad of ['gs1:notAType', 'schema:url', 'pip', 'gs1:defaultLink'])
      expect((await post(bad)).statusCode, bad).toBe(400);
  },
  linkTypeAll: async () => {
    const r = await get(`${MODEL_PATH}/21/1234?linkType=all`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('application/linkset+json');
    const body = r.json<{ linkset: { anchor: string }[] }>();
    expectValidLinkset(body);
    expect(body.linkset).toHaveLength(2);
  },
  fullListWhenRedirecting: async () => {
    const h = linkHeader(await get(MODEL_PATH));
    for (const type of ['certificationInfo', 'homepage', 'instructions', 'pip', 'sustainabilityInfo', 'traceability'])
      expect(h).toContain(`rel="https://ref.gs1.org/voc/${type}"`);
    expect(h).toMatch(/title="Track and Trace"/);
  },
  defaultLinkType: async () => {
    // The default link type (here gs1:pip, automatic) answers by default; its language variants disambiguate.
    const r = await get(`/01/${GTIN}`, { 'accept-language': 'en' });
    expect(r.headers.location).toBe(`${ROOT}/p/01/${GTIN}`);
    const explicit = await t.app.inject({
      method: 'POST',
      url: '/api/resolver/links',
      headers: brand,
      payload: {
        identifier: `/01/${GTIN}`,
        linkType: 'gs1:pip',
        title: 'Product page',
        href: 'https://sen.example/en',
        hreflang: ['en'],
        isDefault: true,
      },
    });
    expect(explicit.statusCode).toBe(201);
    const vi = await t.app.inject({
      method: 'POST',
      url: '/api/resolver/links',
      headers: brand,
      payload: {
        identifier: `/01/${GTIN}`,
        linkType: 'gs1:pip',
        title: 'Trang sản phẩm',
        href: 'https://sen.example/vi',
        hreflang: ['vi'],
      },
    });
    expect(vi.statusCode).toBe(201);
    try {
      expect((await get(`/01/${GTIN}`, { 'accept-language': 'vi' })).headers.location).toBe('https://sen.example/vi');
      expect((await get(`/01/${GTIN}`, { 'accept-language': 'en' })).headers.location).toBe('https://sen.example/en');
      expect((await get(`/01/${GTIN}`, { 'accept-language': 'ja' })).headers.location).toBe('https://sen.example/en');
    } finally {
      for (const id of [explicit.json<{ id: string }>().id, vi.json<{ id: string }>().id])
        await t.app.inject({ method: 'DELETE', url: `/api/resolver/links/${id}`, headers: brand });
    }
  },
} satisfies Record<string, Check>;

/** Each SHALL statement of the test suite (normalised) and the check that covers it. */
const COVERAGE: [statement: RegExp, check: keyof typeof checks][] = [
  [/^For primary keys that have key qualifiers, all key qualifiers SHALL be supported/, 'keyQualifiers'],
  [/SHALL support HTTP 1\.1 \(or higher\) GET, HEAD and OPTIONS/, 'methods'],
  [/SHALL support HTTP Over TLS/, 'https'],
  [/SHALL support CORS/, 'cors'],
  [/SHALL be able to decompress a URI/, 'decompress'],
  [/SHOULD NOT redirect to the equivalent uncompressed URI/, 'noRedirectToUncompressed'],
  [/SHALL expose the uncompressed URI in the Link response header with a rel value of owl:sameAs/, 'sameAs'],
  [/SHALL extract and syntactically validate the URI/, 'badSyntax'],
  [/SHALL NOT use a 200 OK response code/, 'no200ForErrors'],
  [/linkType set to linkset and\/or a request with the HTTP Accept header/, 'linkset'],
  [/any links associated with each level up to the primary key SHALL be included in the linkset/, 'linksetLevels'],
  [/The URI used as the subject of facts presented SHALL be the uncompressed version/, 'uncompressedSubject'],
  [/All links in the linkset SHALL include the target URL/, 'linkAttributes'],
  [/If a media type is defined for a link, it SHALL be one defined by IANA/, 'ianaMediaType'],
  [/typed gs1:defaultLink or gs1:defaultLinkMulti SHALL also be described/, 'defaultDescribed'],
  [/HTTP Link header pointing to a JSON-LD context file/, 'jsonLdContext'],
  [/SHALL recognise one available link as the default/, 'oneDefault'],
  [/SHALL redirect to the default link unless there is information/, 'redirectDefault'],
  [/there SHALL be a default link at the entry level or higher up the tree/, 'defaultUpTheTree'],
  [/SHALL redirect to the requested (type of link|linkType)/, 'requestedType'],
  [/SHALL return a 404 Not Found message if a link of the requested type is not available/, 'missingType404'],
  [/SHALL pass on all key=value pairs in the query string/, 'queryPassOn'],
  [/Accept-Language and (MAY support )?Accept HTTP Request Headers/, 'negotiation'],
  [/SHALL provide a resolver description file at \/\.well-known\/gs1resolver/, 'descriptionFile'],
  [/The list of supported primary identifiers SHALL be provided/, 'primaryKeysListed'],
  [/A context file that can be used to render the linkset as JSON-LD SHOULD be declared/, 'contextDeclared'],
  [/gs1:handledBy/, 'handledBy'],
  [/SHOULD tolerate trailing slashes/, 'trailingSlash'],
  [/expose link to the linkset in an HTTP Link header, even when redirecting/, 'linksetLinkHeader'],
  [/SHALL recognise the GS1 Web vocabulary namespace/, 'vocabulary'],
  [/query parameter of linkType set to all/, 'linkTypeAll'],
  [
    /SHALL expose the full list of links available to the client in an HTTP Link header when redirecting/,
    'fullListWhenRedirecting',
  ],
  [/SHALL recognise one available linkType as the default for any given request URI/, 'defaultLinkType'],
  [/All links exposed SHALL include the target URL, the link relationship type/, 'linkAttributes'],
  [
    /If the request GS1 Digital Link URI includes one or more key qualifiers, any links associated with each level/,
    'linksetLevels',
  ],
  [/SHOULD ignore trailing slashes/, 'trailingSlash'],
  [/MAY support additional/, 'negotiation'],
];

/** Every SHALL/SHOULD line of the suite's three statement files, without list numbering or status marks. */
function suiteStatements(): string[] {
  const out = new Set<string>();
  for (const file of ['Conformance.txt', 'Conformance1_2.txt', 'ConformantResolver1_0.txt']) {
    for (const raw of fs.readFileSync(path.join(SUITE, file), 'utf8').split('\n')) {
      const line = raw
        .replace(/^\[[^\]]*\]\s*/, '')
        .replace(/^\s*\d+\.\s*/, '')
        .replace(/^\s*-\s*/, '')
        .trim();
      if (/\b(SHALL|SHOULD)\b/.test(line)) out.add(line);
    }
  }
  return [...out];
}

describe('GS1 resolver conformance statements (gs1-resolver-testsuite)', () => {
  it('every SHALL statement of the suite is mapped to a test', () => {
    const statements = suiteStatements();
    expect(statements.length).toBeGreaterThan(30);
    const unmapped = statements.filter((s) => /\bSHALL\b/.test(s) && !COVERAGE.some(([re]) => re.test(s)));
    expect(unmapped).toEqual([]);
  });

  for (const statement of suiteStatements()) {
    const covering = COVERAGE.filter(([re]) => re.test(statement)).map(([, check]) => check);
    if (covering.length === 0) continue;
    it(statement, async () => {
      for (const check of new Set(covering)) await checks[check]();
    });
  }
});

describe('resolution', () => {
  it('walks up from an unknown lot or serial to the product, keeping the identifier for the consumer page', async () => {
    const r = await get(`/01/${GTIN}/10/UNKNOWN-LOT/21/UNKNOWN-SERIAL`);
    expect(r.statusCode).toBe(307);
    expect(r.headers.location).toBe(`${ROOT}/p/01/${GTIN}/10/UNKNOWN-LOT/21/UNKNOWN-SERIAL`);
    const ls = (await get(`/01/${GTIN}/10/UNKNOWN-LOT?linkType=linkset`)).json<{ linkset: { anchor: string }[] }>();
    expect(ls.linkset.map((c) => c.anchor)).toEqual([`${ROOT}/01/${GTIN}`]);
    const known = (await get(`/01/${GTIN}/10/L1?linkType=linkset`)).json<{ linkset: Record<string, unknown>[] }>();
    expect(known.linkset.map((c) => c.anchor)).toEqual([`${ROOT}/01/${GTIN}/10/L1`, `${ROOT}/01/${GTIN}`]);
    expect(known.linkset[0]!['https://ref.gs1.org/voc/epcis']).toEqual([
      expect.objectContaining({ href: `${ROOT}/epcis/events?MATCH_anyEPCClass=${encodeURIComponent(lotUri('L1'))}` }),
    ]);
  });

  it('lists a recalled lot with its recall status link', async () => {
    const body = (await get(`/01/${GTIN}/10/R9?linkType=linkset`)).json<{ linkset: Record<string, unknown>[] }>();
    expect(body.linkset[0]!['https://ref.gs1.org/voc/recallStatus']).toEqual([
      expect.objectContaining({ href: `${ROOT}/p/01/${GTIN}/10/R9` }),
    ]);
    const r = await get(`/01/${GTIN}/10/R9?linkType=gs1:recallStatus`);
    expect(r.statusCode).toBe(307);
  });

  it('answers 410 Gone for an identifier its owner withdrew and for a product the registry archived', async () => {
    const w = await t.app.inject({
      method: 'POST',
      url: '/api/resolver/withdrawals',
      headers: brand,
      payload: { identifier: `/01/${GTIN}/10/OLD`, reason: 'Lô đã hết hạn' },
    });
    expect(w.statusCode, w.body).toBe(201);
    expect((await get(`/01/${GTIN}/10/OLD/21/OLD1`)).statusCode).toBe(410);
    expect((await get(`/01/${GTIN}/10/L1`)).statusCode).toBe(307);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/resolver/withdrawals',
      headers: brand,
      payload: { identifier: `/01/${GTIN}/10/OLD` },
    });
    expect(again.statusCode).toBe(409);
    const back = await t.app.inject({
      method: 'DELETE',
      url: `/api/resolver/withdrawals?identifier=${encodeURIComponent(`/01/${GTIN}/10/OLD`)}`,
      headers: brand,
    });
    expect(back.statusCode).toBe(204);
    expect((await get(`/01/${GTIN}/10/OLD/21/OLD1`)).statusCode).toBe(307);

    await t.db.updateTable('product').set({ status: 'archived' }).where('gtin', '=', OTHER_GTIN).execute();
    const gone = await get(`/01/${OTHER_GTIN}`);
    expect(gone.statusCode).toBe(410);
    expect(gone.headers['content-type']).toContain('application/problem+json');
  });

  it('answers a browser with pages in the portal look: the choices of a 300, and 400, 404 and 410 with their statuses', async () => {
    const browser = {
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'accept-language': 'vi-VN,vi;q=0.9',
    };
    const several = await get(`${MODEL_PATH}?linkType=gs1:certificationInfo`, browser);
    expect(several.statusCode).toBe(300);
    expect(several.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(several.body).toContain('Mã này có nhiều trang thông tin phù hợp');
    expect(several.body).toContain('<h1>Áo thun trắng cổ tròn</h1>');
    expect(several.body).toContain('href="https://ref.gs1.org/tools/demo/2024retail/certificates"');
    expect(linkHeader(several)).toContain('2024retail/certificates');

    const wrongCheckDigit = `${GTIN.slice(0, -1)}${(Number(GTIN.at(-1)) + 1) % 10}`;
    const bad = await get(`/01/${wrongCheckDigit}`, browser);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Đường dẫn không hợp lệ');
    const unknown = await get(`/01/${withCheckDigit('0893500199777')}`, { ...browser, 'accept-language': 'en' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(unknown.body).toContain('<html lang="en"');
    const w = await t.app.inject({
      method: 'POST',
      url: '/api/resolver/withdrawals',
      headers: brand,
      payload: { identifier: `/01/${GTIN}/10/GONE-HTML` },
    });
    expect(w.statusCode, w.body).toBe(201);
    const gone = await get(`/01/${GTIN}/10/GONE-HTML`, browser);
    expect(gone.statusCode).toBe(410);
    expect(gone.body).toContain('Mã đã bị thu hồi');
    // The same answers stay documents for every other client.
    expect((await get(`/01/${GTIN}/10/GONE-HTML`)).headers['content-type']).toContain('application/problem+json');
  });

  it('leaves paths that are not Digital Links to the normal 404 problem document', async () => {
    for (const url of ['/api/nothing-here', '/xyz', '/favicon.ico', '/01']) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(404);
      expect(r.headers['content-type']).toContain('application/problem+json');
    }
  });
});

describe('link API', () => {
  it("lets only the product's owner manage its links; another organisation gets 404, the inspector reads only", async () => {
    const payload = {
      identifier: `/01/${GTIN}`,
      linkType: 'gs1:faqs',
      title: 'Hỏi đáp',
      href: 'https://sen.example/faq',
    };
    const foreign = await t.app.inject({ method: 'POST', url: '/api/resolver/links', headers: other, payload });
    expect(foreign.statusCode).toBe(404);
    const inspectorWrite = await t.app.inject({
      method: 'POST',
      url: '/api/resolver/links',
      headers: inspector,
      payload,
    });
    expect(inspectorWrite.statusCode).toBe(403);
    const created = await t.app.inject({ method: 'POST', url: '/api/resolver/links', headers: brand, payload });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;
    expect((await get(`/api/resolver/links/${id}`, other)).statusCode).toBe(404);
    expect((await get(`/api/resolver/links/${id}`, inspector)).statusCode).toBe(200);
    const list = await get(`/api/resolver/links?identifier=${encodeURIComponent(`/01/${GTIN}`)}`, inspector);
    expect(list.json<{ items: { id: string }[] }>().items.map((l) => l.id)).toContain(id);
    expect((await get('/api/resolver/links', other)).json<{ total: number }>().total).toBe(0);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/resolver/links/${id}`,
      headers: inspector,
      payload: { active: false },
    });
    expect(patch.statusCode).toBe(403);
    const own = await t.app.inject({
      method: 'PATCH',
      url: `/api/resolver/links/${id}`,
      headers: brand,
      payload: { active: false },
    });
    expect(own.statusCode).toBe(200);
    expect((await get(`/01/${GTIN}?linkType=gs1:faqs`)).statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/resolver/links/${id}`, headers: other })).statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/resolver/links/${id}`, headers: brand })).statusCode,
    ).toBe(204);
    expect((await get('/api/resolver/links')).statusCode).toBe(401);
  });

  it('refuses bad links with every problem named, writing nothing', async () => {
    const before = (await get('/api/resolver/links', brand)).json<{ total: number }>().total;
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/resolver/links',
      headers: { ...brand, 'accept-language': 'vi' },
      payload: {
        identifier: `/01/${GTIN}`,
        linkType: 'gs1:nope',
        title: ' ',
        href: 'ftp://x',
        hreflang: ['not a tag'],
        context: ['a b'],
      },
    });
    expect(r.statusCode).toBe(400);
    const fields = r.json<{ errors: { field: string; message: string }[] }>().errors;
    expect(fields.map((f) => f.field).sort()).toEqual(['context/0', 'href', 'hreflang/0', 'linkType', 'title']);
    expect(fields.find((f) => f.field === 'linkType')!.message).toBe('Loại liên kết không có trong bộ từ vựng GS1 Web');
    expect((await get('/api/resolver/links', brand)).json<{ total: number }>().total).toBe(before);
    const sscc = await t.app.inject({
      method: 'POST',
      url: '/api/resolver/links',
      headers: brand,
      payload: {
        identifier: `/00/${withCheckDigit('08935001990000001')}`,
        linkType: 'gs1:faqs',
        title: 'x',
        href: 'https://x.example',
      },
    });
    expect(sscc.statusCode).toBe(400);
  });
});

describe('scan log and alerts', () => {
  const scan = (url: string, region?: string) =>
    get(`${url}${region ? `?region=${region}` : ''}`, {
      'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile',
    });

  async function settle(): Promise<void> {
    await scanLogFor(t.db).flush();
    await drainJobs(t);
  }

  async function alertsOf(serialOrLot: { serial?: string; lot?: string }) {
    const q = serialOrLot.serial ? `serial=${serialOrLot.serial}` : `lot=${serialOrLot.lot}`;
    return (await get(`/api/alerts?${q}&limit=100`, brand))
      .json<{ items: { kind: string; id: string }[] }>()
      .items.map((a) => a.kind)
      .sort();
  }

  it('records a scan with region and device class, never the IP address', async () => {
    await scan(`/01/${GTIN}/10/L1/21/ACT5`, '46');
    await settle();
    const rows = await t.db.selectFrom('scan').selectAll().where('serial', '=', 'ACT5').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ gtin: GTIN, lot: 'L1', region: '46', device: 'phone' });
    expect(rows[0]!.ip_hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(rows[0])).not.toContain('127.0.0.1');
    const stamp = await t.db
      .selectFrom('stamp')
      .select(['state', 'scan_count'])
      .where('serial', '=', 'ACT5')
      .executeTakeFirstOrThrow();
    expect(stamp).toEqual({ state: 'scanned', scan_count: 1 });
    expect(await alertsOf({ serial: 'ACT5' })).toEqual([]);
  });

  it('raises unknown_serial, not_activated and void_scanned for the matching stamps', async () => {
    await scan(`/01/${GTIN}/21/FAKE99`, '46');
    await scan(`/01/${GTIN}/21/NEW1`, '46');
    await scan(`/01/${GTIN}/21/VOID1`, '46');
    await settle();
    expect(await alertsOf({ serial: 'FAKE99' })).toEqual(['unknown_serial']);
    expect(await alertsOf({ serial: 'NEW1' })).toEqual(['not_activated']);
    expect(await alertsOf({ serial: 'VOID1' })).toEqual(['void_scanned']);
  });

  it('raises many_scans once per window past the threshold, and many_regions past two provinces', async () => {
    for (let i = 0; i < 20; i++) await scan(`/01/${GTIN}/21/ACT2`, '46');
    await settle();
    expect(await alertsOf({ serial: 'ACT2' })).toEqual([]);
    for (let i = 0; i < 5; i++) await scan(`/01/${GTIN}/21/ACT2`, '46');
    await settle();
    expect(await alertsOf({ serial: 'ACT2' })).toEqual(['many_scans']);

    await scan(`/01/${GTIN}/21/ACT3`, '46');
    await scan(`/01/${GTIN}/21/ACT3`, '79');
    await settle();
    expect(await alertsOf({ serial: 'ACT3' })).toEqual([]);
    await scan(`/01/${GTIN}/21/ACT3`, '01');
    await settle();
    expect(await alertsOf({ serial: 'ACT3' })).toEqual(['many_regions', 'unexpected_region']);
  });

  it('raises unexpected_region for a province the lot was never shipped to, and none where it was', async () => {
    await scan(`/01/${GTIN}/10/L1/21/ACT4`, '79');
    await settle();
    expect(await alertsOf({ serial: 'ACT4' })).toEqual([]);
    await scan(`/01/${GTIN}/10/L1/21/ACT4`, '48');
    await settle();
    expect(await alertsOf({ serial: 'ACT4' })).toEqual(['unexpected_region']);
  });

  it('raises recalled_lot and expired from the trace and the registry', async () => {
    await scan(`/01/${GTIN}/21/REC1`, '46');
    await scan(`/01/${GTIN}/10/OLD/21/OLD1`, '46');
    await settle();
    expect(await alertsOf({ serial: 'REC1' })).toEqual(['recalled_lot']);
    expect(await alertsOf({ serial: 'OLD1' })).toEqual(['expired']);
  });

  it('shows alerts to the brand owner and the province, not to others; the owner acknowledges, the inspector cannot', async () => {
    const mine = (await get('/api/alerts?kind=unknown_serial&serial=FAKE99', brand)).json<{
      items: { id: string; title: string }[];
    }>();
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]!.title).toContain('nghi hàng giả');
    const id = mine.items[0]!.id;
    expect((await get('/api/alerts?kind=unknown_serial&serial=FAKE99', province)).json<{ total: number }>().total).toBe(
      1,
    );
    expect((await get('/api/alerts', other)).json<{ total: number }>().total).toBe(0);
    expect((await get(`/api/alerts/${id}`, other)).statusCode).toBe(404);
    const ack = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: `/api/alerts/${id}/acknowledge`, headers });
    expect((await ack(inspector)).statusCode).toBe(403);
    expect((await ack(other)).statusCode).toBe(404);
    const done = await ack(brand);
    expect(done.statusCode).toBe(200);
    expect(done.json<{ acknowledgedAt: string | null }>().acknowledgedAt).not.toBeNull();
    expect((await get('/api/alerts?acknowledged=false&serial=FAKE99', brand)).json<{ total: number }>().total).toBe(0);
    const notes = await t.db
      .selectFrom('notification')
      .select(['organisation_id', 'payload'])
      .where('title_key', '=', 'resolver.alert.unknown_serial')
      .execute();
    const ofThis = notes.filter((n) => (n.payload as { alertId?: string }).alertId === id);
    expect(ofThis.map((n) => n.organisation_id).sort()).toEqual([brandId, null].sort());
  });

  it('makes scans wait for room when its buffer is full, never dropping one', async () => {
    const log = new ScanLog(t.db, { batchSize: 7, maxPending: 10, flushMs: 1 });
    const at = new Date();
    const recorded = Array.from({ length: 100 }, (_, i) =>
      log.record({ gtin: OTHER_GTIN, serial: `BP${i}`, at, region: null, device: 'other', ipHash: null }),
    );
    expect(log.pending).toBeLessThanOrEqual(10);
    await Promise.all(recorded);
    await log.close();
    const rows = await t.db
      .selectFrom('scan')
      .select('serial')
      .where('gtin', '=', OTHER_GTIN)
      .where('serial', 'like', 'BP%')
      .execute();
    expect(rows).toHaveLength(100);
  });

  it('loses no scan under load: 2,000 concurrent resolutions give 2,000 rows and stamp counts', async () => {
    const before = Number(
      (
        await t.db
          .selectFrom('scan')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const responses = await Promise.all(Array.from({ length: 2000 }, () => get(`/01/${GTIN}/21/LOAD1`)));
    expect(responses.every((r) => r.statusCode === 307)).toBe(true);
    await scanLogFor(t.db).flush();
    const after = Number(
      (
        await t.db
          .selectFrom('scan')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(after - before).toBe(2000);
    const stamp = await t.db
      .selectFrom('stamp')
      .select('scan_count')
      .where('serial', '=', 'LOAD1')
      .executeTakeFirstOrThrow();
    expect(stamp.scan_count).toBe(2000);
    await drainJobs(t);
    expect(await alertsOf({ serial: 'LOAD1' })).toEqual(['many_scans']);
  }, 600_000);
});
