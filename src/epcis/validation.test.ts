import { describe, expect, it } from 'vitest';
import { EpcisValidationError, parseEpcisDocument, validateEpcisDocument, type Finding } from './index.ts';

const CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';

function document(events: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    '@context': [CONTEXT, { ex: 'https://example.vn/epcis/' }],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2025-01-01T00:00:00Z',
    epcisBody: { eventList: events },
    ...extra,
  });
}

const objectEvent = (fields: Record<string, unknown> = {}) => ({
  type: 'ObjectEvent',
  eventTime: '2025-01-01T08:00:00+07:00',
  eventTimeZoneOffset: '+07:00',
  epcList: ['urn:epc:id:sgtin:8935001.012345.1'],
  action: 'OBSERVE',
  ...fields,
});

function findingsOf(events: Record<string, unknown>[], extra?: Record<string, unknown>): Finding[] {
  const result = validateEpcisDocument(document(events, extra), 'json');
  return result.findings;
}

describe('semantic validation (layer 2)', () => {
  it('accepts a plain valid event', () => {
    expect(findingsOf([objectEvent()])).toEqual([]);
  });

  it.each([
    ['eventTime', { eventTime: '22-07-2026' }],
    ['eventTime', { eventTime: '2025-01-01T08:00:00' }],
    ['eventTime', { eventTime: '2025-02-30T08:00:00Z' }],
    ['recordTime', { recordTime: '2025-01-01 08:00' }],
  ])('refuses a bad date-time in %s', (field, fields) => {
    const f = findingsOf([objectEvent(), objectEvent(fields)]);
    expect(f).toContainEqual(expect.objectContaining({ eventIndex: 1, field }));
  });

  it.each([
    ['bizStep', { bizStep: 'transforming' }],
    ['disposition', { disposition: 'fresh' }],
    ['persistentDisposition.set[0]', { persistentDisposition: { set: ['not_a_term'] } }],
    ['bizTransactionList[0].type', { bizTransactionList: [{ type: 'invoice', bizTransaction: 'urn:x:1' }] }],
    ['sourceList[0].type', { sourceList: [{ type: 'seller', source: 'urn:x:1' }] }],
    ['errorDeclaration.reason', { errorDeclaration: { declarationTime: '2025-01-02T00:00:00Z', reason: 'oops' } }],
    [
      'sensorElementList[0].sensorReport[0].component',
      { sensorElementList: [{ sensorReport: [{ type: 'Length', value: 1, component: 'sideways' }] }] },
    ],
  ])('refuses a bare word that is not a CBV term in %s', (field, fields) => {
    expect(findingsOf([objectEvent(fields)])).toContainEqual(
      expect.objectContaining({ eventIndex: 0, field, kind: 'semantic' }),
    );
  });

  it('refuses a time zone offset out of range and an unnamespaced key inside readPoint', () => {
    const f = findingsOf([
      objectEvent({ eventTimeZoneOffset: '+15:00' }),
      objectEvent({ readPoint: { id: 'urn:epc:id:sgln:8935001.00001.0', gate: '2' } }),
    ]);
    expect(f).toContainEqual(expect.objectContaining({ eventIndex: 0, field: 'eventTimeZoneOffset' }));
    expect(f).toContainEqual(expect.objectContaining({ eventIndex: 1, field: 'readPoint.gate' }));
  });

  it('accepts CBV terms and non-CBV URIs', () => {
    expect(findingsOf([objectEvent({ bizStep: 'shipping', disposition: 'https://example.vn/disp/ok' })])).toEqual([]);
  });

  it('refuses extension keys without a namespace, at event level and inside ILMD', () => {
    const f = findingsOf([
      objectEvent({ myField: 1 }),
      objectEvent({ action: 'ADD', ilmd: { lotNumber: 'A1', 'ex:ok': 'x' } }),
    ]);
    expect(f).toContainEqual(expect.objectContaining({ eventIndex: 0, field: 'myField' }));
    expect(f).toContainEqual(expect.objectContaining({ eventIndex: 1, field: 'ilmd.lotNumber' }));
    expect(f.some((x) => x.field === 'ilmd.ex:ok')).toBe(false);
  });

  it('allows ILMD only with action ADD', () => {
    expect(findingsOf([objectEvent({ action: 'ADD', ilmd: { 'ex:lot': 'A' } })])).toEqual([]);
    expect(findingsOf([objectEvent({ action: 'OBSERVE', ilmd: { 'ex:lot': 'A' } })]).map((x) => x.field)).toContain(
      'ilmd',
    );
  });

  it('refuses invalid EPC URNs and GS1 Digital Links with a wrong check digit', () => {
    const f = findingsOf([
      objectEvent({ epcList: ['urn:epc:id:sgtin:8935001.01234.1'] }),
      objectEvent({ epcList: ['https://id.gs1.org/01/08935001123454/21/1'] }),
      objectEvent({ epcList: ['not a uri'] }),
    ]);
    expect(f).toContainEqual(expect.objectContaining({ eventIndex: 0, field: 'epcList[0]' }));
    expect(f).toContainEqual(expect.objectContaining({ eventIndex: 1, field: 'epcList[0]' }));
    expect(f).toContainEqual(expect.objectContaining({ eventIndex: 2, field: 'epcList[0]' }));
    expect(
      findingsOf([objectEvent({ epcList: ['https://id.gs1.org/01/08935001123453/21/1', 'urn:gdst:x:1'] })]),
    ).toEqual([]);
  });

  it('checks quantities and units', () => {
    const f = findingsOf([
      objectEvent({
        epcList: undefined,
        quantityList: [{ epcClass: 'urn:epc:class:lgtin:8935001.012345.L1', quantity: -2, uom: 'KGM' }],
      }),
      objectEvent({
        epcList: undefined,
        quantityList: [{ epcClass: 'urn:epc:class:lgtin:8935001.012345.L1', uom: 'KGM' }],
      }),
    ]);
    expect(f).toContainEqual(expect.objectContaining({ eventIndex: 0, field: 'quantityList[0].quantity' }));
    expect(f).toContainEqual(expect.objectContaining({ eventIndex: 1, field: 'quantityList[0].uom' }));
  });

  it('refuses a document without @context and an unknown event type', () => {
    const noContext = JSON.parse(document([objectEvent()])) as Record<string, unknown>;
    delete noContext['@context'];
    expect(validateEpcisDocument(JSON.stringify(noContext), 'json').valid).toBe(false);
    expect(findingsOf([objectEvent({ type: 'ShippingEvent' })]).length).toBeGreaterThan(0);
  });

  it('names the event and the field in schema findings too', () => {
    const f = findingsOf([objectEvent(), objectEvent({ action: 'CREATE' })]);
    expect(f).toContainEqual(expect.objectContaining({ eventIndex: 1, field: 'action', kind: 'schema' }));
  });

  it('throws EpcisValidationError with the findings from parseEpcisDocument', () => {
    try {
      parseEpcisDocument(document([objectEvent({ bizStep: 'transforming' })]), 'json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EpcisValidationError);
      expect((e as EpcisValidationError).exceptionType).toBe('ValidationException');
      expect((e as EpcisValidationError).findings[0]).toMatchObject({ eventIndex: 0, field: 'bizStep' });
    }
  });

  it('returns the document with its findings in lenient mode', () => {
    const parsed = parseEpcisDocument(document([objectEvent(), objectEvent({ bizStep: 'x' })]), 'json', {
      lenient: true,
    });
    expect(parsed.events.length).toBe(2);
    expect(parsed.findings).toContainEqual(expect.objectContaining({ eventIndex: 1, field: 'bizStep' }));
  });
});

describe('canonical model from XML', () => {
  it('turns CBV URNs and Web URIs into bare words and keeps extensions with their namespace', () => {
    const xml = `<?xml version="1.0"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" xmlns:hue="https://hue.example.vn/ns/" schemaVersion="1.2" creationDate="2025-01-01T00:00:00Z">
<EPCISBody><EventList><extension><TransformationEvent><eventTime>2025-01-01T08:00:00+07:00</eventTime>
<eventTimeZoneOffset>+07:00</eventTimeZoneOffset><baseExtension><eventID>urn:uuid:1</eventID></baseExtension>
<inputEPCList><epc>urn:epc:id:sgtin:8935001.012345.1</epc></inputEPCList>
<outputQuantityList><quantityElement><epcClass>urn:epc:class:lgtin:8935001.012345.L2</epcClass><quantity>5.5</quantity><uom>KGM</uom></quantityElement></outputQuantityList>
<bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep><disposition>https://ref.gs1.org/cbv/Disp-active</disposition>
<ilmd><hue:harvestArea>A-1</hue:harvestArea></ilmd><hue:note>x</hue:note></TransformationEvent></extension></EventList></EPCISBody>
</epcis:EPCISDocument>`;
    const parsed = parseEpcisDocument(xml, 'xml');
    expect(parsed.schemaVersion).toBe('1.2');
    expect(parsed.events[0]).toMatchObject({
      type: 'TransformationEvent',
      eventID: 'urn:uuid:1',
      bizStep: 'commissioning',
      disposition: 'active',
      outputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:8935001.012345.L2', quantity: 5.5, uom: 'KGM' }],
      ilmd: { 'hue:harvestArea': 'A-1' },
      'hue:note': 'x',
    });
    expect(parsed.namespaces.hue).toBe('https://hue.example.vn/ns/');
  });
});

describe('bare events and query documents', () => {
  it('parses the bare events of the corpora (POST /events bodies)', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const path = await import('node:path');
    const { parseEpcisEvent } = await import('./index.ts');
    const { GS1_EPCIS, OPENEPCIS } = await import('./test-corpus.ts');
    const dirs = [path.join(GS1_EPCIS, 'JSON-Schema/test'), path.join(OPENEPCIS, '2.0/EPCIS/JSON/Capture/Events')];
    let count = 0;
    for (const dir of dirs)
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
        expect(parseEpcisEvent(readFileSync(path.join(dir, f))).events.length).toBe(1);
        count++;
      }
    expect(count).toBe(10);
    expect(() => parseEpcisEvent(JSON.stringify(objectEvent({ type: 'ObjectEventInvalid' })))).toThrow(
      EpcisValidationError,
    );
  });

  it('accepts malformed EPC URNs as plain URIs only when asked to', () => {
    const body = document([objectEvent({ epcList: ['urn:epc:id:sscc:08600031303.0003'] })]);
    expect(validateEpcisDocument(body, 'json').valid).toBe(false);
    expect(validateEpcisDocument(body, 'json', { identifiers: 'uri' }).valid).toBe(true);
  });
});

describe('bundled JSON-LD context', () => {
  it('answers the three EPCIS context URLs with the bundled context and nothing else', async () => {
    const { EPCIS_CONTEXT, EPCIS_CONTEXT_URLS, resolveContext } = await import('./index.ts');
    expect(EPCIS_CONTEXT_URLS.length).toBe(3);
    for (const url of EPCIS_CONTEXT_URLS) expect(resolveContext(url)).toBe(EPCIS_CONTEXT);
    expect((EPCIS_CONTEXT['@context'] as Record<string, unknown>).cbvmda).toBe('urn:epcglobal:cbv:mda:');
    expect(resolveContext('https://example.org/context.jsonld')).toBeUndefined();
  });

  it('reports schema and semantic findings of different events together', () => {
    const f = findingsOf([objectEvent({ action: 'CREATE' }), objectEvent({ bizStep: 'transforming' })]);
    expect(f).toContainEqual(expect.objectContaining({ eventIndex: 0, field: 'action', kind: 'schema' }));
    expect(f).toContainEqual(expect.objectContaining({ eventIndex: 1, field: 'bizStep', kind: 'semantic' }));
  });
});
