import http from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJob, startWorker } from '../src/jobs/job.service.ts';
import { JOB_HANDLERS } from '../src/jobs/handlers.ts';
import { apiKeyFor, makeOrganisation, startTestApp, type TestApp } from './helpers/app.ts';
import { capture, conformanceFile, contentTypeOf, drainJobs, queryEvents } from './helpers/epcis.ts';

interface ManifestFile {
  path: string;
  format: 'json' | 'xml';
  kind: string;
  expected: string;
}

const gs1 = JSON.parse(conformanceFile('gs1-epcis/manifest.json').toString()) as { files: ManifestFile[] };
const openepcis = JSON.parse(conformanceFile('openepcis-test-resources/manifest.json').toString()) as {
  files: ManifestFile[];
};
const DOCUMENT_KINDS = new Set(['capture-document', 'query-document']);

let t: TestApp;
let headers: Record<string, string>;
let org: string;

beforeAll(async () => {
  t = await startTestApp({ maxBodyBytes: 4 * 1024 * 1024 });
  org = await makeOrganisation(t.db);
  headers = (await apiKeyFor(t, org, ['epcis:capture', 'epcis:query'])).headers;
});
afterAll(async () => t?.close());

const countEvents = async () =>
  Number((await sql<{ n: string }>`select count(*) as n from epcis_event`.execute(t.db)).rows[0]!.n);

function document(events: object[]): string {
  return JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { ex: 'https://example.vn/epcis/' }],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-05-01T08:00:00+07:00',
    epcisBody: { eventList: events },
  });
}

function objectEvent(serial: string, extra: object = {}): object {
  return {
    type: 'ObjectEvent',
    eventTime: '2026-05-01T08:00:00+07:00',
    eventTimeZoneOffset: '+07:00',
    epcList: [`https://id.gs1.org/01/08935001234562/21/${serial}`],
    action: 'OBSERVE',
    bizStep: 'inspecting',
    ...extra,
  };
}

describe('capture accepts every GS1 EPCIS 2.0 example', () => {
  const files = gs1.files.filter((f) => DOCUMENT_KINDS.has(f.kind) && f.expected === 'accept');
  it.each(files.map((f) => [f.path, f] as const))('%s', async (_path, f) => {
    // Examples reuse eventIDs across files; eventIDs are unique per organisation, so each file gets its own.
    const own = (await apiKeyFor(t, await makeOrganisation(t.db), ['epcis:capture'])).headers;
    const outcome = await capture(t, own, conformanceFile(`gs1-epcis/${f.path}`), contentTypeOf(f.path));
    expect(outcome.status, JSON.stringify(outcome.body)).toBe(202);
    expect(outcome.job, JSON.stringify(outcome.job)).toMatchObject({ running: false, success: true, errors: [] });
    const job = outcome.job as { eventCount: number; storedCount: number; duplicateCount: number };
    expect(job.storedCount + job.duplicateCount).toBe(job.eventCount);
  });
});

/**
 * `JumbledFieldsOrder.xml` (marked accept) breaks the XSD element sequence exactly as
 * `ObjectEvent_with_wrong_element_order.xml` (marked reject) does; it exists to show order-insensitive hashing.
 * Capture is strict on XSD order, so it refuses both; the hash and convert tools accept the jumbled file.
 */
const XSD_ORDER_EXCEPTIONS = new Set([
  '2.0/EPCIS/XML/Capture/Documents/JumbledFieldsOrder.xml',
  '2.0/EPCIS/XML/Query/JumbledFieldsOrder.xml',
]);

describe('capture follows the OpenEPCIS accept/reject corpus', () => {
  const files = openepcis.files.filter((f) => DOCUMENT_KINDS.has(f.kind));
  it.each(files.map((f) => [f.expected, f.path, f] as const))('%s %s', async (expected, _path, f) => {
    const own = (await apiKeyFor(t, await makeOrganisation(t.db), ['epcis:capture'])).headers;
    const outcome = await capture(t, own, conformanceFile(`openepcis-test-resources/${f.path}`), contentTypeOf(f.path));
    if (XSD_ORDER_EXCEPTIONS.has(f.path)) {
      expect(outcome.status).toBe(400);
      expect(JSON.stringify(outcome.body)).toContain('XSD sequence');
    } else if (expected === 'accept') {
      expect(outcome.status, JSON.stringify(outcome.body)).toBe(202);
      expect(outcome.job).toMatchObject({ running: false, success: true });
    } else {
      expect(outcome.status).toBe(400);
      expect(outcome.body).toMatchObject({ type: 'epcisException:ValidationException', status: 400 });
      expect(String(outcome.body.detail)).not.toBe('');
    }
  });
});

