import { t } from '../shared/messages.ts';

/**
 * Mass balance, purely: does what came out of a transformation fit what went in, and does what a lot shipped fit
 * what it produced and received? Quantities are compared in one unit: the same UN/ECE Rec 20 code, or both converted
 * to kilograms (mass units directly, counted items through their product's net content when it is known), or both
 * to litres. What cannot be compared is reported as such, never guessed.
 */

export type Severity = 'info' | 'low' | 'medium' | 'high';

export type FindingCode =
  | 'yield_below_range'
  | 'yield_above_range'
  | 'output_exceeds_input'
  | 'incomparable_units'
  | 'missing_quantity'
  | 'shipped_more_than_available'
  | 'received_less_than_shipped'
  | 'received_more_than_shipped'
  | 'shipment_rejected';

export interface Finding {
  readonly code: FindingCode;
  /** The catalogue key (`trace.finding.<code>`); `details` fill its placeholders, `message` is its English text. */
  readonly messageKey?: string;
  readonly severity: Severity;
  readonly subject: string;
  readonly message: string;
  readonly details: Record<string, number | string | null>;
}

export interface Quantity {
  readonly node: string;
  /** null for an instance identifier (one item) or a quantity element without a quantity. */
  readonly quantity: number | null;
  readonly uom: string | null;
  /** Net content of one item in kilograms (or litres for volume), from the product registry, when known. */
  readonly netContent?: { readonly value: number; readonly unit: 'KGM' | 'LTR' } | undefined;
}

/** Yield = output / input in a common unit; a range given by the caller (the product group's expectation). */
export interface YieldRange {
  readonly min: number;
  readonly max: number;
}

const MASS_KG: Readonly<Record<string, number>> = {
  KGM: 1,
  GRM: 0.001,
  MGM: 0.000001,
  TNE: 1000,
  LBR: 0.45359237,
  ONZ: 0.028349523125,
};
const VOLUME_L: Readonly<Record<string, number>> = { LTR: 1, MLT: 0.001, CLT: 0.01, DLT: 0.1, MTQ: 1000, HLT: 100 };
const ITEM_UNITS = new Set(['H87', 'EA', 'C62', 'PCE', 'NIU', 'XBX', 'XCT']);

/** A quantity in a common dimension: kg, litres, or a unit kept as it is when it converts to neither. */
export function normalise(q: Quantity): { value: number; unit: string } | null {
  const count = q.quantity ?? (q.uom === null ? 1 : null);
  if (count === null) return null;
  const uom = q.uom?.toUpperCase() ?? null;
  if (uom !== null && MASS_KG[uom] !== undefined) return { value: count * MASS_KG[uom], unit: 'KGM' };
  if (uom !== null && VOLUME_L[uom] !== undefined) return { value: count * VOLUME_L[uom], unit: 'LTR' };
  if ((uom === null || ITEM_UNITS.has(uom)) && q.netContent)
    return { value: count * q.netContent.value, unit: q.netContent.unit };
  return { value: count, unit: uom ?? 'H87' };
}

