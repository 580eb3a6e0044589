import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, makeOrganisation, startTestApp, type TestApp } from './helpers/app.ts';
import { capture, conformanceFile } from './helpers/epcis.ts';

/**
 * The OpenTraceability traceback expectations: capture the file, trace back from the start EPC, count the distinct
 * events of the trace. Upstream's algorithm (aggregation children and transformation inputs, recursively) is what
 * our backward walk does over the lot graph; the events of a node are every event that mentions it.
 */

interface Traceback {
  file: string;
  startEPC: string;
  expectedEventCount: number;
}

let t: TestApp;
const expectations = (
  JSON.parse(conformanceFile('opentraceability/expectations.json').toString()) as { tracebacks: Traceback[] }
).tracebacks;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

/** The upstream files write SSCC URNs with 15 digits; an SSCC has 17 without its check digit (see the query test). */
const fixSscc = (text: string) =>
  text.replace(/urn:epc:id:sscc:08600031303\.(\d{4})\b/g, 'urn:epc:id:sscc:08600031303.00$1');

/** A query document's events as a capture document. */
function asCaptureDocument(text: string): string {
  const parsed = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown> & {
    epcisBody: { eventList?: unknown[]; queryResults?: { resultsBody: { eventList: unknown[] } } };
  };
  const events = parsed.epcisBody.eventList ?? parsed.epcisBody.queryResults!.resultsBody.eventList;
  return JSON.stringify({ ...parsed, type: 'EPCISDocument', epcisBody: { eventList: events } });
}

async function traceBackCount(headers: Record<string, string>, epc: string): Promise<number> {
  const r = await t.app.inject({ url: `/api/trace/back?id=${encodeURIComponent(fixSscc(epc))}`, headers });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ eventCount: number }>().eventCount;
}

describe('OpenTraceability tracebacks', () => {
  it('epcisquerydoc-example01: 18 events back from one SSCC, 13 from the other', async () => {
    const specs = expectations.filter((e) => e.file === 'data/epcisquerydoc-example01.jsonld');
    expect(specs.map((s) => s.expectedEventCount)).toEqual([18, 13]);
    const org = await makeOrganisation(t.db);
    const key = (await apiKeyFor(t, org, ['epcis:capture', 'epcis:query'])).headers;
    const text = asCaptureDocument(
      conformanceFile('opentraceability/data/epcisquerydoc-example01.jsonld').toString('utf8'),
    );
    const refused = await capture(t, key, text);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('urn:epc:id:sscc:08600031303.0003');
    const r = await capture(t, key, fixSscc(text));
    expect(r.job, JSON.stringify(r)).toMatchObject({ success: true, storedCount: 31 });
    for (const spec of specs) expect(await traceBackCount(key, spec.startEPC)).toBe(spec.expectedEventCount);
  });

  it('traceback_tests: 16 events back from the processor lot', async () => {
    const spec = expectations.find((e) => e.file === 'data/traceback_tests.jsonld')!;
    const org = await makeOrganisation(t.db);
    const key = (await apiKeyFor(t, org, ['epcis:capture', 'epcis:query'])).headers;
    const text = fixSscc(conformanceFile(`opentraceability/${spec.file}`).toString('utf8'));
    // The file gives three eventIDs to more than one different event; an eventID names one event, so the
    // repository keeps the first event of each and refuses the five later ones (kept only under `proceed`).
    const rollback = await capture(t, key, text);
    expect(rollback.job).toMatchObject({ success: false, storedCount: 0 });
    const r = await capture(t, key, text, 'application/ld+json', { 'GS1-Capture-Error-Behaviour': 'proceed' });
    expect(r.job).toMatchObject({ storedCount: 16 });
    expect((r.job!.errors as unknown[]).length).toBe(5);
    // The lot's history back to the hatchery, feed mill and fishing vessel, plus the pallets it was packed on.
    expect(await traceBackCount(key, spec.startEPC)).toBe(spec.expectedEventCount);
  });
});
