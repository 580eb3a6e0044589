import { describe, expect, it } from 'vitest';
import { BUILT_IN_PROFILES } from '../../../src/standards/profiles/index.ts';
import { HONEY, LOTUS } from '../../../src/standards/profiles/hue.ts';
import type { Profile } from '../types.ts';
import {
  buildEvent,
  GENERIC_PROFILE,
  guidedForm,
  localTimeWithOffset,
  lotsInEvents,
  offsetOf,
  recordableCtes,
} from './form-model.ts';

const lotus = LOTUS as unknown as Profile;
const honey = HONEY as unknown as Profile;
const cte = (profile: Profile, id: string) => profile.ctes.find((c) => c.id === id)!;
const GTIN = '08930000000019';

describe('guided forms from a standard profile', () => {
  it('asks a harvest exactly the key data elements of the lotus standard, with the date rule as a date field', () => {
    const form = guidedForm(lotus, cte(lotus, 'harvesting'));
    expect(form.shape).toBe('origin');
    expect(form.kdes.map((k) => [k.member, k.requirement, k.kind, k.inIlmd])).toEqual([
      ['tx:harvestDate', 'required', 'date', true],
      ['tx:pond', 'required', 'text', true],
    ]);
    expect(form.units).toEqual(['KGM', 'TNE', 'GRM']);
    expect(form.destination).toBeNull();
  });

  it('reads shipping as needing a receiver and a recommended despatch advice; receiving a sender', () => {
    const shipping = guidedForm(lotus, cte(lotus, 'shipping'));
    expect([shipping.shape, shipping.destination, shipping.despatch, shipping.source]).toEqual([
      'shipping',
      'required',
      'recommended',
      null,
    ]);
    const receiving = guidedForm(lotus, cte(lotus, 'receiving'));
    expect([receiving.shape, receiving.source]).toEqual(['receiving', 'required']);
  });

  it('turns a range rule into a number field with its bounds (honey moisture at most 20 %)', () => {
    const form = guidedForm(honey, cte(honey, 'harvesting'));
    expect(form.kdes.find((k) => k.member === 'tx:moisturePercent')).toMatchObject({
      kind: 'number',
      min: 0,
      max: 20,
      requirement: 'recommended',
    });
  });

  it('builds a form for every CTE of every built-in profile without failing', () => {
    for (const profile of BUILT_IN_PROFILES as unknown as Profile[])
      for (const c of recordableCtes(profile)) expect(guidedForm(profile, c).cte.id).toBe(c.id);
  });

  it('keeps the CTEs in chain order', () => {
    expect(recordableCtes(lotus).map((c) => c.id)).toEqual([
      'harvesting',
      'processing',
      'packing',
      'shipping',
      'receiving',
    ]);
  });
});

