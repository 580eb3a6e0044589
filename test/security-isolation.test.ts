import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../src/demo/index.ts';
import { createNamedQuery } from '../src/epcis/query.service.ts';
import { createSubscription } from '../src/epcis/subscription.service.ts';
import { createConnector } from '../src/federation/connector.service.ts';
import { createRemoteNode } from '../src/federation/cross-node.service.ts';
import { setNationalEnrolment } from '../src/federation/national.service.ts';
import { saveTarget } from '../src/insights/insights.service.ts';
import { answerSurvey, sendSurvey } from '../src/insights/insights.survey.ts';
import { createWebhook } from '../src/notifications/notifications.service.ts';
import { submitRegistration } from '../src/registry/registration.service.ts';
import { createApiKey, grantDelegation } from '../src/registry/identity.service.ts';
import { addCertification, addProductImage, attachCertificationDocument } from '../src/registry/product.service.ts';
import { createLink, withdrawIdentifier } from '../src/resolver/links.service.ts';
import { ROLE_PERMISSIONS, SYSTEM, type Caller } from '../src/shared/caller.ts';
import { openRecall } from '../src/trace/recall.service.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';
import { PNG_1X1 } from './helpers/multipart.ts';

/**
 * Organisation isolation, driven by the running application's own OpenAPI document: every operation is tried by
 * every kind of outsider against the objects of one victim organisation (a demo business with events, stamps,
 * alerts, a recall, keys, webhooks, subscriptions …). An operation added later is attacked automatically; when its
 * path names a parameter this file cannot fill, the test fails until the parameter is mapped below.
 *
 * What must hold: no 5xx; every 4xx is a problem document; no 2xx body carries one of the victim's private
 * identifiers (unless the operation is public on purpose, listed with its reason); the victim's rows are unchanged
 * after all the attacks; and, as the control that keeps this honest, the victim itself gets 2xx from the same URLs.
 */

type Op = { method: string; path: string; op: OpenApiOperation };
interface OpenApiOperation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  minItems?: number;
  minimum?: number;
  pattern?: string;
}

/**
 * Operations whose successful answers may show the victim's identifiers to anyone: the public side of the platform
 * (the consumer's product page data, the Digital Link resolver, the EPCIS discovery documents) and shared
 * vocabularies. Each entry says why.
 */
const PUBLIC_ON_PURPOSE: Record<string, string> = {
  'GET /api/public/products/{gtin}': 'the public product card a consumer sees after a scan',
  'GET /01/{*}': 'the Digital Link resolver: redirects and link sets are public by GS1 design',
  'GET /api/media/{id}': 'product images and certificate documents are published on the product page',
  'GET /api/organisations': 'the directory of registered businesses is public',
  'GET /api/organisations/{id}': 'a business’s registry card (name, address, codes) is public',
  'GET /open-data/{file}': 'the open datasets: the public directory of businesses, products and standards as files',
};

/** Operations that the victim's own administrator cannot successfully GET (the control), with the reason. */
const CONTROL_EXCEPTIONS: Record<string, string> = {
  'GET /api/insights/measures/{measure}/organisations': 'the province’s view; its own control is the province',
  'GET /api/insights/reports/{id}': 'the province’s stored report; its own control is the province',
  'GET /api/insights/surveys/{id}/summary': 'the province’s summary of a survey; its own control is the province',
};

const MARKER = `iso-${randomUUID().slice(0, 8)}`;

let t: TestApp;
let victimOrg: string;
let victimAdmin: Record<string, string>;
const ids: Record<string, string> = {};
/** Identifiers private to the victim: none may appear in an outsider's 2xx body. */
const privateIds = new Set<string>();
const roles: Record<string, Record<string, string>> = {};
let ops: Op[] = [];