describe('capture semantics', () => {
  it('stores nothing from a document with one bad event (rollback, the default)', async () => {
    const before = await countEvents();
    const bad = objectEvent('rb-2', { bizStep: 'not_a_cbv_step' });
    const r = await capture(t, headers, document([objectEvent('rb-1'), bad, objectEvent('rb-3')]));
    expect(r.status).toBe(400);
    expect(r.body.type).toBe('epcisException:ValidationException');
    expect(JSON.stringify(r.body.errors)).toContain('eventList/1');
    expect(await countEvents()).toBe(before);
  });

  it('keeps the valid events and reports the bad one with GS1-Capture-Error-Behaviour: proceed', async () => {
    const before = await countEvents();
    const bad = objectEvent('pr-2', { bizStep: 'not_a_cbv_step' });
    const r = await capture(
      t,
      headers,
      document([objectEvent('pr-1'), bad, objectEvent('pr-3')]),
      'application/ld+json',
      {
        'GS1-Capture-Error-Behaviour': 'proceed',
      },
    );
    expect(r.status).toBe(202);
    expect(r.job).toMatchObject({ running: false, success: false, captureErrorBehaviour: 'proceed', storedCount: 2 });
    expect((r.job!.errors as { eventIndex: number }[])[0]!.eventIndex).toBe(1);
    expect(await countEvents()).toBe(before + 2);
  });

  it('stores a re-captured document once (the event hash is the duplicate key)', async () => {
    const doc = document([objectEvent('dup-1'), objectEvent('dup-2')]);
    const first = await capture(t, headers, doc);
    expect(first.job).toMatchObject({ success: true, storedCount: 2, duplicateCount: 0 });
    const before = await countEvents();
    const second = await capture(t, headers, doc);
    expect(second.job).toMatchObject({ success: true, storedCount: 0, duplicateCount: 2 });
    expect(await countEvents()).toBe(before);
  });

  it('uses the event hash as eventID when none is given', async () => {
    const r = await capture(t, headers, document([objectEvent('hash-id')]));
    expect(r.job).toMatchObject({ success: true, storedCount: 1 });
    const q = await queryEvents(t, headers, { MATCH_epc: 'https://id.gs1.org/01/08935001234562/21/hash-id' });
    expect(q.events).toHaveLength(1);
    expect(q.events[0]!.eventID).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    expect(q.events[0]!.recordTime).toBeDefined();
  });

  it('rejects an eventID reused by a different event, storing nothing under rollback', async () => {
    const first = await capture(
      t,
      headers,
      document([objectEvent('clash-1', { eventID: 'urn:uuid:6f1d5a4e-1b1c-4c57-9a54-3f0b6f4f0a01' })]),
    );
    expect(first.job).toMatchObject({ success: true, storedCount: 1 });
    const before = await countEvents();
    const clash = await capture(
      t,
      headers,
      document([
        objectEvent('clash-2'),
        objectEvent('clash-3', { eventID: 'urn:uuid:6f1d5a4e-1b1c-4c57-9a54-3f0b6f4f0a01' }),
      ]),
    );
    expect(clash.job).toMatchObject({ running: false, success: false, storedCount: 0 });
    expect(await countEvents()).toBe(before);
  });

  it('records a later error declaration on the stored event (same hash), once', async () => {
    const original = objectEvent('decl-1');
    expect((await capture(t, headers, document([original]))).job).toMatchObject({ storedCount: 1 });
    const declared = {
      ...original,
      errorDeclaration: {
        declarationTime: '2026-05-02T09:00:00+07:00',
        reason: 'incorrect_data',
        correctiveEventIDs: ['urn:uuid:0c6a6f0e-2f0b-4d55-9a43-5b9f1e8d7a10'],
      },
    };
    const again = await capture(t, headers, document([declared]));
    expect(again.job).toMatchObject({ success: true, storedCount: 0, duplicateCount: 1 });
    const found = await queryEvents(t, headers, {
      EXISTS_errorDeclaration: 'true',
      MATCH_epc: 'https://id.gs1.org/01/08935001234562/21/decl-1',
    });
    expect(found.events).toHaveLength(1);
    expect(found.events[0]!.errorDeclaration).toMatchObject({ reason: 'incorrect_data' });
    expect(
      (await queryEvents(t, headers, { EQ_correctiveEventID: 'urn:uuid:0c6a6f0e-2f0b-4d55-9a43-5b9f1e8d7a10' })).events,
    ).toHaveLength(1);
    expect(
      (
        await queryEvents(t, headers, {
          GE_errorDeclarationTime: '2026-05-02T00:00:00+07:00',
          EQ_errorReason: 'incorrect_data',
        })
      ).events,
    ).toHaveLength(1);
    const later = {
      ...declared,
      errorDeclaration: { declarationTime: '2026-06-01T00:00:00+07:00', reason: 'did_not_occur' },
    };
    await capture(t, headers, document([later]));
    const kept = await queryEvents(t, headers, { MATCH_epc: 'https://id.gs1.org/01/08935001234562/21/decl-1' });
    expect(kept.events[0]!.errorDeclaration).toMatchObject({ reason: 'incorrect_data' });
  });

  it('captures a single event synchronously at POST /epcis/events, once', async () => {
    const event = {
      '@context': 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      ...objectEvent('single-1'),
    };
    const r = await t.app.inject({
      method: 'POST',
      url: '/epcis/events',
      headers: { ...headers, 'content-type': 'application/ld+json' },
      payload: JSON.stringify(event),
    });
    expect(r.statusCode).toBe(201);
    expect(r.headers.location).toMatch(/^\/epcis\/events\/ni%3A/);
    const again = await t.app.inject({
      method: 'POST',
      url: '/epcis/events',
      headers: { ...headers, 'content-type': 'application/ld+json' },
      payload: JSON.stringify(event),
    });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ stored: 0, duplicates: 1 });
    const got = await t.app.inject({ url: r.headers.location as string, headers });
    expect(got.statusCode).toBe(200);
  });

  it('advertises its limits with OPTIONS and enforces the event limit with 413', async () => {
    const options = await t.app.inject({ method: 'OPTIONS', url: '/epcis/capture', headers });
    expect(options.statusCode).toBe(204);
    expect(options.headers['gs1-epcis-capture-limit']).toBe('10000');
    expect(Number(options.headers['gs1-epcis-capture-file-size-limit'])).toBe(4 * 1024 * 1024);
    const many = Array.from({ length: 10_001 }, (_, i) => objectEvent(`lim-${i}`));
    const big = document(many);
    const r = await capture(t, headers, big.length < 4 * 1024 * 1024 ? big : '{}');
    expect(r.status).toBe(413);
  });

  it('requires the capture permission and knows the caller', async () => {
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/epcis/capture',
      headers: { 'content-type': 'application/ld+json' },
      payload: document([objectEvent('anon')]),
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().type).toBe('epcisException:SecurityException');
    const readOnly = (await apiKeyFor(t, org, ['epcis:query'])).headers;
    const forbidden = await capture(t, readOnly, document([objectEvent('ro')]));
    expect(forbidden.status).toBe(403);
  });
});

