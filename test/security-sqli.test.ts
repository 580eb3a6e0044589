import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';
import { createProduct } from '../src/registry/product.service.ts';
import { SYSTEM } from '../src/shared/caller.ts';
import { makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';

/**
 * SQL injection sweep: every query parameter of every GET operation in the running application's OpenAPI document,
 * and every EPCIS query parameter (fixed names and the dynamic families of src/epcis/query-params.ts), receives
 * classic injection payloads from a signed-in business. What must hold: no 5xx; a 4xx is a problem document; no
 * answer carries another organisation's private marker; afterwards every table is still there with its row count
 * (nothing dropped, deleted or inserted by a payload). Runs on the embedded database and, with TEST_DATABASE_URL,
 * on PostgreSQL.
 */

const MARKER = `sqli-${randomUUID().slice(0, 8)}`;
const PAYLOADS = [
  "' OR 1=1--",
  "' OR '1'='1",
  "1'; DROP TABLE organisation; --",
  "'; delete from epcis_event; --",
  '" OR ""="',
  '\\',
  "\\'",
  '\u2019 OR 1=1\u2014',
  '%27%20OR%201%3D1',
  '1 UNION SELECT id, name FROM organisation--',
  '$1',
  '{"$ne":null}',
];
/**
 * Values PostgreSQL cannot store or compare (a NUL byte in text, integers beyond 64 bits, infinities): not an
 * injection (every value is a bound parameter), but they currently end in a 500 on list endpoints instead of a 400.
 */
const MALFORMED = ['x\u0000y', '99999999999999999999999999999999', '-1e309'];
/** Parameters of the EPCIS query interface (fixed names and samples of each dynamic family). */
const EPCIS_PARAMS = [
  'eventType',
  'GE_eventTime',
  'LT_eventTime',
  'GE_recordTime',
  'LT_recordTime',
  'EQ_action',
  'EQ_bizStep',
  'EQ_disposition',
  'EQ_readPoint',
  'WD_readPoint',
  'EQ_bizLocation',
  'WD_bizLocation',
  'EQ_transformationID',
  'EQ_eventID',
  'EQ_errorReason',
  'EQ_correctiveEventID',
  'EXISTS_errorDeclaration',
  'GE_errorDeclarationTime',
  'EQ_persistentDisposition_set',
  'EQ_quantity',
  'GE_quantity',
  'LT_quantity',
  'MATCH_epc',
  'MATCH_parentID',
  'MATCH_inputEPC',
  'MATCH_outputEPC',
  'MATCH_anyEPC',
  'MATCH_epcClass',
  'MATCH_anyEPCClass',
  'EQ_bizTransaction_po',
  'EQ_source_owning_party',
  'EQ_destination_owning_party',
  'EQ_ILMD_tx:harvestDate',
  'GE_ILMD_tx:weight',
  'EXISTS_ILMD_tx:harvestDate',
  'EQ_tx:note',
  'EQ_INNER_tx:grade',
  'EQ_INNER_ILMD_tx:a',
  'HASATTR_bizLocation',
  'EQATTR_bizLocation_kind',
  'EXISTS_sensorElementList',
  'EQ_type',
  'EQ_deviceID',
  'GE_value',
  'orderBy',
  'orderDirection',
  'eventCountLimit',
  'maxEventCount',
  'perPage',
  'nextPageToken',
  'EQ_' + "x'); drop table epcis_event;--",
];

let t: TestApp;
let attacker: Record<string, string>;
let victimOrg: string;
let getOps: { path: string; params: string[] }[] = [];

async function tableCounts(): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(t.db);
  const out: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table_name)}`.execute(t.db);
    out[table_name] = r.rows[0]!.n;
  }
  return out;
}

beforeAll(async () => {
  t = await startTestApp({ rateLimits: null });
  victimOrg = await makeOrganisation(t.db, { name: `Nạn nhân ${MARKER}` });
  await t.db
    .updateTable('organisation')
    .set({ contact_email: `${MARKER}@victim.example` })
    .where('id', '=', victimOrg)
    .execute();
  await createProduct(t.db, SYSTEM, {
    organisationId: victimOrg,
    gtin: withCheckDigit('0893600018001'),
    name: 'Sản phẩm nạn nhân',
    description: `bí mật ${MARKER}`,
    groupCode: 'agri.fruit-veg',
  });
  const attackerOrg = await makeOrganisation(t.db);
  attacker = (await signInAs(t, attackerOrg, 'org_admin')).headers;
  const document = t.app.swagger() as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
  };
  getOps = Object.entries(document.paths)
    .filter(([path, byMethod]) => byMethod.get && !path.includes('{'))
    .map(([path, byMethod]) => ({
      path,
      params: (byMethod.get!.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    }))
    .filter((o) => o.params.length > 0);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

/** What is wrong with one answer. */
function problemOf(where: string, r: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  if (r.statusCode >= 500) return `${where} → ${r.statusCode} ${r.body.slice(0, 200)}`;
  if (r.statusCode >= 400 && !String(r.headers['content-type']).startsWith('application/problem+json'))
    return `${where} → ${r.statusCode} without a problem document`;
  if (r.statusCode < 400 && r.body.includes(MARKER)) return `${where} shows another organisation's data`;
  return null;
}

