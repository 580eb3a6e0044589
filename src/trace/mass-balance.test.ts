import { describe, expect, it } from 'vitest';
import { balanceLot, balanceTransformation, netContentOf, normalise } from './mass-balance.ts';

const kg = (node: string, quantity: number) => ({ node, quantity, uom: 'KGM' });

describe('normalise', () => {
  it('converts mass to kg, volume to litres, items through their net content, and keeps other units', () => {
    expect(normalise({ node: 'x', quantity: 2500, uom: 'GRM' })).toEqual({ value: 2.5, unit: 'KGM' });
    expect(normalise({ node: 'x', quantity: 2, uom: 'TNE' })).toEqual({ value: 2000, unit: 'KGM' });
    expect(normalise({ node: 'x', quantity: 500, uom: 'MLT' })).toEqual({ value: 0.5, unit: 'LTR' });
    expect(normalise({ node: 'x', quantity: 4, uom: null, netContent: { value: 0.25, unit: 'KGM' } })).toEqual({
      value: 1,
      unit: 'KGM',
    });
    expect(normalise({ node: 'x', quantity: null, uom: null, netContent: { value: 0.25, unit: 'KGM' } })).toEqual({
      value: 0.25,
      unit: 'KGM',
    });
    expect(normalise({ node: 'x', quantity: 3, uom: 'XBX' })).toEqual({ value: 3, unit: 'XBX' });
    expect(normalise({ node: 'x', quantity: null, uom: 'KGM' })).toBeNull();
    expect(netContentOf('500', 'GRM')).toEqual({ value: 0.5, unit: 'KGM' });
    expect(netContentOf('1', 'XBX')).toBeUndefined();
  });
});

describe('balanceTransformation', () => {
  it('computes the yield and checks it against the expected range', () => {
    const ok = balanceTransformation('t1', [kg('a', 60), kg('b', 40)], [kg('c', 45)], { min: 0.4, max: 0.5 });
    expect(ok).toMatchObject({ input: 100, output: 45, unit: 'KGM', yield: 0.45, findings: [] });
    const low = balanceTransformation('t1', [kg('a', 100)], [kg('c', 30)], { min: 0.4, max: 0.5 });
    expect(low.findings).toEqual([expect.objectContaining({ code: 'yield_below_range', severity: 'medium' })]);
    expect(low.findings[0]).toMatchObject({
      messageKey: 'trace.finding.yield_below_range',
      message: 'Yield 0.3 is below the expected 0.4–0.5',
    });
    const high = balanceTransformation('t1', [kg('a', 100)], [kg('c', 120)], { min: 0.4, max: 0.5 });
    expect(high.findings).toEqual([expect.objectContaining({ code: 'yield_above_range', severity: 'high' })]);
  });

  it('flags more out than in without a range, compares items through net content, and refuses to guess', () => {
    expect(balanceTransformation('t', [kg('a', 10)], [kg('b', 12)]).findings).toEqual([
      expect.objectContaining({ code: 'output_exceeds_input', severity: 'high' }),
    ]);
    const bottles = balanceTransformation(
      't',
      [{ node: 'sauce', quantity: 100, uom: 'LTR' }],
      [{ node: 'bottle', quantity: 190, uom: 'H87', netContent: { value: 0.5, unit: 'LTR' } }],
    );
    expect(bottles).toMatchObject({ unit: 'LTR', yield: 0.95, findings: [] });
    const apples = balanceTransformation('t', [kg('a', 10)], [{ node: 'box', quantity: 3, uom: 'XBX' }]);
    expect(apples.yield).toBeNull();
    expect(apples.findings).toEqual([expect.objectContaining({ code: 'incomparable_units' })]);
    const partial = balanceTransformation('t', [kg('a', 10), { node: 'b', quantity: null, uom: 'KGM' }], [kg('c', 9)]);
    expect(partial.findings.map((f) => f.code)).toEqual(['missing_quantity']);
  });
});

describe('balanceLot', () => {
  it('finds a holder shipping more than it produced and received, and short or excess receipts', () => {
    const lot = 'https://id.gs1.org/01/08935001000013/10/L1';
    const r = balanceLot(lot, [
      { kind: 'produced', quantity: kg(lot, 100), holder: 'farm' },
      { kind: 'shipped', quantity: kg(lot, 80), holder: 'farm', pairKey: 'D1' },
      { kind: 'shipped', quantity: kg(lot, 40), holder: 'farm', pairKey: 'D2' },
      { kind: 'received', quantity: kg(lot, 75), holder: 'factory', pairKey: 'D1' },
      { kind: 'received', quantity: kg(lot, 41), holder: 'shop', pairKey: 'D2' },
      { kind: 'consumed', quantity: kg(lot, 75), holder: 'factory' },
    ]);
    expect(r).toMatchObject({ unit: 'KGM', produced: 100, shipped: 120, received: 116, consumed: 75 });
    expect(r.findings.map((f) => [f.code, f.severity, f.details.organisationId ?? f.details.shipment])).toEqual([
      ['shipped_more_than_available', 'high', 'farm'],
      ['received_less_than_shipped', 'medium', 'D1'],
      ['received_more_than_shipped', 'high', 'D2'],
    ]);
  });

  it('has nothing to say about a balanced lot or one seen only leaving', () => {
    const lot = 'L';
    expect(
      balanceLot(lot, [
        { kind: 'produced', quantity: kg(lot, 10), holder: 'a' },
        { kind: 'shipped', quantity: kg(lot, 10), holder: 'a', pairKey: 'x' },
        { kind: 'received', quantity: kg(lot, 10), holder: 'b', pairKey: 'x' },
      ]).findings,
    ).toEqual([]);
    expect(balanceLot(lot, [{ kind: 'shipped', quantity: kg(lot, 10), holder: 'a' }]).findings).toEqual([]);
  });
});
