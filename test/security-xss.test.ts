import { parse } from 'parse5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';
import { clearPortalCache } from '../src/portal/portal.service.ts';
import { FRUIT_VEG } from '../src/standards/profiles/hue.ts';
import { makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';
import { capture } from './helpers/epcis.ts';
import { multipart, PNG_1X1 } from './helpers/multipart.ts';

/**
 * Cross-site scripting sweep: a business (through the API, as its administrator) and the province (standards) put
 * hostile text into every field they control that reaches the public side — the consumer page, the business page,
 * the standards pages, the embed widget's pages, the resolver's linkset, the public product card and the open data
 * files. Every HTML answer is parsed with a real HTML parser (parse5, as a browser would): no element or attribute
 * may have been injected, every URL attribute is http(s) or same-site. As the control, every field's marker must be
 * found as plain text somewhere, so a field that stops reaching the public side makes this test fail rather than
 * pass vacuously.
 */

const GTIN = withCheckDigit('0893600019001');
const FORMULA_GTIN = withCheckDigit('0893600019002');
const FARM_GLN = withCheckDigit('893600019010');
const LOT = 'XSS-01';
const RECALLED = 'XSS-02';
const lotUri = (lot: string) => `https://id.gs1.org/01/${GTIN}/10/${lot}`;

const RLO = '\u202E';
/** Hostile text for one field; `‹tag›` identifies the field when its text is found on a page. */
const hostile = (tag: string) =>
  `‹${tag}›<script>alert('${tag}')</script>"><img src=x onerror=alert('${tag}')>` +
  `'><svg onload=alert('${tag}')><a href="javascript:alert('${tag}')">x</a>` +
  `<style>*{background:url(https://evil.example/${tag})}</style><iframe src="javascript:alert(1)"></iframe>` +
  `${RLO}txt.exe`;
/** The start of a hostile text as a page must show it: as text, characters intact. */
const visible = (tag: string) => `‹${tag}›<script>alert('${tag}')</script>`;
/** A search query (at most 200 characters). */
const QUERY = `${visible('q')}"><img src=x onerror=alert(1)><svg onload=alert(2)>${RLO}`;

/** The fields a business or the province writes, each with the marker its text carries. */
const FIELDS = [
  'organisation.name',
  'organisation.nameEn',
  'organisation.communeName',
  'product.name',
  'product.nameEn',
  'product.brand',
  'product.description',
  'certification.number',
  'certification.issuer',
  'location.name',
  'lot.harvestDate',
  'recall.reason',
  'standard.title',
  'standard.guide',
  'standard.basedOn',
  'standard.kdeLabel',
] as const;
/** The resolver link's title is published in the linkset (JSON), not on the pages. */
/** Fields deliberately kept off every public output: the test proves they are absent. */
const PRIVATE_FIELDS = ['organisation.contactName', 'organisation.address'] as const;

let t: TestApp;
let orgId: string;
let standardId: string;
const outputs: { url: string; kind: 'html' | 'json' | 'csv'; body: string; text: string }[] = [];

async function get(url: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url, headers });
}

