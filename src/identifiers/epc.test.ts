import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalDigitalLink, digitalLinkToEpcUrn, epcUrnToDigitalLink } from './epc.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const vectorsFile = path.resolve(
  repoRoot,
  '../shared/conformance/epcis-event-hash-vectors/dl_normalisation_vectors.json',
);
const { vectors } = JSON.parse(readFileSync(vectorsFile, 'utf8')) as {
  vectors: { group: string; input: unknown; expected: string | null }[];
};

describe('canonical Digital Link for the CBV 2.0 event hash', () => {
  it('has the 71 published vectors', () => {
    expect(vectors.length).toBe(71);
  });
  it.each(vectors.map((v) => [v.group, JSON.stringify(v.input), v.input, v.expected] as const))(
    '%s: %s',
    (_group, _label, input, expected) => {
      expect(canonicalDigitalLink(input)).toBe(expected);
    },
  );
});

describe('EPC URN ⇄ Digital Link', () => {
  const pairs: [urn: string, dl: string, gcpLength: number][] = [
    ['urn:epc:id:sgtin:4012345.011111.98%22', 'https://id.gs1.org/01/04012345111118/21/98%22', 7],
    ['urn:epc:id:sscc:4012345.3111111111', 'https://id.gs1.org/00/340123451111111111', 7],
    ['urn:epc:id:sgln:4012345.00005.122', 'https://id.gs1.org/414/4012345000054/254/122', 7],
    ['urn:epc:id:grai:4012345.00022.334455', 'https://id.gs1.org/8003/04012345000221334455', 7],
    ['urn:epc:id:giai:4012345.ABC345', 'https://id.gs1.org/8004/4012345ABC345', 7],
    ['urn:epc:id:gsrn:4012345.0000006765', 'https://id.gs1.org/8018/401234500000067657', 7],
    ['urn:epc:id:gdti:4012345.00009.PO-4711', 'https://id.gs1.org/253/4012345000092PO-4711', 7],
    ['urn:epc:class:lgtin:4012345.012345.Lot987', 'https://id.gs1.org/01/04012345123456/10/Lot987', 7],
    ['urn:epc:id:pgln:4000001.00000', 'https://id.gs1.org/417/4000001000005', 7],
    ['urn:epc:id:itip:4012345.011111.01.02.987', 'https://id.gs1.org/8006/040123451111180102/21/987', 7],
    ['urn:epc:id:gsin:4012345.222333444', 'https://id.gs1.org/402/40123452223334442', 7],
    ['urn:epc:id:cpi:0614141.123ABC.1234', 'https://id.gs1.org/8010/0614141123ABC/8011/1234', 7],
  ];
  it.each(pairs)('%s ⇄ %s', (urn, dl, gcpLength) => {
    expect(epcUrnToDigitalLink(urn)).toBe(dl);
    expect(digitalLinkToEpcUrn(dl, gcpLength)).toBe(urn);
  });
  it('keeps every element in the unconstrained form', () => {
    expect(epcUrnToDigitalLink('urn:epc:id:upui:1234567.098765.51qIgY)%3C')).toBe(
      'https://id.gs1.org/01/01234567987651/235/51qIgY%29%3C',
    );
  });
  it('rejects non-GS1 EPC schemes and malformed URNs', () => {
    expect(canonicalDigitalLink('urn:epc:id:gid:95100000.12345.400')).toBeNull();
    expect(canonicalDigitalLink('urn:epc:id:sgtin:4012345.01111.1')).toBeNull();
    expect(canonicalDigitalLink('urn:epc:id:sgtin:40x2345.011111.1')).toBeNull();
    expect(canonicalDigitalLink('urn:gdst:example.org:product:lot:class:1')).toBeNull();
    expect(digitalLinkToEpcUrn('https://id.gs1.org/01/04012345111118/21/1', 3)).toBeNull();
  });
});