describe('events built from the answers', () => {
  const base = { eventTime: '2026-06-10T05:30:00+07:00', timeZoneOffset: '+07:00', kdes: {} };

  it('a harvest commissions the lot (ADD) with its ILMD at the location', () => {
    const event = buildEvent(guidedForm(lotus, cte(lotus, 'harvesting')), {
      ...base,
      eventId: 'urn:uuid:1',
      gtin: GTIN,
      locationGln: '8930000000101',
      quantity: { lot: 'TT 1/A', quantity: 12.5, uom: 'KGM' },
      kdes: { 'ilmd.tx:harvestDate': '2026-06-10', 'ilmd.tx:pond': 'Ô 3' },
    });
    expect(event).toEqual({
      type: 'ObjectEvent',
      eventID: 'urn:uuid:1',
      eventTime: '2026-06-10T05:30:00+07:00',
      eventTimeZoneOffset: '+07:00',
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      quantityList: [{ epcClass: `https://id.gs1.org/01/${GTIN}/10/TT%201%2FA`, quantity: 12.5, uom: 'KGM' }],
      readPoint: { id: 'https://id.gs1.org/414/8930000000101' },
      bizLocation: { id: 'https://id.gs1.org/414/8930000000101' },
      ilmd: { 'tx:harvestDate': '2026-06-10', 'tx:pond': 'Ô 3' },
    });
  });

  it('a shipment names both owning parties and the despatch advice scoped by the sender GLN', () => {
    const event = buildEvent(guidedForm(lotus, cte(lotus, 'shipping')), {
      ...base,
      eventId: 'urn:uuid:2',
      gtin: GTIN,
      locationGln: '8930000000118',
      quantity: { lot: 'HS-1', quantity: 100, uom: 'KGM' },
      ownPartyGln: '8930000000002',
      partnerGln: '8930000000903',
      despatch: 'XH-1',
      despatchOwnerGln: '8930000000002',
    });
    expect(event).toMatchObject({
      action: 'OBSERVE',
      bizStep: 'shipping',
      disposition: 'in_transit',
      bizTransactionList: [{ type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:8930000000002:XH-1' }],
      sourceList: [{ type: 'owning_party', source: 'https://id.gs1.org/417/8930000000002' }],
      destinationList: [{ type: 'owning_party', destination: 'https://id.gs1.org/417/8930000000903' }],
    });
    expect(event).not.toHaveProperty('bizLocation');
    expect(event).not.toHaveProperty('ilmd');
  });

  it('a receipt repeats its shipment’s identifiers as given, the sender as source', () => {
    const receiving = GENERIC_PROFILE.ctes.find((c) => c.id === 'receiving')!;
    const event = buildEvent(guidedForm(GENERIC_PROFILE, receiving), {
      ...base,
      eventId: 'urn:uuid:3',
      gtin: GTIN,
      locationGln: '8930000000903',
      quantity: { lot: 'HS-1', epcClass: 'https://id.gs1.org/01/x/10/HS-1', quantity: 98, uom: 'KGM' },
      ownPartyGln: '8930000000903',
      partnerGln: '8930000000002',
      bizTransaction: 'urn:epcglobal:cbv:bt:8930000000002:XH-1',
    });
    expect(event).toMatchObject({
      bizStep: 'receiving',
      disposition: 'in_progress',
      quantityList: [{ epcClass: 'https://id.gs1.org/01/x/10/HS-1', quantity: 98, uom: 'KGM' }],
      bizLocation: { id: 'https://id.gs1.org/414/8930000000903' },
      sourceList: [{ type: 'owning_party', source: 'https://id.gs1.org/417/8930000000002' }],
      bizTransactionList: [{ type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:8930000000002:XH-1' }],
    });
  });

  it('a processing step is a TransformationEvent from input lots to output lots with its ILMD', () => {
    const event = buildEvent(guidedForm(lotus, cte(lotus, 'processing')), {
      ...base,
      eventId: 'urn:uuid:4',
      gtin: GTIN,
      locationGln: '8930000000118',
      inputs: [{ lot: 'TT-1', quantity: 100, uom: 'KGM' }],
      outputs: [{ lot: 'HS-1', quantity: 65, uom: 'KGM' }],
      kdes: { 'ilmd.tx:bestBefore': '2027-06-10', 'ilmd.tx:process': '' },
    });
    expect(event).toMatchObject({
      type: 'TransformationEvent',
      inputQuantityList: [{ epcClass: `https://id.gs1.org/01/${GTIN}/10/TT-1`, quantity: 100 }],
      outputQuantityList: [{ epcClass: `https://id.gs1.org/01/${GTIN}/10/HS-1`, quantity: 65 }],
      ilmd: { 'tx:bestBefore': '2027-06-10' },
    });
    expect(event).not.toHaveProperty('action');
  });
});

describe('helpers', () => {
  it('lists the lots of a GTIN in the order of the events, each once', () => {
    const prefix = `https://id.gs1.org/01/${GTIN}/10/`;
    const events = [
      { outputQuantityList: [{ epcClass: `${prefix}HS-2` }], inputQuantityList: [{ epcClass: `${prefix}TT-1` }] },
      { quantityList: [{ epcClass: `${prefix}TT-1` }, { epcClass: 'https://id.gs1.org/01/08930000000026/10/X' }] },
      { quantityList: [{ epcClass: `${prefix}L%C3%B4%201` }] },
    ];
    expect(lotsInEvents(events, GTIN)).toEqual(['HS-2', 'TT-1', 'Lô 1']);
  });

  it('writes local times with their offset', () => {
    const date = new Date(2026, 5, 10, 5, 30, 7);
    expect(localTimeWithOffset(date)).toBe(`2026-06-10T05:30:07${offsetOf(date)}`);
    expect(offsetOf(date)).toMatch(/^[+-]\d{2}:\d{2}$/);
  });
});