beforeAll(async () => {
  t = await startTestApp({ publicUrl: 'https://truyxuat.example' });
  orgId = await makeOrganisation(t.db, { kind: 'cooperative', gs1_company_prefix: '8936000190' });
  const admin = (await signInAs(t, orgId, 'org_admin')).headers;
  const authority = await makeOrganisation(t.db, { kind: 'authority' });
  const province = (await signInAs(t, authority, 'province_admin')).headers;
  const call = async (method: 'POST' | 'PATCH' | 'PUT', url: string, payload: unknown, headers = admin) => {
    const r = await t.app.inject({ method, url, headers, payload: payload as object });
    if (r.statusCode >= 300) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body}`);
    return r.json<Record<string, unknown>>();
  };

  await call('PATCH', `/api/organisations/${orgId}`, {
    name: hostile('organisation.name'),
    nameEn: hostile('organisation.nameEn'),
    communeName: hostile('organisation.communeName'),
    contactName: hostile('organisation.contactName'),
    address: hostile('organisation.address'),
  });

  // The province publishes a standard for the group whose texts are hostile, with a public ILMD field.
  const doc = structuredClone(FRUIT_VEG) as unknown as Record<string, unknown> & typeof FRUIT_VEG;
  const draft = await call(
    'POST',
    '/api/standards',
    {
      document: {
        ...doc,
        version: 2,
        title: { vi: hostile('standard.title'), en: hostile('standard.title') },
        guide: { vi: hostile('standard.guide'), en: hostile('standard.guide') },
        basedOn: [{ ...doc.basedOn[0]!, title: hostile('standard.basedOn') }],
        ctes: doc.ctes.map((cte) => ({
          ...cte,
          kdes: cte.kdes.map((k) =>
            k.path === 'ilmd.tx:harvestDate'
              ? { ...k, label: { vi: hostile('standard.kdeLabel'), en: hostile('standard.kdeLabel') } }
              : k,
          ),
        })),
      },
    },
    province,
  );
  standardId = String(draft.id);
  await call('POST', `/api/standards/${standardId}/publish`, {}, province);

  const product = await call('POST', '/api/products', {
    gtin: GTIN,
    name: hostile('product.name'),
    nameEn: hostile('product.nameEn'),
    brand: hostile('product.brand'),
    groupCode: 'agri.fruit-veg',
    shelfLifeDays: 30,
    // A very long description: the whole of it is escaped, not only a prefix.
    description: `${hostile('product.description')} ${'Bưởi <b>đặc sản</b> '.repeat(200)}`,
    certifications: [
      { kind: 'vietgap', number: hostile('certification.number'), issuer: hostile('certification.issuer') },
    ],
  });
  const image = multipart(
    { data: PNG_1X1, filename: '"><img src=x onerror=alert(9)>.png', contentType: 'image/png' },
    {
      alt: hostile('image.alt'),
    },
  );
  const uploaded = await t.app.inject({
    method: 'POST',
    url: `/api/products/${String(product.id)}/images`,
    headers: { ...admin, ...image.headers },
    payload: image.payload,
  });
  expect(uploaded.statusCode, uploaded.body).toBe(201);
  // Formula-looking names, for the CSV outputs.
  await call('POST', '/api/products', {
    gtin: FORMULA_GTIN,
    name: '=HYPERLINK("https://evil.example","x")',
    groupCode: 'agri.fruit-veg',
  });
  await call('POST', '/api/locations', { gln: FARM_GLN, name: hostile('location.name'), kind: 'farm' });

  // A link whose target is not http(s) is refused; one with a hostile title is accepted and published.
  const badLink = await t.app.inject({
    method: 'POST',
    url: '/api/resolver/links',
    headers: admin,
    payload: { identifier: `/01/${GTIN}`, linkType: 'gs1:recipeInfo', title: 'x', href: 'javascript:alert(1)' },
  });
  expect(badLink.statusCode).toBe(400);
  await call('POST', '/api/resolver/links', {
    identifier: `/01/${GTIN}`,
    linkType: 'gs1:recipeInfo',
    title: hostile('link.title'),
    href: 'https://example.org/recipe?a=1&b="><script>alert(1)</script>',
  });

  const events = [LOT, RECALLED].map((lot) => ({
    type: 'ObjectEvent',
    eventTime: '2026-06-01T01:00:00Z',
    eventTimeZoneOffset: '+07:00',
    action: 'ADD',
    bizStep: 'commissioning',
    bizLocation: { id: `https://id.gs1.org/414/${FARM_GLN}` },
    quantityList: [{ epcClass: lotUri(lot), quantity: 10, uom: 'KGM' }],
    ilmd: { 'tx:harvestDate': hostile('lot.harvestDate') },
  }));
  const captured = await capture(
    t,
    admin,
    JSON.stringify({
      '@context': [
        'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
        { tx: 'https://truyxuat.vn/epcis/' },
      ],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-06-01T00:00:00Z',
      epcisBody: { eventList: events },
    }),
  );
  expect(captured.job, JSON.stringify(captured.body)).toMatchObject({ success: true });
  await call('POST', '/api/recalls', {
    lots: [lotUri(RECALLED)],
    reason: hostile('recall.reason'),
    severity: 'high',
  });
  clearPortalCache();

  const htmlPages = [
    '/',
    `/?q=${encodeURIComponent('‹organisation.name›')}`,
    `/?q=${encodeURIComponent(QUERY)}`,
    `/doanh-nghiep/${orgId}`,
    `/doanh-nghiep/${orgId}?lang=en`,
    `/p/01/${GTIN}`,
    `/p/01/${GTIN}/10/${LOT}`,
    `/p/01/${GTIN}/10/${LOT}?lang=en`,
    `/p/01/${GTIN}/10/${RECALLED}`,
    '/tieu-chuan',
    `/tieu-chuan/${standardId}`,
    `/tieu-chuan/${standardId}/in`,
    `/embed/search?q=${encodeURIComponent('‹product.name›')}`,
    `/embed/search?q=${encodeURIComponent(QUERY)}`,
    `/embed/p/01/${GTIN}/10/${RECALLED}`,
    `/embed/p/01/${GTIN}/10/${LOT}?lang=en`,
  ];
  for (const url of htmlPages) {
    const r = await get(url);
    expect(r.statusCode, `${url} ${r.body.slice(0, 300)}`).toBe(200);
    expect(r.headers['content-type'], url).toMatch(/^text\/html/);
    outputs.push({ url, kind: 'html', body: r.body, text: '' });
  }
  const jsonOutputs: [string, Record<string, string>][] = [
    [`/01/${GTIN}?linkType=all`, { accept: 'application/linkset+json' }],
    [`/api/public/products/${GTIN}`, {}],
    ['/open-data/organisations.json', {}],
    ['/open-data/products.json', {}],
    ['/open-data/standards.json', {}],
  ];
  for (const [url, headers] of jsonOutputs) {
    const r = await get(url, headers);
    expect(r.statusCode, `${url} ${r.body.slice(0, 300)}`).toBe(200);
    expect(r.headers['content-type'], url).toMatch(/json/);
    outputs.push({ url, kind: 'json', body: r.body, text: '' });
  }
  for (const url of ['/open-data/organisations.csv', '/open-data/products.csv', '/open-data/standards.csv']) {
    const r = await get(url);
    expect(r.statusCode, url).toBe(200);
    expect(r.headers['content-type'], url).toMatch(/^text\/csv/);
    outputs.push({ url, kind: 'csv', body: r.body, text: r.body });
  }
  for (const o of outputs) if (o.kind === 'html') o.text = textOf(parse(o.body));
  for (const o of outputs) if (o.kind === 'json') o.text = JSON.stringify(JSON.parse(o.body));
}, 120_000);