beforeAll(async () => {
  t = await startTestApp();
  const demo = await loadDemoData(t.db);
  if (!demo.loaded) throw new Error('demo not loaded');
  const reg = demo.registry;
  victimOrg = reg.organisations.get('me-xung')!;
  const attackerOrg = reg.organisations.get('tom-chua')!;
  const authority = reg.organisations.get('authority')!;
  const delegatedProvider = reg.organisations.get('provider')!;
  const bareProvider = await makeOrganisation(t.db, { kind: 'provider' });
  const victimsProvider = await makeOrganisation(t.db, { kind: 'provider' });

  const admin = await signInAs(t, victimOrg, 'org_admin');
  victimAdmin = admin.headers;
  const victim: Caller = {
    kind: 'user',
    userId: admin.userId,
    organisationId: victimOrg,
    role: 'org_admin',
    permissions: new Set(ROLE_PERMISSIONS.org_admin),
    province: false,
  };
  const product = [...reg.products.values()].find((p) => p.organisationId === victimOrg)!;
  const location = [...reg.locations.values()].find((l) => l.organisationId === victimOrg)!;
  ids.organisation = victimOrg;
  ids.product = product.id;
  ids.gtin = product.gtin;
  ids.location = location.id;
  ids.gln = location.gln;
  ids.user = admin.userId;
  ids.training = reg.trainingId;

  ids.apiKey = (await createApiKey(t.db, victim, { name: `${MARKER} key`, permissions: ['epcis:query'] })).id;
  ids.delegation = (
    await grantDelegation(t.db, victim, { providerOrganisationId: victimsProvider, permissions: ['epcis:query'] })
  ).id;
  ids.webhook = (await createWebhook(t.db, victim, { url: 'https://93.184.215.14/hook' })).id;
  ids.queryName = `${MARKER}-query`;
  await createNamedQuery(t.db, victim, ids.queryName, { EQ_bizStep: ['commissioning'] });
  ids.subscription = (
    await createSubscription(t.db, victim, ids.queryName, { dest: 'https://93.184.215.14/epcis', stream: true })
  ).subscriptionID;
  ids.link = (
    await createLink(t.db, victim, {
      identifier: `/01/${product.gtin}`,
      linkType: 'gs1:recipeInfo',
      title: `${MARKER} recipe`,
      href: 'https://93.184.215.14/recipe',
    })
  ).id;
  const otherProduct = [...reg.products.values()].filter((p) => p.organisationId === victimOrg)[1]!;
  await withdrawIdentifier(t.db, victim, { identifier: `/01/${otherProduct.gtin}`, reason: MARKER });
  const withImage = await addProductImage(t.db, victim, product.id, { data: PNG_1X1, filename: 'a.png' });
  ids.media = withImage.images[0]!.mediaId;
  const certification = await addCertification(t.db, victim, product.id, {
    kind: 'other',
    number: `${MARKER}-cert`,
    issuer: 'Sở KH&CN',
  });
  ids.certification = certification.id;
  await victimsOfFederationAndInsights(victim, authority);
  await attachCertificationDocument(t.db, victim, product.id, ids.certification, {
    data: Buffer.from('%PDF-1.4\n%%EOF\n'),
    filename: 'cert.pdf',
  }).catch(() => undefined);

  const lot = await t.db
    .selectFrom('lot_edge')
    .select('to_node')
    .where('owner_organisation_id', '=', victimOrg)
    .where('to_node', 'like', 'https://id.gs1.org/01/%/10/%')
    .executeTakeFirstOrThrow();
  ids.recall = (
    await openRecall(t.db, victim, { lots: [lot.to_node], reason: MARKER, severity: 'low', mock: true })
  ).id;
  const event = await t.db
    .selectFrom('epcis_event')
    .select(['event_id'])
    .where('owner_organisation_id', '=', victimOrg)
    .executeTakeFirstOrThrow();
  ids.eventId = event.event_id;
  const epc = await sql<{ v: string }>`select to_node as v from lot_edge where owner_organisation_id = ${victimOrg}
    limit 1`.execute(t.db);
  ids.epc = epc.rows[0]!.v;
  const first = async (table: string) =>
    (
      await sql<{ id: string }>`select id::text as id from ${sql.table(table)} where organisation_id = ${victimOrg}
        limit 1`.execute(t.db)
    ).rows[0]?.id;
  ids.stampBatch = (await first('stamp_batch'))!;
  ids.alert = (await first('alert'))!;
  ids.notification = (await first('notification'))!;
  ids.productGroup = (await t.db.selectFrom('product_group').select('code').executeTakeFirstOrThrow()).code;
  ids.standard = (await sql<{ id: string }>`select id::text as id from standard limit 1`.execute(t.db)).rows[0]!.id;

  const doc = JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-05-01T00:00:00Z',
    epcisBody: {
      eventList: [
        {
          type: 'ObjectEvent',
          eventTime: '2026-05-01T01:00:00Z',
          eventTimeZoneOffset: '+07:00',
          action: 'OBSERVE',
          bizStep: 'inspecting',
          epcList: [`https://id.gs1.org/01/${product.gtin}/21/${MARKER}`],
          readPoint: { id: `https://id.gs1.org/414/${location.gln}` },
        },
      ],
    },
  });
  const captured = await t.app.inject({
    method: 'POST',
    url: '/epcis/capture',
    headers: { ...victimAdmin, 'content-type': 'application/ld+json' },
    payload: doc,
  });
  expect(captured.statusCode, captured.body).toBe(202);
  ids.capture = String(captured.headers.location).split('/').pop()!;

  for (const key of [
    'organisation',
    'product',
    'location',
    'user',
    'apiKey',
    'delegation',
    'webhook',
    'queryName',
    'subscription',
    'link',
    'media',
    'certification',
    'recall',
    'eventId',
    'stampBatch',
    'alert',
    'notification',
    'capture',
    'registration',
    'connector',
    'connectorRun',
    'node',
    'nationalRecord',
    'planTarget',
    'report',
  ])
    privateIds.add(ids[key]!);
  privateIds.add(MARKER);

  const orgAdmin = await signInAs(t, attackerOrg, 'org_admin');
  roles['org admin of another business'] = orgAdmin.headers;
  roles['org operator of another business'] = (await signInAs(t, attackerOrg, 'org_operator')).headers;
  roles['API key of another business'] = (await apiKeyFor(t, attackerOrg, [...ROLE_PERMISSIONS.org_admin])).headers;
  roles['provider with a delegation from a third business'] = (
    await signInAs(t, delegatedProvider, 'org_admin')
  ).headers;
  roles['provider without any delegation'] = (await signInAs(t, bareProvider, 'org_admin')).headers;
  roles.anonymous = {};
  roles['province inspector (writes only)'] = (await signInAs(t, authority, 'province_inspector')).headers;
  void SYSTEM;

  const document = t.app.swagger() as { paths: Record<string, Record<string, OpenApiOperation>> };
  ops = Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
  // Signing out last: it ends the attacker's own session.
  ops.sort((a, b) => Number(a.path === '/api/auth/sign-out') - Number(b.path === '/api/auth/sign-out'));
  await mapNewParameters();
  if (unproven.length > 0)
    console.warn(`Attacked with unknown ids only (the victim has no such object yet): ${unproven.join('; ')}`);
}, 300_000);

