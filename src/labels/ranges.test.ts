import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeRanges, resolveRange, toRanges } from './ranges.ts';

describe('sequence ranges', () => {
  it('merge sorted sequence numbers into the fewest ranges that cover exactly them', () => {
    expect(toRanges([1, 2, 3, 7, 9, 10])).toEqual([
      { from: 1, to: 3 },
      { from: 7, to: 7 },
      { from: 9, to: 10 },
    ]);
    expect(toRanges([])).toEqual([]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 200 })), (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        const ranges = toRanges(sorted);
        expect(ranges.flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i))).toEqual(sorted);
        for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.from).toBeGreaterThan(ranges[i - 1]!.to + 1);
      }),
    );
  });

  it('are described briefly, long lists cut', () => {
    expect(describeRanges(toRanges([1, 2, 3, 7]))).toBe('1–3, 7');
    expect(describeRanges(toRanges([1, 3, 5, 7]), 2)).toBe('1, 3, … (+2)');
  });

  it('default to the whole batch and must stay inside it', () => {
    expect(resolveRange(20, undefined, undefined)).toEqual({ from: 1, to: 20 });
    expect(resolveRange(20, 5, undefined)).toEqual({ from: 5, to: 20 });
    expect(resolveRange(20, undefined, 5)).toEqual({ from: 1, to: 5 });
    expect(resolveRange(20, 0, 5)).toBeUndefined();
    expect(resolveRange(20, 3, 21)).toBeUndefined();
    expect(resolveRange(20, 6, 5)).toBeUndefined();
    expect(resolveRange(20, 1.5, 5)).toBeUndefined();
  });
});
