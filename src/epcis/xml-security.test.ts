import { describe, expect, it } from 'vitest';
import { EpcisValidationError, parseEpcisDocument, type Finding } from './index.ts';

function refusal(body: string | Buffer, format: 'json' | 'xml' = 'xml'): Finding[] {
  try {
    parseEpcisDocument(body, format);
  } catch (e) {
    if (e instanceof EpcisValidationError) return e.findings;
    throw e;
  }
  throw new Error('document was accepted');
}

const wrap = (inner: string) =>
  `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2025-01-01T00:00:00Z"><EPCISBody><EventList>${inner}</EventList></EPCISBody></epcis:EPCISDocument>`;

describe('hostile input is refused with a clean finding', () => {
  it('refuses a DTD with entity declarations (billion laughs)', () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;">]>
${wrap('<ObjectEvent><eventTime>&lol9;</eventTime></ObjectEvent>')}`;
    expect(refusal(lol)).toEqual([expect.objectContaining({ field: 'DOCTYPE', kind: 'security' })]);
  });

  it('refuses an external entity', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${wrap('<ObjectEvent><eventTime>&xxe;</eventTime></ObjectEvent>')}`;
    expect(refusal(xxe)[0]).toMatchObject({ kind: 'security' });
    const external = `<?xml version="1.0"?><!DOCTYPE foo SYSTEM "http://attacker.example/x.dtd">${wrap('')}`;
    expect(refusal(external)[0]).toMatchObject({ kind: 'security' });
  });

  it('refuses an undeclared entity reference without expanding anything', () => {
    expect(refusal(wrap('<ObjectEvent><eventTime>&xxe;</eventTime></ObjectEvent>'))[0]).toMatchObject({
      kind: 'syntax',
    });
  });

  it('refuses 10,000-deep nesting', () => {
    const deep = wrap(
      '<ObjectEvent>' + '<a:x xmlns:a="urn:a">'.repeat(10_000) + '</a:x>'.repeat(10_000) + '</ObjectEvent>',
    );
    expect(refusal(deep)[0]).toMatchObject({ kind: 'security' });
    const deepJson = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    expect(refusal(deepJson, 'json')[0]).toMatchObject({ kind: 'security' });
  });

  it('refuses an oversized body before parsing it', () => {
    expect(() => parseEpcisDocument(Buffer.alloc(2048, 0x20), 'xml', { maxBytes: 1024 })).toThrow(EpcisValidationError);
    try {
      parseEpcisDocument(Buffer.alloc(2048, 0x20), 'xml', { maxBytes: 1024 });
    } catch (e) {
      expect((e as EpcisValidationError).exceptionType).toBe('CaptureLimitExceededException');
    }
  });

  it('refuses binary garbage in either syntax', () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    expect(refusal(garbage)[0]).toMatchObject({ kind: 'syntax' });
    expect(refusal(garbage, 'json')[0]).toMatchObject({ kind: 'syntax' });
    expect(refusal('{"type": "EPCISDocument",', 'json')[0]).toMatchObject({ kind: 'syntax' });
    expect(refusal('<epcis:EPCISDocument')[0]).toMatchObject({ kind: 'syntax' });
  });

  it('takes a replacement character in a value as text, and invalid UTF-8 bytes as binary', () => {
    const doc = JSON.stringify({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { ex: 'https://example.vn/ns/' }],
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
            epcList: ['https://id.gs1.org/01/08935001000013/21/A1'],
            'ex:note': 'nhãn in lỗi: \ufffd',
          },
        ],
      },
    });
    expect(parseEpcisDocument(doc, 'json').events).toHaveLength(1);
    const invalid = Buffer.concat([
      Buffer.from(doc.slice(0, 40)),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(doc.slice(40)),
    ]);
    expect(refusal(invalid, 'json')[0]).toMatchObject({ field: 'body', kind: 'syntax' });
  });

  it('accepts an inert DOCTYPE that declares nothing (as in GS1 examples)', () => {
    const inert = `<?xml version="1.0"?><!DOCTYPE project>${wrap('')}`;
    expect(parseEpcisDocument(inert, 'xml').events).toEqual([]);
  });
});
