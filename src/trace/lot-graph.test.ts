import { describe, expect, it } from 'vitest';
import { indexEpcs, indexLinks } from '../epcis/event-index.ts';
import { bizStepTerm, edgesOfEvent, type GraphEvent } from './lot-graph.ts';

const LOT_A = 'https://id.gs1.org/01/08935001000013/10/A';
const LOT_B = 'https://id.gs1.org/01/08935001000013/10/B';

function graphEvent(e: Record<string, unknown>, orgs: Record<string, string> = {}): GraphEvent {
  return {
    eventType: e.type as string,
    action: (e.action as string | undefined) ?? null,
    bizStep: (e.bizStep as string | undefined) ?? null,
    ownerOrganisationId: 'owner',
    epcs: indexEpcs(e),
    links: indexLinks(e).map((l) => ({ ...l, organisationId: orgs[l.value] ?? null })),
  };
}

describe('edgesOfEvent', () => {
  it('links every input of a transformation to every output, in canonical form, summing repeated lines', () => {
    const edges = edgesOfEvent(
      graphEvent({
        type: 'TransformationEvent',
        inputQuantityList: [
          { epcClass: 'urn:epc:class:lgtin:8935001.000001.A', quantity: 3, uom: 'KGM' },
          { epcClass: LOT_A, quantity: 2, uom: 'KGM' },
          { epcClass: 'urn:gdst:example.org:product:lot:class:x.1', quantity: 1, uom: 'KGM' },
        ],
        outputQuantityList: [{ epcClass: LOT_B, quantity: 5, uom: 'KGM' }],
      }),
    );
    expect(edges).toEqual([
      expect.objectContaining({ kind: 'transformation', fromNode: LOT_A, toNode: LOT_B, quantity: 5, uom: 'KGM' }),
      expect.objectContaining({
        kind: 'transformation',
        fromNode: 'urn:gdst:example.org:product:lot:class:x.1',
        toNode: LOT_B,
      }),
    ]);
  });

  it('gives a transformation without inputs and an ObjectEvent ADD an origin, and nothing for OBSERVE', () => {
    expect(
      edgesOfEvent(graphEvent({ type: 'TransformationEvent', outputEPCList: ['urn:epc:id:sgtin:8935001.000001.7'] })),
    ).toEqual([
      expect.objectContaining({ kind: 'commissioning', fromNode: 'https://id.gs1.org/01/08935001000013/21/7' }),
    ]);
    expect(
      edgesOfEvent(graphEvent({ type: 'ObjectEvent', action: 'ADD', quantityList: [{ epcClass: LOT_A }] })),
    ).toEqual([expect.objectContaining({ kind: 'commissioning', fromNode: LOT_A, toNode: LOT_A, quantity: null })]);
    expect(
      edgesOfEvent(graphEvent({ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'storing', epcList: [LOT_A] })),
    ).toEqual([]);
  });

  it('puts children into the parent on ADD and takes them out on DELETE; a childless DELETE says nothing', () => {
    const parent = 'urn:epc:id:sscc:8935002.0000000001';
    const child = 'urn:epc:id:sgtin:8935001.000001.7';
    const add = edgesOfEvent(
      graphEvent({ type: 'AggregationEvent', action: 'ADD', parentID: parent, childEPCs: [child] }),
    );
    expect(add).toEqual([
      expect.objectContaining({
        kind: 'aggregation',
        fromNode: 'https://id.gs1.org/01/08935001000013/21/7',
        toNode: 'https://id.gs1.org/00/089350020000000012',
      }),
    ]);
    const del = edgesOfEvent(
      graphEvent({ type: 'AggregationEvent', action: 'DELETE', parentID: parent, childEPCs: [child] }),
    );
    expect(del).toEqual([
      expect.objectContaining({ kind: 'disaggregation', fromNode: add[0]!.toNode, toNode: add[0]!.fromNode }),
    ]);
    expect(edgesOfEvent(graphEvent({ type: 'AggregationEvent', action: 'DELETE', parentID: parent }))).toEqual([]);
  });

  it('records shipments and receipts with the registered parties and the business transaction', () => {
    const event = {
      type: 'ObjectEvent',
      action: 'OBSERVE',
      bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
      quantityList: [{ epcClass: LOT_A, quantity: 10, uom: 'KGM' }],
      bizTransactionList: [{ type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:8935001000006:D1' }],
      sourceList: [{ type: 'owning_party', source: 'https://id.gs1.org/417/8935001000006' }],
      destinationList: [{ type: 'owning_party', destination: 'https://id.gs1.org/417/8935002000005' }],
    };
    const orgs = { 'https://id.gs1.org/417/8935001000006': 'farm', 'https://id.gs1.org/417/8935002000005': 'factory' };
    expect(edgesOfEvent(graphEvent(event, orgs))).toEqual([
      {
        kind: 'shipment',
        fromNode: LOT_A,
        toNode: LOT_A,
        quantity: 10,
        uom: 'KGM',
        fromOrganisationId: 'farm',
        toOrganisationId: 'factory',
        bizTransaction: 'urn:epcglobal:cbv:bt:8935001000006:D1',
      },
    ]);
    // A receipt without parties: the receiver is the organisation that recorded it.
    expect(edgesOfEvent(graphEvent({ ...event, bizStep: 'receiving', sourceList: [], destinationList: [] }))).toEqual([
      expect.objectContaining({ kind: 'receipt', fromOrganisationId: null, toOrganisationId: 'owner' }),
    ]);
  });

  it('is the same whatever else was captured: edges depend on the event alone', () => {
    const e = graphEvent({ type: 'TransformationEvent', inputEPCList: [LOT_A], outputEPCList: [LOT_B] });
    expect(edgesOfEvent(e)).toEqual(edgesOfEvent(e));
  });
});

describe('bizStepTerm', () => {
  it('reads a bare word, a URN and a Web URI alike', () => {
    expect(bizStepTerm('shipping')).toBe('shipping');
    expect(bizStepTerm('urn:epcglobal:cbv:bizstep:receiving')).toBe('receiving');
    expect(bizStepTerm('https://ref.gs1.org/cbv/BizStep-shipping')).toBe('shipping');
    expect(bizStepTerm(null)).toBeNull();
  });
});
