import { describe, expect, it } from 'vitest';
import type { EpcisEvent } from '../epcis/model.ts';
import { rejection, defaultStandardOf, lotsOfEvent, type CaptureWarning } from './compliance.service.ts';
import { checkEvent, evaluate, matchCte } from './evaluate.ts';
import { locationGln } from './location-master.ts';
import { PACKAGED_FOOD } from './profiles/hue.ts';
import type { StandardProfile } from './profile.ts';
import { validateProfile } from './profile.schema.ts';
import type { StandardRow } from './standards.repository.ts';

const RAW = 'https://id.gs1.org/01/08935601000017/10/ME-0615';
const OUT = 'https://id.gs1.org/01/08935601000024/10/MX-0618';
const when = (day: string) => ({ eventTime: `${day}T08:00:00+07:00`, eventTimeZoneOffset: '+07:00' });
const receipt = (epcClass: string, day: string): EpcisEvent =>
  ({
    type: 'ObjectEvent',
    action: 'OBSERVE',
    bizStep: 'receiving',
    ...when(day),
    quantityList: [{ epcClass, quantity: 100, uom: 'KGM' }],
    sourceList: [{ type: 'owning_party', source: 'https://id.gs1.org/417/8935601000000' }],
  }) as unknown as EpcisEvent;

/** Packaged food with the ingredient receipt told apart from the customer's receipt by the lot's role. */
const withIngredients: StandardProfile = {
  ...PACKAGED_FOOD,
  version: 2,
  ctes: [
    {
      id: 'ingredients',
      name: { vi: 'Nhận nguyên liệu', en: 'Receiving ingredients' },
      bizStep: 'receiving',
      eventType: 'ObjectEvent',
      order: 1,
      party: 'processor',
      requirement: 'recommended',
      lot: 'input',
      kdes: [{ path: 'sourceList', requirement: 'required' }],
    },
    ...PACKAGED_FOOD.ctes.map((c) => (c.id === 'receiving' ? { ...c, lot: 'self' as const } : c)),
  ],
};

describe('step matching by the lot’s role', () => {
  it('accepts the lot member in a profile', () => {
    expect(validateProfile(withIngredients)).toEqual([]);
    expect(validateProfile({ ...withIngredients, ctes: [{ ...withIngredients.ctes[0]!, lot: 'both' }] })).not.toEqual(
      [],
    );
  });

  it('reads a receipt of raw material and a customer’s receipt of the finished lot as different CTEs', () => {
    const raw = receipt(RAW, '2026-06-15');
    const finished = receipt(OUT, '2026-06-21');
    expect(matchCte(withIngredients, raw, 'input')?.id).toBe('ingredients');
    expect(matchCte(withIngredients, finished, 'self')?.id).toBe('receiving');
    // Without the role (a posted list of events) the first CTE of the step is taken, as before.
    expect(matchCte(withIngredients, finished)?.id).toBe('ingredients');
    const result = evaluate(withIngredients, [raw, finished], {}, ['input', 'self']);
    expect(result.matched).toEqual(['ingredients', 'receiving']);
    expect(result.findings.filter((f) => f.code === 'order_violation')).toEqual([]);
  });
});

describe('checking one event at capture', () => {
  it('reports its key data elements and values, never what needs the history', () => {
    const event = {
      type: 'TransformationEvent',
      bizStep: 'commissioning',
      ...when('2026-06-18'),
      inputQuantityList: [{ epcClass: RAW, quantity: 120, uom: 'KGM' }],
      outputQuantityList: [{ epcClass: OUT, quantity: 105, uom: 'KGM' }],
      bizLocation: { id: 'https://id.gs1.org/414/8935601000000' },
      ilmd: { 'tx:bestBefore': '18/12/2026' },
    } as unknown as EpcisEvent;
    const checked = checkEvent(PACKAGED_FOOD, event, 7);
    expect(checked.cte).toBe('production');
    expect(checked.findings.map((f) => [f.code, f.eventIndex, f.field])).toEqual([
      ['missing_kde', 7, 'ilmd.tx:productionDate'],
      ['value_out_of_rule', 7, 'ilmd.tx:bestBefore'],
    ]);
    expect(checkEvent(PACKAGED_FOOD, { ...event, bizStep: 'inspecting' }, 0)).toEqual({
      cte: null,
      findings: [],
    });
  });

  it('refuses only a missing required key data element, naming event, field and rule', () => {
    const base: CaptureWarning = {
      eventIndex: 3,
      eventID: null,
      gtin: '08935601000024',
      standardId: 'tccs-hue-packaged-food@1',
      cte: 'production',
      code: 'missing_kde',
      severity: 'warning',
      field: 'ilmd.tx:productionDate',
      message: '',
      messageKey: 'standards.finding.missing_kde',
    };
    expect(rejection([base, { ...base, code: 'value_out_of_rule', severity: 'error' }])).toBeNull();
    const refused = rejection([{ ...base, severity: 'error' }]);
    expect(refused?.code).toBe('validation');
    expect(refused?.fields).toEqual([
      {
        field: 'eventList/3/ilmd.tx:productionDate',
        message: 'required by tccs-hue-packaged-food@1, CTE production',
        messageKey: 'compliance.capture.required',
      },
    ]);
  });

  it('takes the lots an event names at lot level', () => {
    const event = {
      type: 'ObjectEvent',
      action: 'OBSERVE',
      ...when('2026-06-18'),
      epcList: ['urn:epc:id:sgtin:8935601.000002.77'],
      quantityList: [{ epcClass: 'urn:epc:class:lgtin:8935601.000002.MX-0618', quantity: 5 }],
    } as unknown as EpcisEvent;
    expect(lotsOfEvent(event)).toEqual([OUT]);
  });
});

describe('locations and default standards', () => {
  it('reads the GLN of an SGLN URN and of a GLN Digital Link', () => {
    expect(locationGln('urn:epc:id:sgln:8935601.00000.0')).toBe('8935601000000');
    expect(locationGln('https://id.gs1.org/414/8935601000000')).toBe('8935601000000');
    expect(locationGln('https://id.gs1.org/414/8935601000000/254/A1')).toBe('8935601000000');
    expect(locationGln('urn:epc:id:sgtin:8935601.000002.77')).toBeNull();
    expect(locationGln('https://example.com/farm/1')).toBeNull();
  });

  it('prefers the province’s TCCS over an international programme for a product group', () => {
    const row = (id: string, groups: string[]) =>
      ({ id: `${id}@1`, profile_id: id, status: 'published', product_groups: groups }) as unknown as StandardRow;
    const published = [row('fsma-204', ['agri.fishery']), row('tccs-hue-fishery-fish-sauce', ['agri.fishery'])];
    expect(defaultStandardOf('agri.fishery', published)?.id).toBe('tccs-hue-fishery-fish-sauce@1');
    expect(defaultStandardOf('agri.rice', published)).toBeUndefined();
  });
});