/** Sums quantities per common unit; `missing` counts those without a usable quantity. */
export function total(quantities: readonly Quantity[]): { byUnit: Map<string, number>; missing: number } {
  const byUnit = new Map<string, number>();
  let missing = 0;
  for (const q of quantities) {
    const n = normalise(q);
    if (!n) missing += 1;
    else byUnit.set(n.unit, (byUnit.get(n.unit) ?? 0) + n.value);
  }
  return { byUnit, missing };
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** The finding's message from the catalogue (English here; clients translate `messageKey` with `details`). */
function described(f: Finding): Finding {
  const messageKey = `trace.finding.${f.code}`;
  const params = Object.fromEntries(
    Object.entries(f.details).filter((e): e is [string, string | number] => e[1] !== null),
  );
  return { ...f, messageKey, message: t('en', messageKey, params) };
}

export interface TransformationBalance {
  readonly subject: string;
  readonly input: number | null;
  readonly output: number | null;
  readonly unit: string | null;
  readonly yield: number | null;
  readonly findings: Finding[];
}

/**
 * One transformation: outputs against inputs in a common unit, checked against the expected yield range when one
 * is given; without a range, more out than in (by more than `tolerance`) is still a finding.
 */
export function balanceTransformation(
  subject: string,
  inputs: readonly Quantity[],
  outputs: readonly Quantity[],
  expected?: YieldRange,
  tolerance = 0.005,
): TransformationBalance {
  const findings: Finding[] = [];
  const ins = total(inputs);
  const outs = total(outputs);
  if (ins.missing + outs.missing > 0) {
    findings.push({
      code: 'missing_quantity',
      severity: 'info',
      subject,
      message: 'Some inputs or outputs carry no quantity; the balance covers the others',
      details: { inputsWithout: ins.missing, outputsWithout: outs.missing },
    });
  }
  const common = [...ins.byUnit.keys()].find((u) => outs.byUnit.has(u));
  if (common === undefined || ins.byUnit.size !== 1 || outs.byUnit.size !== 1) {
    if (ins.byUnit.size > 0 && outs.byUnit.size > 0) {
      findings.push({
        code: 'incomparable_units',
        severity: 'low',
        subject,
        message: 'Inputs and outputs are in units that cannot be compared (give net contents in the registry)',
        details: { inputUnits: [...ins.byUnit.keys()].join(','), outputUnits: [...outs.byUnit.keys()].join(',') },
      });
    }
    return { subject, input: null, output: null, unit: null, yield: null, findings: findings.map(described) };
  }
  const input = ins.byUnit.get(common)!;
  const output = outs.byUnit.get(common)!;
  const ratio = input > 0 ? output / input : null;
  const details = {
    input: round(input),
    output: round(output),
    unit: common,
    yield: ratio === null ? null : round(ratio),
  };
  if (ratio !== null && expected) {
    if (ratio < expected.min - 1e-9)
      findings.push({
        code: 'yield_below_range',
        severity: 'medium',
        subject,
        message: `Yield ${round(ratio)} is below the expected ${expected.min}–${expected.max}`,
        details: { ...details, min: expected.min, max: expected.max },
      });
    else if (ratio > expected.max + 1e-9)
      findings.push({
        code: 'yield_above_range',
        severity: ratio > 1 + tolerance ? 'high' : 'medium',
        subject,
        message: `Yield ${round(ratio)} is above the expected ${expected.min}–${expected.max}`,
        details: { ...details, min: expected.min, max: expected.max },
      });
  } else if (ratio !== null && ratio > 1 + tolerance && (common === 'KGM' || common === 'LTR')) {
    findings.push({
      code: 'output_exceeds_input',
      severity: 'high',
      subject,
      message: 'More came out of the transformation than went in',
      details,
    });
  }
  return {
    subject,
    input: round(input),
    output: round(output),
    unit: common,
    yield: ratio === null ? null : round(ratio),
    findings: findings.map(described),
  };
}

/** One movement of a lot, as the lot graph records it. */
export interface Movement {
  readonly kind: 'produced' | 'received' | 'shipped' | 'consumed';
  readonly quantity: Quantity;
  /** Pairs a shipment with its receipt: a business transaction, else the pair of organisations. */
  readonly pairKey?: string | null;
  /** Who held the lot on that side: the producer, the consumer, the shipper, the receiver (null: unknown). */
  readonly holder?: string | null;
}

export interface LotBalance {
  readonly subject: string;
  readonly unit: string | null;
  readonly produced: number;
  readonly received: number;
  readonly shipped: number;
  readonly consumed: number;
  readonly findings: Finding[];
}

/**
 * One lot: shipped (and consumed by transformations) against produced plus received; and every shipment against
 * the receipts paired with it.
 */
export function balanceLot(subject: string, movements: readonly Movement[], tolerance = 0.005): LotBalance {
  const findings: Finding[] = [];
  const sums = {
    produced: new Map<string, number>(),
    received: new Map<string, number>(),
    shipped: new Map<string, number>(),
    consumed: new Map<string, number>(),
  };
  for (const m of movements) {
    const n = normalise(m.quantity);
    if (!n) continue;
    sums[m.kind].set(n.unit, (sums[m.kind].get(n.unit) ?? 0) + n.value);
  }
  const units = new Set([
    ...sums.produced.keys(),
    ...sums.received.keys(),
    ...sums.shipped.keys(),
    ...sums.consumed.keys(),
  ]);
  const unit = units.size === 1 ? [...units][0]! : null;
  const get = (m: Map<string, number>) => (unit === null ? 0 : (m.get(unit) ?? 0));
  const produced = get(sums.produced);
  const received = get(sums.received);
  const shipped = get(sums.shipped);
  const consumed = get(sums.consumed);
  if (units.size > 1) {
    findings.push({
      code: 'incomparable_units',
      severity: 'low',
      subject,
      message: 'The lot is recorded in units that cannot be compared',
      details: { units: [...units].join(',') },
    });
  }
  // Each holder's own account: what it produced and received against what it shipped and consumed. A holder seen
  // only giving the lot out (its production recorded elsewhere, or not at all) has nothing to compare with.
  if (unit !== null) {
    const holders = new Map<string, { inflow: number; outflow: number }>();
    for (const m of movements) {
      const n = normalise(m.quantity);
      if (!n || n.unit !== unit || !m.holder) continue;
      const h = holders.get(m.holder) ?? { inflow: 0, outflow: 0 };
      if (m.kind === 'produced' || m.kind === 'received') h.inflow += n.value;
      else h.outflow += n.value;
      holders.set(m.holder, h);
    }
    for (const [holder, h] of holders) {
      if (h.inflow > 0 && h.outflow > h.inflow * (1 + tolerance)) {
        findings.push({
          code: 'shipped_more_than_available',
          severity: 'high',
          subject,
          message: `${holder} shipped and used ${round(h.outflow)} ${unit}, more than the ${round(h.inflow)} ${unit} it produced and received`,
          details: { organisationId: holder, out: round(h.outflow), in: round(h.inflow), unit },
        });
      }
    }
  }

  const pairs = new Map<string, { shipped: number; received: number; unit: string }>();
  for (const m of movements) {
    if ((m.kind !== 'shipped' && m.kind !== 'received') || !m.pairKey) continue;
    const n = normalise(m.quantity);
    if (!n) continue;
    const key = `${m.pairKey}\u0000${n.unit}`;
    const p = pairs.get(key) ?? { shipped: 0, received: 0, unit: n.unit };
    if (m.kind === 'shipped') p.shipped += n.value;
    else p.received += n.value;
    pairs.set(key, p);
  }
  for (const [key, p] of pairs) {
    const pair = key.split('\u0000')[0]!;
    if (p.shipped > 0 && p.received > 0 && p.received < p.shipped * (1 - tolerance)) {
      findings.push({
        code: 'received_less_than_shipped',
        severity: 'medium',
        subject,
        message: `Received ${round(p.received)} ${p.unit} of the ${round(p.shipped)} ${p.unit} shipped (${pair})`,
        details: { shipment: pair, shipped: round(p.shipped), received: round(p.received), unit: p.unit },
      });
    } else if (p.shipped > 0 && p.received > p.shipped * (1 + tolerance)) {
      findings.push({
        code: 'received_more_than_shipped',
        severity: 'high',
        subject,
        message: `Received ${round(p.received)} ${p.unit}, more than the ${round(p.shipped)} ${p.unit} shipped (${pair})`,
        details: { shipment: pair, shipped: round(p.shipped), received: round(p.received), unit: p.unit },
      });
    }
  }
  return {
    subject,
    unit,
    produced: round(produced),
    received: round(received),
    shipped: round(shipped),
    consumed: round(consumed),
    findings: findings.map(described),
  };
}

/** A product's registered net content (any Rec 20 mass or volume code) as kilograms or litres per item. */
export function netContentOf(
  value: string | number | null,
  unit: string | null,
): { value: number; unit: 'KGM' | 'LTR' } | undefined {
  if (value === null || unit === null) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const u = unit.toUpperCase();
  if (MASS_KG[u] !== undefined) return { value: n * MASS_KG[u], unit: 'KGM' };
  if (VOLUME_L[u] !== undefined) return { value: n * VOLUME_L[u], unit: 'LTR' };
  return undefined;
}