afterAll(async () => {
  await t?.close();
});

interface Node {
  nodeName: string;
  tagName?: string;
  value?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  content?: Node;
}

function* elements(node: Node): Generator<Node> {
  if (node.tagName) yield node;
  for (const child of node.childNodes ?? []) yield* elements(child);
  if (node.content) yield* elements(node.content);
}

/** The text a reader sees, and the text of data blocks. */
function textOf(node: Node): string {
  if (node.nodeName === '#text') return node.value ?? '';
  return [...(node.childNodes ?? []), ...(node.content ? [node.content] : [])].map(textOf).join(' ');
}

const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'srcset', 'data']);
const SAFE_URL = /^(https?:\/\/|\/(?!\/)|#|\?|mailto:|tel:)/i;

/** What is wrong with one parsed page: injected elements or attributes, unsafe URLs. */
function problemsOf(url: string, body: string): string[] {
  const problems: string[] = [];
  for (const el of elements(parse(body))) {
    const attrs = el.attrs ?? [];
    const tag = el.tagName!;
    if (['iframe', 'object', 'embed', 'frame', 'base', 'meta'].includes(tag) && tag !== 'meta')
      problems.push(`${url}: <${tag}> element`);
    if (tag === 'meta' && attrs.some((a) => a.name === 'http-equiv' && /refresh/i.test(a.value)))
      problems.push(`${url}: meta refresh`);
    if (tag === 'script') {
      const type = attrs.find((a) => a.name === 'type')?.value;
      if (type !== 'application/ld+json') problems.push(`${url}: executable <script> ${type ?? ''}`);
      else {
        const data = textOf(el);
        if (/<\//.test(data)) problems.push(`${url}: JSON-LD contains "</"`);
        JSON.parse(data);
      }
    }
    if (tag === 'style' && /evil\.example/.test(textOf(el))) problems.push(`${url}: injected <style>`);
    if (tag === 'img' && attrs.some((a) => a.name === 'src' && a.value === 'x'))
      problems.push(`${url}: injected <img>`);
    if (tag === 'svg' && attrs.some((a) => a.name === 'onload')) problems.push(`${url}: injected <svg>`);
    for (const a of attrs) {
      if (/^on/i.test(a.name)) problems.push(`${url}: event handler ${a.name} on <${tag}>`);
      if (a.name === 'style' && /evil\.example|expression\(|url\(/i.test(a.value))
        problems.push(`${url}: style attribute ${a.value}`);
      // The pages' own `<link rel="icon" href="data:,">` (no favicon request) is the one non-http URL.
      const ownIcon =
        tag === 'link' && a.value === 'data:,' && attrs.some((b) => b.name === 'rel' && b.value === 'icon');
      if (URL_ATTRIBUTES.has(a.name) && !ownIcon && !SAFE_URL.test(a.value.trim()))
        problems.push(`${url}: ${a.name}="${a.value.slice(0, 80)}" on <${tag}>`);
    }
  }
  if (body.includes(RLO)) problems.push(`${url}: right-to-left override character`);
  return problems;
}

/** URL-valued members of a JSON answer: http(s) or same-site only. */
function jsonUrlProblems(url: string, value: unknown, key = ''): string[] {
  if (typeof value === 'string')
    return ['href', 'url', 'src', 'website', 'documentUrl', 'imageUrl', 'image', 'anchor'].includes(key) &&
      !SAFE_URL.test(value)
      ? [`${url}: ${key}=${value.slice(0, 80)}`]
      : [];
  if (Array.isArray(value)) return value.flatMap((v) => jsonUrlProblems(url, v, key));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => jsonUrlProblems(url, v, k));
  return [];
}

describe('XSS in every business-controlled field that reaches the public side', () => {
  it('no HTML page has an injected element, event handler, unsafe URL or bidi override', () => {
    const problems = outputs.filter((o) => o.kind === 'html').flatMap((o) => problemsOf(o.url, o.body));
    expect(problems).toEqual([]);
  });

  it('control: every field’s hostile text is shown, as text, on some public output', () => {
    const shown = outputs.filter((o) => o.kind === 'html').map((o) => o.text);
    const missing = FIELDS.filter((f) => !shown.some((s) => s.includes(visible(f))));
    expect(missing).toEqual([]);
    // The search echoes the consumer's own query as text too.
    expect(shown.some((s) => s.includes(visible('q')))).toBe(true);
  });

  it('private fields of the organisation reach no public output', () => {
    for (const f of PRIVATE_FIELDS) for (const o of outputs) expect(o.body, `${f} in ${o.url}`).not.toContain(f);
  });

  it('JSON answers (linkset, product card, open data) are JSON, with http(s) URLs only', () => {
    const json = outputs.filter((o) => o.kind === 'json');
    expect(json.flatMap((o) => jsonUrlProblems(o.url, JSON.parse(o.body)))).toEqual([]);
    // The hostile texts are there as data (escaped by JSON), and the answers are not sniffed as HTML.
    expect(json.some((o) => o.text.includes(visible('product.name')))).toBe(true);
    expect(json.some((o) => o.text.includes(visible('link.title')))).toBe(true);
  });

  it('open data CSV neutralises formula-looking cells and keeps the hostile text as one quoted cell', () => {
    const products = outputs.find((o) => o.url === '/open-data/products.csv')!.body;
    expect(products).toContain(`"'=HYPERLINK(""https://evil.example"",""x"")"`);
    expect(products).not.toMatch(/(^|,)"?=HYPERLINK/m);
    const organisations = outputs.find((o) => o.url === '/open-data/organisations.csv')!.body;
    expect(organisations).toContain(visible('organisation.name'));
  });

  it('the embed widget script is static: no business text in it', async () => {
    const r = await get('/embed/widget.js');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/javascript/);
    for (const f of FIELDS) expect(r.body).not.toContain(`‹${f}›`);
  });
});
