/** Sequence ranges inside a stamp batch (1-based, inclusive). Pure helpers for the service and its problems. */

export interface SequenceRange {
  readonly from: number;
  readonly to: number;
}

/** Merges sorted sequence numbers into the fewest ranges: [1,2,3,7] → 1–3, 7–7. */
export function toRanges(sequences: readonly number[]): SequenceRange[] {
  const ranges: { from: number; to: number }[] = [];
  for (const s of sequences) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && s === last.to + 1) last.to = s;
    else ranges.push({ from: s, to: s });
  }
  return ranges;
}

/** "1–3, 7" with at most `max` ranges, then "… (+n)". */
export function describeRanges(ranges: readonly SequenceRange[], max = 10): string {
  const shown = ranges.slice(0, max).map((r) => (r.from === r.to ? `${r.from}` : `${r.from}–${r.to}`));
  if (ranges.length > max) shown.push(`… (+${ranges.length - max})`);
  return shown.join(', ');
}

/** The range asked for, the whole batch by default; undefined when it is empty or leaves the batch. */
export function resolveRange(
  quantity: number,
  from: number | undefined,
  to: number | undefined,
): SequenceRange | undefined {
  const range = { from: from ?? 1, to: to ?? quantity };
  if (!Number.isInteger(range.from) || !Number.isInteger(range.to)) return undefined;
  if (range.from < 1 || range.to > quantity || range.from > range.to) return undefined;
  return range;
}