describe('SQL injection in every query parameter', () => {
  it('finds the parameters to attack in the OpenAPI document', () => {
    const count = getOps.reduce((n, o) => n + o.params.length, 0);
    expect(count).toBeGreaterThan(30);
    expect(getOps.map((o) => o.path)).toContain('/api/products');
  });

  async function sweepApi(payloads: readonly string[], extras: boolean): Promise<string[]> {
    const failures: string[] = [];
    for (const op of getOps) {
      for (const param of op.params) {
        for (const payload of payloads) {
          const url = `${op.path}?${new URLSearchParams({ [param]: payload }).toString()}`;
          const r = await t.app.inject({ method: 'GET', url, headers: attacker });
          const p = problemOf(`GET ${url}`, r);
          if (p) failures.push(p);
        }
        if (!extras) continue;
        // The parameter repeated (an array) and oversized.
        const repeated = `${op.path}?${param}=${encodeURIComponent(PAYLOADS[0]!)}&${param}=2`;
        const huge = `${op.path}?${param}=${encodeURIComponent("'".repeat(5000))}`;
        for (const url of [repeated, huge]) {
          const p = problemOf(
            `GET ${url.slice(0, 120)}`,
            await t.app.inject({ method: 'GET', url, headers: attacker }),
          );
          if (p) failures.push(p);
        }
      }
    }
    return failures;
  }

  it('API query parameters: no 5xx, problem documents, no other organisation’s rows, database intact', async () => {
    const before = await tableCounts();
    expect(await sweepApi(PAYLOADS, true)).toEqual([]);
    expect(await tableCounts()).toEqual(before);
  }, 600_000);

  // These values reach the database as bound parameters; it refuses them as data exceptions, answered as 400.
  it('values PostgreSQL cannot hold (NUL byte, out-of-range numbers) get a 4xx, not a 500', async () => {
    const before = await tableCounts();
    const failures = await sweepApi(MALFORMED, false);
    expect(await tableCounts()).toEqual(before);
    expect(failures).toEqual([]);
  }, 600_000);

  it('EPCIS query parameters on /epcis/events: same guarantees', async () => {
    const before = await tableCounts();
    const failures: string[] = [];
    for (const param of EPCIS_PARAMS) {
      for (const payload of PAYLOADS) {
        const url = `/epcis/events?${new URLSearchParams({ [param]: payload }).toString()}`;
        const r = await t.app.inject({ method: 'GET', url, headers: attacker });
        const p = problemOf(`GET ${url}`, r);
        if (p) failures.push(p);
      }
    }
    expect(failures).toEqual([]);
    expect(await tableCounts()).toEqual(before);
  }, 600_000);
});
