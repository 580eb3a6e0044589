import { describe, expect, it } from 'vitest';
import type { EpcisEvent } from '../epcis/index.ts';
import { DEFAULT_PUBLIC_FIELDS, kdeLabels, publicEvent, textOf } from './public-fields.ts';

const event = {
  type: 'ObjectEvent',
  action: 'ADD',
  eventTime: '2026-06-01T01:00:00.000Z',
  eventTimeZoneOffset: '+07:00',
  bizStep: 'commissioning',
  bizLocation: { id: 'https://id.gs1.org/414/8930000000019' },
  readPoint: { id: 'https://id.gs1.org/414/8930000000026' },
  quantityList: [
    { epcClass: 'https://id.gs1.org/01/08930000000017/10/L1', quantity: 10, uom: 'KGM' },
    { epcClass: 'https://id.gs1.org/01/08930000000024/10/L2', quantity: 5, uom: 'KGM' },
  ],
  ilmd: { 'tx:harvestDate': '2026-05-31', 'tx:secretPrice': 120000, 'tx:note': { '@value': 'mùa hè' } },
  'tx:buyerContact': '0900 000 000',
} as unknown as EpcisEvent;

const noMaster = {};

describe('public projection of an event', () => {
  it('keeps only what the standard marks public', () => {
    const view = publicEvent(
      event,
      ['eventTime', 'bizStep', 'ilmd.tx:harvestDate', 'quantityList[].epcClass'],
      new Map([['ilmd.tx:harvestDate', { vi: 'Ngày thu hoạch', en: 'Harvest date' }]]),
      noMaster,
    );
    expect(view.eventTime).toBe('2026-06-01T01:00:00.000Z');
    expect(view.bizStep).toBe('commissioning');
    expect(view.place).toBeNull();
    expect(view.facts).toEqual([
      { path: 'ilmd.tx:harvestDate', label: { vi: 'Ngày thu hoạch', en: 'Harvest date' }, values: ['2026-05-31'] },
      {
        path: 'quantityList[].epcClass',
        label: null,
        values: ['https://id.gs1.org/01/08930000000017/10/L1', 'https://id.gs1.org/01/08930000000024/10/L2'],
      },
    ]);
    expect(JSON.stringify(view)).not.toContain('120000');
    expect(JSON.stringify(view)).not.toContain('0900');
  });

  it('hides time and step when they are not public, and uses the read point when only it is', () => {
    const view = publicEvent(event, ['readPoint'], new Map(), noMaster);
    expect(view).toEqual({
      type: 'ObjectEvent',
      eventTime: null,
      bizStep: null,
      place: 'https://id.gs1.org/414/8930000000026',
      facts: [],
    });
  });

  it('shows by default only when, which step and where', () => {
    const view = publicEvent(event, DEFAULT_PUBLIC_FIELDS, new Map(), noMaster);
    expect(view.place).toBe('https://id.gs1.org/414/8930000000019');
    expect(view.facts).toEqual([]);
  });

  it('reads location master data for $location paths', () => {
    const view = publicEvent(event, ['$location.growingAreaCode'], new Map(), {
      locations: { 'https://id.gs1.org/414/8930000000019': { growingAreaCode: 'VN-46OR-0017' } },
    });
    expect(view.facts).toEqual([{ path: '$location.growingAreaCode', label: null, values: ['VN-46OR-0017'] }]);
  });

  it('shows nothing for a path naming an inherited member', () => {
    expect(publicEvent(event, ['constructor', 'ilmd.toString'], new Map(), noMaster).facts).toEqual([]);
  });

  it('writes structured values as text', () => {
    expect(textOf({ '@value': 'x' })).toBe('x');
    expect(textOf({ a: 1, b: ['c', 'd'], '@type': 'z' })).toBe('a: 1; b: c, d');
    expect(textOf(null)).toBe('');
  });

  it('collects KDE labels from a profile', () => {
    const labels = kdeLabels({
      ctes: [{ kdes: [{ path: 'a', label: { vi: 'A', en: 'A' } }, { path: 'b' }] }, { kdes: [{ path: 'a' }] }],
    });
    expect([...labels.keys()]).toEqual(['a']);
  });
});