afterAll(async () => {
  await t?.close();
});

/**
 * Victims beyond the registry and EPCIS: a business's application (registration) pending the province's decision,
 * the victim's federation connector with a run, the province's remote node, the victim's national-sync enrolment
 * and a record of it, the province's plan target, a stored periodic report and a survey the victim answered.
 */
async function victimsOfFederationAndInsights(victim: Caller, authority: string): Promise<void> {
  const provinceAdmin = await signInAs(t, authority, 'province_admin');
  provinceHeaders = provinceAdmin.headers;
  const province: Caller = {
    kind: 'user',
    userId: provinceAdmin.userId,
    organisationId: authority,
    role: 'province_admin',
    permissions: new Set(ROLE_PERMISSIONS.province_admin),
    province: true,
  };
  ids.registration = (
    await submitRegistration(t.db, {
      name: `${MARKER} Hợp tác xã xin đăng ký`,
      kind: 'cooperative',
      taxCode: '3300101406',
      communeName: 'Phường Thuận Hóa',
      contactName: 'Người xin',
      contactEmail: `${MARKER}@example.vn`,
      password: 'mật-khẩu-đủ-dài-2026',
    })
  ).organisationId;
  const connector = await createConnector(
    t.db,
    victim,
    { name: `${MARKER} connector`, endpointUrl: 'https://93.184.215.14/epcis', intervalSeconds: 3600, enabled: false },
    { publicUrl: t.config.publicUrl },
  );
  ids.connector = connector.id;
  ids.connectorRun = randomUUID();
  await t.db
    .insertInto('connector_run')
    .values({ id: ids.connectorRun, connector_id: ids.connector, trigger: 'manual', status: 'ok', error: null })
    .execute();
  ids.node = (
    await createRemoteNode(t.db, province, {
      name: `${MARKER} node`,
      baseUrl: 'https://93.184.215.15',
      companyPrefixes: ['8930000'],
    })
  ).id;
  await setNationalEnrolment(t.db, province, victimOrg, true);
  ids.nationalRecord = randomUUID();
  await t.db
    .insertInto('national_outbox')
    .values({
      id: ids.nationalRecord,
      platform: 'vn-national-portal',
      organisation_id: victimOrg,
      record_kind: 'organisation',
      source_id: victimOrg,
      record_key: `${MARKER}-record`,
      depends_on: null,
      rank: 0,
      payload_hash: 'x',
      status: 'failed',
      queued_at: new Date(),
      next_attempt_at: new Date(),
      last_code: 'E_ISOLATION',
      last_detail: null,
    })
    .execute();
  ids.planTarget = String(
    (
      await saveTarget(t.db, province, null, {
        measure: 'trained',
        title: `${MARKER} mục tiêu`,
        titleEn: `${MARKER} target`,
        target: 80,
        unit: 'percent',
        deadline: '2027-12-31',
      })
    ).id,
  );
  ids.report = randomUUID();
  await t.db
    .insertInto('insight_report')
    .values({
      id: ids.report,
      period: 'month',
      period_start: '2026-04-01',
      format: 'pdf',
      locale: 'vi',
      content: Buffer.from('%PDF-1.4\n%%EOF\n'),
    })
    .execute();
  // A survey goes to every organisation: its title is no secret, the victim's answer is.
  ids.survey = (await sendSurvey(t.db, province, { title: 'Khảo sát mức sẵn sàng' })).id;
  await answerSurvey(t.db, victim, ids.survey, {
    productGroup: ids.productGroup ?? 'agri',
    products: 3,
    barcodeUse: 'gtin',
    records: 'paper',
    vendorSystem: `${MARKER}-vendor`,
    needs: ['training'],
  });
  privateIds.add(`${MARKER}-vendor`);
  ids.measure = 'trained';
  ids.openDataFile = 'organisations.json';
}

