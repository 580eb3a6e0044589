import { normalise } from './mass-balance.ts';

/**
 * Recall actions, purely: what an affected organisation did with a recalled lot it holds — quarantined, returned
 * or destroyed — with a quantity. Each kind of action on a lot is bounded by what the recall's impact records for
 * the lot (made or received): the quantities are compared in one unit (the mass balance's conversions: kilograms,
 * litres, or the same unit code). A lot with no recorded quantity bounds nothing.
 */

export const RECALL_ACTIONS = ['quarantined', 'returned', 'destroyed'] as const;
export type RecallActionKind = (typeof RECALL_ACTIONS)[number];

export interface ActionQuantity {
  readonly quantity: number;
  readonly uom: string;
}

export type ActionCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly problem: 'unit'; readonly recorded: string }
  | {
      readonly ok: false;
      readonly problem: 'exceeds';
      readonly total: number;
      readonly available: number;
      readonly unit: string;
    };

const TOLERANCE = 0.005;
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * Checks a new action against the lot's recorded quantities and the same kind of action already recorded on the
 * lot (by every holder): their total may not exceed what the impact records.
 */
export function checkActionQuantity(
  recorded: readonly ActionQuantity[],
  earlier: readonly ActionQuantity[],
  next: ActionQuantity,
): ActionCheck {
  if (recorded.length === 0) return { ok: true };
  const asQuantity = (q: ActionQuantity) => normalise({ node: '', quantity: q.quantity, uom: q.uom });
  const wanted = asQuantity(next);
  const comparable = recorded.map(asQuantity).filter((q) => q !== null && q.unit === wanted?.unit);
  if (!wanted || comparable.length === 0)
    return { ok: false, problem: 'unit', recorded: recorded.map((q) => `${q.quantity} ${q.uom}`).join(', ') };
  const available = comparable.reduce((sum, q) => sum + q!.value, 0);
  const done = earlier
    .map(asQuantity)
    .filter((q) => q !== null && q.unit === wanted.unit)
    .reduce((sum, q) => sum + q!.value, 0);
  const total = done + wanted.value;
  if (total > available * (1 + TOLERANCE))
    return { ok: false, problem: 'exceeds', total: round(total), available: round(available), unit: wanted.unit };
  return { ok: true };
}
