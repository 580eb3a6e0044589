import { describe, expect, it } from 'vitest';
import { checkActionQuantity } from './recall-actions.ts';

describe('recall action quantities', () => {
  const recorded = [{ quantity: 70, uom: 'KGM' }];

  it('accepts up to what the impact records, in any mass unit', () => {
    expect(checkActionQuantity(recorded, [], { quantity: 70, uom: 'KGM' })).toEqual({ ok: true });
    expect(checkActionQuantity(recorded, [{ quantity: 40, uom: 'KGM' }], { quantity: 30000, uom: 'GRM' })).toEqual({
      ok: true,
    });
  });

  it('refuses more than recorded, counting what was recorded before', () => {
    expect(checkActionQuantity(recorded, [{ quantity: 50, uom: 'KGM' }], { quantity: 21, uom: 'KGM' })).toEqual({
      ok: false,
      problem: 'exceeds',
      total: 71,
      available: 70,
      unit: 'KGM',
    });
    expect(checkActionQuantity(recorded, [], { quantity: 0.08, uom: 'TNE' })).toMatchObject({
      problem: 'exceeds',
      total: 80,
    });
  });

  it('refuses a unit that cannot be compared, names what was recorded', () => {
    expect(checkActionQuantity(recorded, [], { quantity: 3, uom: 'LTR' })).toEqual({
      ok: false,
      problem: 'unit',
      recorded: '70 KGM',
    });
    expect(checkActionQuantity([{ quantity: 12, uom: 'H87' }], [], { quantity: 1, uom: 'KGM' })).toMatchObject({
      problem: 'unit',
    });
  });

  it('bounds nothing when the impact records no quantity', () => {
    expect(checkActionQuantity([], [{ quantity: 999, uom: 'KGM' }], { quantity: 5, uom: 'KGM' })).toEqual({ ok: true });
  });
});