describe('solution providers', () => {
  it('capture for a business only under its delegation; the events belong to the business and stay visible to both', async () => {
    const provider = await makeOrganisation(t.db, { kind: 'provider' });
    const business = await makeOrganisation(t.db);
    const providerKey = (await apiKeyFor(t, provider, ['epcis:capture', 'epcis:query'])).headers;
    const body = document([objectEvent('prov-1')]);
    const refused = await capture(
      t,
      providerKey,
      body,
      'application/ld+json',
      {},
      `/epcis/capture?onBehalfOf=${business}`,
    );
    expect(refused.status).toBe(403);
    const { grantDelegation } = await import('../src/registry/identity.service.ts');
    const { SYSTEM } = await import('../src/shared/caller.ts');
    await grantDelegation(t.db, SYSTEM, {
      providerOrganisationId: provider,
      permissions: ['epcis:capture'],
      organisationId: business,
    });
    const accepted = await capture(
      t,
      providerKey,
      body,
      'application/ld+json',
      {},
      `/epcis/capture?onBehalfOf=${business}`,
    );
    expect(accepted.job).toMatchObject({
      success: true,
      storedCount: 1,
      organisationId: business,
      channel: 'provider',
    });
    const row = await t.db
      .selectFrom('epcis_event')
      .select(['owner_organisation_id', 'via_organisation_id'])
      .where('event_id', 'like', 'ni:%')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ owner_organisation_id: business, via_organisation_id: provider });
    const businessKey = (await apiKeyFor(t, business, ['epcis:query'])).headers;
    const epc = { MATCH_epc: 'https://id.gs1.org/01/08935001234562/21/prov-1' };
    expect((await queryEvents(t, businessKey, epc)).events).toHaveLength(1);
    expect((await queryEvents(t, providerKey, epc)).events).toHaveLength(1);
  });
});

