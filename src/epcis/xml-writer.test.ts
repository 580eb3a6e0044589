import { describe, expect, it } from 'vitest';
import { documentEventHashes, parseEpcisDocument, toJsonLd, toXml, type ObjectEvent } from './index.ts';

const event: ObjectEvent = {
  type: 'ObjectEvent',
  eventTime: '2025-03-01T09:00:00+07:00',
  eventTimeZoneOffset: '+07:00',
  epcList: ['urn:epc:id:sgtin:8935001.012345.7'],
  action: 'OBSERVE',
  bizStep: 'shipping',
  disposition: 'in_transit',
  readPoint: { id: 'urn:epc:id:sgln:8935001.00001.0', 'hue:gate': '2' },
  bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:8935001000003:PO-9' }],
  sensorElementList: [{ sensorReport: [{ type: 'Temperature', value: 4.5, uom: 'CEL' }] }],
  'hue:note': { 'hue:by': 'Trần Thị B', 'hue:tags': ['a', 'b'] },
};
const namespaces = { hue: 'https://hue.example.vn/ns/' };

describe('EPCIS 2.0 XML writer', () => {
  it('writes CBV values as Web URIs by default and as URNs on request, with the same hashes', () => {
    const web = toXml([event], namespaces);
    const urn = toXml([event], namespaces, { cbvFormat: 'urn' });
    expect(web).toContain('<bizStep>https://ref.gs1.org/cbv/BizStep-shipping</bizStep>');
    expect(urn).toContain('<bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>');
    expect(urn).toContain('type="urn:epcglobal:cbv:btt:po"');
    expect(urn).toContain('type="gs1:Temperature"');
    expect(web).toContain('xmlns:hue="https://hue.example.vn/ns/"');
    const fromWeb = parseEpcisDocument(web, 'xml');
    const fromUrn = parseEpcisDocument(urn, 'xml');
    expect(fromWeb.events[0]).toEqual(event);
    expect(documentEventHashes(fromUrn)).toEqual(documentEventHashes(fromWeb));
  });

  it('escapes text and keeps Vietnamese text intact through XML and JSON-LD', () => {
    const tricky: ObjectEvent = { ...event, 'hue:note': 'a < b & "c" — Huế' };
    const parsed = parseEpcisDocument(toXml([tricky], namespaces), 'xml');
    expect(parsed.events[0]!['hue:note']).toBe('a < b & "c" — Huế');
    const json = parseEpcisDocument(JSON.stringify(toJsonLd(parsed)), 'json');
    expect(json.events[0]!['hue:note']).toBe('a < b & "c" — Huế');
    expect(documentEventHashes(json)).toEqual(documentEventHashes(parsed));
  });
});