let provinceHeaders: Record<string, string> = {};

/** The province's objects and the pending application: outsiders change none of them. */
async function provinceState(): Promise<string> {
  const rows = await Promise.all([
    t.db.selectFrom('organisation').select(['id', 'status']).where('id', '=', ids.registration!).execute(),
    t.db.selectFrom('organisation_registration').selectAll().where('organisation_id', '=', ids.registration!).execute(),
    t.db.selectFrom('remote_node').selectAll().where('id', '=', ids.node!).execute(),
    t.db.selectFrom('insight_plan_target').selectAll().execute(),
    t.db.selectFrom('insight_report').select(['id', 'period', 'format']).execute(),
    t.db.selectFrom('insight_survey').selectAll().execute(),
  ]);
  return JSON.stringify(rows);
}

/**
 * The routes of the victims above: every outsider is refused (401 unauthenticated, 403 forbidden, 404 not found).
 * Answering a survey is each business's own act (its own answer, not the victim's); open data is public.
 */
const VICTIM_ROUTES =
  /^\/api\/(registrations\/\{id\}|federation\/(connectors\/\{id\}|nodes\/\{id\}|national\/(records\/\{id\}|enrolments\/\{organisationId\}))|insights\/(plan\/\{id\}|reports\/\{id\}|surveys\/\{id\}\/summary|measures\/\{measure\}))/;