describe('capture jobs survive crashes', () => {
  it('a job whose worker died before finishing is resumed and stored exactly once', async () => {
    const doc = document([objectEvent('crash-1'), objectEvent('crash-2'), objectEvent('crash-3')]);
    const r = await t.app.inject({
      method: 'POST',
      url: '/epcis/capture',
      headers: { ...headers, 'content-type': 'application/ld+json' },
      payload: doc,
    });
    expect(r.statusCode).toBe(202);
    // A worker claims the job and dies mid-transaction: its transaction rolls back, its lease runs out.
    const dying = startWorker(
      t.db,
      {
        handlers: {
          'epcis.capture': async (payload, ctx) => {
            await JOB_HANDLERS['epcis.capture']!(payload, {
              ...ctx,
              complete: async () => {
                throw new Error('process killed before commit');
              },
            });
          },
        },
        backoffMs: () => 0,
      },
      false,
    );
    expect(await dying.runOnce()).toBe(true);
    const mid = await t.app.inject({ url: r.headers.location as string, headers });
    expect(mid.json()).toMatchObject({ running: true, storedCount: 0 });
    expect(
      (await queryEvents(t, headers, { MATCH_epc: 'https://id.gs1.org/01/08935001234562/21/crash-1' })).events,
    ).toHaveLength(0);
    await drainJobs(t);
    const done = await t.app.inject({ url: r.headers.location as string, headers });
    expect(done.json()).toMatchObject({ running: false, success: true, storedCount: 3 });
    for (const serial of ['crash-1', 'crash-2', 'crash-3']) {
      expect(
        (await queryEvents(t, headers, { MATCH_epc: `https://id.gs1.org/01/08935001234562/21/${serial}` })).events,
      ).toHaveLength(1);
    }
  });

  it('running a finished capture job again stores nothing twice', async () => {
    const r = await capture(t, headers, document([objectEvent('rerun-1')]));
    expect(r.job).toMatchObject({ storedCount: 1 });
    const before = await countEvents();
    await enqueueJob(t.db, 'epcis.capture', { captureId: (r.body as { captureID: string }).captureID });
    await drainJobs(t);
    expect(await countEvents()).toBe(before);
  });
});

describe('hostile input gets a problem document quickly', () => {
  const xml = (inner: string) => `<?xml version="1.0"?>${inner}`;
  it.each([
    [
      'a DTD',
      xml(
        '<!DOCTYPE epcis [<!ELEMENT epcis ANY>]><epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2026-01-01T00:00:00Z"/>',
      ),
    ],
    ['an external entity', xml('<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>')],
    [
      'entity expansion',
      xml(
        `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]><lolz>&lol9;</lolz>`,
      ),
    ],
    ['10,000-deep nesting', xml(`${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`)],
  ])('XML with %s', async (_what, body) => {
    const r = await capture(t, headers, body, 'application/xml');
    expect(r.status).toBe(400);
    expect(r.body.type).toBe('epcisException:ValidationException');
  });

  it('deeply nested JSON', async () => {
    const r = await capture(t, headers, `${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(r.status).toBe(400);
  });

  it('binary garbage', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    expect((await capture(t, headers, garbage, 'application/ld+json')).status).toBe(400);
    expect((await capture(t, headers, garbage, 'application/xml')).status).toBe(400);
  });

  it('an unsupported media type', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/epcis/capture',
      headers: { ...headers, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(r.statusCode).toBe(415);
    expect(r.headers['content-type']).toContain('application/problem+json');
  });

  it('a 500 MB body is refused from its Content-Length, before it is read', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address() as { port: number };
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: address.port,
          method: 'POST',
          path: '/epcis/capture',
          headers: { ...headers, 'content-type': 'application/ld+json', 'content-length': String(500 * 1024 * 1024) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
      req.write(Buffer.alloc(64 * 1024, 0x20));
    });
    expect(status).toBe(413);
  });
});