/** The victim's value for a path parameter, by the path it appears in. */
function pathValue(path: string, name: string): string {
  const byPath: [RegExp, string, string][] = [
    [/^\/api\/users\//, 'id', 'user'],
    [/^\/api\/api-keys\//, 'id', 'apiKey'],
    [/^\/api\/delegations\//, 'id', 'delegation'],
    [/^\/api\/organisations\//, 'id', 'organisation'],
    [/^\/api\/locations\//, 'id', 'location'],
    [/^\/api\/products\//, 'id', 'product'],
    [/^\/api\/products\//, 'mediaId', 'media'],
    [/^\/api\/products\//, 'certificationId', 'certification'],
    [/^\/api\/public\/products\//, 'gtin', 'gtin'],
    [/^\/api\/media\//, 'id', 'media'],
    [/^\/api\/trainings\//, 'id', 'training'],
    [/^\/api\/trainings\//, 'organisationId', 'organisation'],
    [/^\/epcis\/queries\//, 'queryName', 'queryName'],
    [/^\/epcis\/queries\//, 'subscriptionID', 'subscription'],
    [/^\/epcis\/capture\//, 'captureID', 'capture'],
    [/^\/epcis\/events\//, 'eventID', 'eventId'],
    [/^\/api\/recalls\//, 'id', 'recall'],
    [/^\/api\/notifications\//, 'id', 'notification'],
    [/^\/api\/notification-webhooks\//, 'id', 'webhook'],
    [/^\/api\/stamp-batches\//, 'id', 'stampBatch'],
    [/^\/api\/resolver\/links\//, 'id', 'link'],
    [/^\/api\/alerts\//, 'id', 'alert'],
    [/^\/api\/registrations\//, 'id', 'registration'],
    [/^\/api\/federation\/connectors\//, 'id', 'connector'],
    [/^\/api\/federation\/nodes\//, 'id', 'node'],
    [/^\/api\/federation\/national\/records\//, 'id', 'nationalRecord'],
    [/^\/api\/federation\/national\/enrolments\//, 'organisationId', 'organisation'],
    [/^\/api\/insights\/plan\//, 'id', 'planTarget'],
    [/^\/api\/insights\/reports\//, 'id', 'report'],
    [/^\/api\/insights\/surveys\//, 'id', 'survey'],
    [/^\/api\/insights\/measures\//, 'measure', 'measure'],
    [/^\/open-data\//, 'file', 'openDataFile'],
    [/^\/api\/events\//, 'eventId', 'eventId'],
  ];
  const hit = byPath.find(([re, param]) => re.test(path) && param === name);
  if (hit) return ids[hit[2]]!;
  const fixed: Record<string, string> = {
    '/api/product-groups/{code}#code': ids.productGroup!,
    '/api/import/{entity}#entity': 'products',
    '/api/standards/{id}#id': ids.standard!,
    '/epcis/eventTypes/{value}#value': 'ObjectEvent',
    '/epcis/bizSteps/{value}#value': 'commissioning',
    '/epcis/dispositions/{value}#value': 'active',
    '/epcis/bizLocations/{value}#value': `https://id.gs1.org/414/${ids.gln}`,
    '/epcis/readPoints/{value}#value': `https://id.gs1.org/414/${ids.gln}`,
    '/epcis/epcs/{value}#value': ids.epc!,
    '/01/{*}#*': `${ids.gtin}`,
  };
  const key = Object.keys(fixed).find((k) => {
    const [p, n] = k.split('#');
    return n === name && path.startsWith(p!);
  });
  if (key) return fixed[key]!;
  const generic = genericIds.get(`${path}#${name}`);
  if (generic) return generic;
  throw new Error(`No victim object for parameter {${name}} of ${path}: map it in pathValue()`);
}

/**
 * For a path parameter no entry above names (an operation added later), the victim's row of the table the path
 * is about (`/api/federation/connectors/{id}` → a table named like `connector`), found in the database. When the
 * victim has no such row, the operation is still attacked with an unknown id and listed in `unproven`.
 */
const genericIds = new Map<string, string>();
const unproven: string[] = [];
async function mapNewParameters(): Promise<void> {
  const tables = (
    await sql<{ table_name: string }>`select c.table_name from information_schema.columns c
      join information_schema.columns i on i.table_schema = c.table_schema and i.table_name = c.table_name
        and i.column_name = 'id'
      where c.table_schema = current_schema() and c.column_name = 'organisation_id'`.execute(t.db)
  ).rows.map((r) => r.table_name);
  for (const { path } of ops) {
    for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
      try {
        pathValue(path, name!);
        continue;
      } catch {
        // not mapped explicitly: look for the table below
      }
      const before = path.split(`{${name}}`)[0]!.split('/').filter(Boolean);
      const noun = (before.at(-1) ?? '').replace(/-/g, '_').replace(/ies$/, 'y').replace(/s$/, '');
      const table = tables.find((x) => x === noun || x.endsWith(`_${noun}`));
      const row = table
        ? (
            await sql<{ id: string }>`select id::text as id from ${sql.table(table)}
              where organisation_id::text = ${victimOrg} limit 1`.execute(t.db)
          ).rows[0]
        : undefined;
      if (row) {
        genericIds.set(`${path}#${name}`, row.id);
        privateIds.add(row.id);
      } else {
        genericIds.set(`${path}#${name}`, randomUUID());
        unproven.push(`${path} {${name}}`);
      }
    }
  }
}

function urlFor({ path, op }: Op, withOnBehalfOf: boolean): string {
  let url = path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(pathValue(path, name)));
  if (path === '/01/{*}') url = `/01/${ids.gtin}`;
  const query = new URLSearchParams();
  for (const p of op.parameters ?? []) {
    if (p.in === 'query' && ['organisationId', 'organisation', 'onBehalfOf'].includes(p.name))
      query.set(p.name, victimOrg);
    if (p.in === 'query' && p.name === 'identifier') query.set(p.name, `/01/${ids.gtin}`);
    if (p.in === 'query' && ['gtin'].includes(p.name)) query.set(p.name, ids.gtin!);
  }
  if (withOnBehalfOf && path.startsWith('/epcis')) query.set('onBehalfOf', victimOrg);
  const q = query.toString();
  return q ? `${url}?${q}` : url;
}

/** A body that satisfies the declared schema as far as a generator can, naming the victim wherever it may. */
function bodyFor(schema: JsonSchema | undefined, name = ''): unknown {
  if (!schema) return undefined;
  if (['organisationId', 'onBehalfOf', 'organisation', 'providerOrganisationId'].includes(name)) return victimOrg;
  if (['productId', 'productIds'].includes(name)) return schema.type === 'array' ? [ids.product] : ids.product;
  if (['locationId', 'parentId', 'locationIds'].includes(name))
    return schema.type === 'array' ? [ids.location] : ids.location;
  if (name === 'identifier') return `/01/${ids.gtin}`;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt) return bodyFor(alt.find((s) => s.type !== 'null') ?? alt[0], name);
  const type = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  switch (type ?? 'object') {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(schema.properties ?? {}))
        if (schema.required?.includes(key) || ['organisationId', 'onBehalfOf'].includes(key))
          out[key] = bodyFor(sub, key);
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => bodyFor(schema.items, name));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'date-time') return '2026-05-01T00:00:00Z';
      if (schema.format === 'date') return '2026-05-01';
      if (schema.format === 'email') return 'x@example.vn';
      if (schema.format === 'uri') return 'https://example.org/x';
      if (schema.pattern === '^\\d{4}-\\d{2}-\\d{2}$') return '2026-05-01';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return {};
  }
}

async function attack(o: Op, headers: Record<string, string>, withOnBehalfOf: boolean) {
  const json = o.op.requestBody?.content?.['application/json']?.schema;
  const body = o.method === 'GET' || o.method === 'DELETE' ? undefined : bodyFor(json ?? { type: 'object' });
  return t.app.inject({
    method: o.method as 'GET',
    url: urlFor(o, withOnBehalfOf),
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

/** Rows of every table that belongs to an organisation, for the victim: the state no outsider may change. */
async function victimState(): Promise<string> {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.columns
    where table_schema = current_schema() and column_name = 'organisation_id' order by table_name`.execute(t.db);
  const out: string[] = [];
  for (const { table_name } of tables.rows) {
    // Notifications and their e-mails are the victim's inbox: outsiders' legitimate actions may add to it.
    if (['notification', 'notification_email', 'audit_entry'].includes(table_name)) continue;
    const rows = await sql<{ r: unknown }>`select to_jsonb(x) as r from ${sql.table(table_name)} x
      where organisation_id::text = ${victimOrg} order by to_jsonb(x)::text`.execute(t.db);
    out.push(`${table_name}:${JSON.stringify(rows.rows.map((r) => r.r))}`);
  }
  return out.join('\n');
}

const opName = (o: Op) => `${o.method} ${o.path}`;

describe('organisation isolation across the whole API (from the OpenAPI document)', () => {
  it('covers every operation: each path parameter maps to a victim object, public entries still exist', () => {
    expect(ops.length).toBeGreaterThan(100);
    for (const o of ops) expect(() => urlFor(o, false), opName(o)).not.toThrow();
    const names = new Set(ops.map(opName));
    for (const name of [...Object.keys(PUBLIC_ON_PURPOSE), ...Object.keys(CONTROL_EXCEPTIONS)])
      expect(names.has(name), `${name} is listed but no longer exists`).toBe(true);
  });

  it('has a victim object for every path parameter (none attacked with an unknown id only)', () => {
    expect(unproven).toEqual([]);
  });

  it('control: the victim itself reads every object the attacks name', async () => {
    const failures: string[] = [];
    for (const o of ops) {
      if (o.method !== 'GET' || !o.path.includes('{') || CONTROL_EXCEPTIONS[opName(o)]) continue;
      if (unproven.some((u) => u.startsWith(`${o.path} {`))) continue;
      const r = await attack(o, victimAdmin, false);
      if (r.statusCode >= 400) failures.push(`${opName(o)} → ${r.statusCode} ${r.body.slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses every outsider on registrations, connectors, nodes, national sync and insights objects', async () => {
    const before = await provinceState();
    const failures: string[] = [];
    const targeted = ops.filter((o) => VICTIM_ROUTES.test(o.path));
    expect(targeted.length).toBeGreaterThanOrEqual(15);
    // Control: the province reads its own objects at the same URLs.
    for (const o of targeted.filter((x) => x.method === 'GET' && CONTROL_EXCEPTIONS[opName(x)])) {
      const r = await attack(o, provinceHeaders, false);
      if (r.statusCode >= 400) failures.push(`province control: ${opName(o)} → ${r.statusCode}`);
    }
    for (const [role, headers] of Object.entries(roles)) {
      const writesOnly = role.startsWith('province inspector');
      for (const o of targeted) {
        if (writesOnly && o.method === 'GET') continue;
        const r = await attack(o, headers, role.startsWith('provider'));
        if (![401, 403, 404].includes(r.statusCode))
          failures.push(`${role}: ${opName(o)} → ${r.statusCode} ${r.body.slice(0, 160)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await provinceState()).toBe(before);
  }, 300_000);

  it('no outsider reaches another organisation’s data, and nothing of the victim changes', async () => {
    const before = await victimState();
    const failures: string[] = [];
    const tally: Record<string, number> = {};
    for (const [role, headers] of Object.entries(roles)) {
      const writesOnly = role.startsWith('province inspector');
      const viaProvider = role.startsWith('provider');
      for (const o of ops) {
        if (writesOnly && o.method === 'GET') continue;
        const r = await attack(o, headers, viaProvider);
        const where = `${role}: ${opName(o)} → ${r.statusCode}`;
        tally[String(r.statusCode)] = (tally[String(r.statusCode)] ?? 0) + 1;
        if (r.statusCode >= 500) failures.push(`${where} ${r.body.slice(0, 200)}`);
        else if (r.statusCode >= 400) {
          if (!String(r.headers['content-type']).startsWith('application/problem+json'))
            failures.push(`${where} without a problem document (${String(r.headers['content-type'])})`);
        } else if (!writesOnly && !PUBLIC_ON_PURPOSE[opName(o)]) {
          const leaked = [...privateIds].filter((id) => r.body.includes(id));
          if (leaked.length > 0) failures.push(`${where} shows the victim's ${leaked.join(', ')}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await victimState()).toBe(before);
    // Most attacks are refused as forbidden, unauthenticated or not found, not merely as malformed.
    expect((tally['401'] ?? 0) + (tally['403'] ?? 0) + (tally['404'] ?? 0)).toBeGreaterThan(ops.length * 3);
  }, 600_000);
});
