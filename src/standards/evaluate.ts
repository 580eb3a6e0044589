import type { EpcisEvent, QuantityElement } from '../epcis/model.ts';
import { toModelTerm } from '../epcis/vocabulary.ts';
import { total, type Quantity } from '../trace/mass-balance.ts';
import type {
  ComplianceFinding,
  ComplianceResult,
  CteRule,
  FieldPath,
  FindingCode,
  Severity,
  StandardProfile,
  ValueRule,
} from './profile.ts';

/**
 * Evaluates a lot's history against a standard profile, purely: (profile, events, master data) → findings and a
 * compliance score. A gap is a finding, never an exception; an event the profile does not know is left alone.
 */

/** Master data the evaluation may read: attributes of locations by their identifier (GLN, SGLN or URI). */
export interface EvaluationMasterData {
  readonly locations?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

const LOCATION_PREFIX = '$location.';

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Every value found at a path (`[]` expands a list); absent members yield nothing. */
export function valuesAt(event: EpcisEvent, path: FieldPath, master: EvaluationMasterData = {}): unknown[] {
  if (path.startsWith(LOCATION_PREFIX)) {
    const id = event.bizLocation?.id;
    if (id === undefined) return [];
    const value = master.locations?.[id]?.[path.slice(LOCATION_PREFIX.length)];
    return value === undefined ? [] : [value];
  }
  let current: unknown[] = [event];
  for (const raw of path.split('.')) {
    const expand = raw.endsWith('[]');
    const key = expand ? raw.slice(0, -2) : raw;
    const next: unknown[] = [];
    for (const node of current) {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) continue;
      const value = (node as Record<string, unknown>)[key];
      if (value === undefined) continue;
      if (expand && Array.isArray(value)) next.push(...(value as unknown[]));
      else next.push(value);
    }
    current = next;
  }
  return current.filter(isPresent);
}

function sameStep(eventStep: string | undefined, cteStep: string): boolean {
  if (eventStep === undefined) return false;
  const a = toModelTerm(eventStep, 'bizStep');
  const b = toModelTerm(cteStep, 'bizStep');
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/**
 * The role of the evaluated lot in an event: `self` when the event names the lot itself (or a container it was
 * packed into), `input` when it names only lots the evaluated one was made from. Unknown for a posted event list.
 */
export type LotRole = 'self' | 'input';

/**
 * The CTE an event is read as: the first of the profile with its event type and business step whose `lot` role
 * (when the CTE names one and the event's role is known) is the event's. A processor's receipt of its raw material
 * (`input`) and its customer's receipt of the finished lot (`self`) are then different CTEs.
 */
export function matchCte(profile: StandardProfile, event: EpcisEvent, role?: LotRole): CteRule | undefined {
  return profile.ctes.find(
    (c) =>
      c.eventType === event.type &&
      sameStep(event.bizStep, c.bizStep) &&
      (c.lot === undefined || role === undefined || c.lot === role),
  );
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Why a value breaks a rule, or null when it keeps it. */
function breaks(rule: ValueRule, value: unknown): string | null {
  const check = rule.check;
  switch (check.kind) {
    case 'units':
      return typeof value === 'string' && check.units.includes(value.toUpperCase()) ? null : check.units.join(', ');
    case 'range': {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
      if (!Number.isFinite(n)) return `${check.min ?? '…'}–${check.max ?? '…'}`;
      if ((check.min !== undefined && n < check.min) || (check.max !== undefined && n > check.max))
        return `${check.min ?? '…'}–${check.max ?? '…'}`;
      return null;
    }
    case 'pattern':
      return typeof value === 'string' && new RegExp(check.pattern, 'u').test(value) ? null : check.pattern;
    case 'oneOf':
      return typeof value === 'string' && check.values.includes(value) ? null : check.values.join(', ');
  }
}

function quantities(list: readonly QuantityElement[] | undefined, epcs: readonly string[] | undefined): Quantity[] {
  return [
    ...(list ?? []).map((q) => ({ node: q.epcClass, quantity: q.quantity ?? null, uom: q.uom ?? null })),
    ...(epcs ?? []).map((e) => ({ node: e, quantity: null, uom: null })),
  ];
}

/** Output / input of a transformation in one common unit, or null when it cannot be compared. */
export function transformationYield(event: EpcisEvent): { ratio: number; unit: string } | null {
  if (event.type !== 'TransformationEvent') return null;
  const input = total(quantities(event.inputQuantityList, event.inputEPCList));
  const output = total(quantities(event.outputQuantityList, event.outputEPCList));
  if (input.missing > 0 || output.missing > 0 || input.byUnit.size !== 1 || output.byUnit.size !== 1) return null;
  const [[inUnit, inValue]] = [...input.byUnit] as [[string, number]];
  const [[outUnit, outValue]] = [...output.byUnit] as [[string, number]];
  if (inUnit !== outUnit || inValue <= 0) return null;
  return { ratio: Math.round((outValue / inValue) * 1e4) / 1e4, unit: inUnit };
}

function finding(
  code: FindingCode,
  severity: Severity,
  cte: string,
  eventIndex: number | null,
  field: string | null,
  details: Record<string, string | number | null>,
): ComplianceFinding {
  return { code, severity, cte, eventIndex, field, messageKey: `standards.finding.${code}`, details };
}

const severityOf = (requirement: 'required' | 'recommended'): Severity =>
  requirement === 'required' ? 'error' : 'warning';

/** The checks one matched event answers alone: its key data elements and the value rules on what it carries. */
function eventChecks(
  profile: StandardProfile,
  cte: CteRule,
  event: EpcisEvent,
  index: number,
  master: EvaluationMasterData,
): { checks: number; findings: ComplianceFinding[] } {
  const findings: ComplianceFinding[] = [];
  let checks = 0;
  for (const kde of cte.kdes) {
    checks += 1;
    if (valuesAt(event, kde.path, master).length === 0) {
      findings.push(finding('missing_kde', severityOf(kde.requirement), cte.id, index, kde.path, {}));
    }
  }
  for (const rule of profile.valueRules) {
    if (rule.ctes !== undefined && !rule.ctes.includes(cte.id)) continue;
    for (const value of valuesAt(event, rule.path, master)) {
      checks += 1;
      const expected = breaks(rule, value);
      if (expected !== null) {
        findings.push(
          finding('value_out_of_rule', rule.severity, cte.id, index, rule.path, {
            value: show(value),
            expected,
            rule: rule.check.kind,
          }),
        );
      }
    }
  }
  return { checks, findings };
}

/**
 * Checks one event on its own, as capture does before the lot's whole history is known: the CTE it is read as,
 * and the findings about its key data elements and values (never a missing event, an order or a yield, which
 * need the history). `cte` is null when the profile has no CTE for the event.
 */
export function checkEvent(
  profile: StandardProfile,
  event: EpcisEvent,
  index: number,
  master: EvaluationMasterData = {},
  role?: LotRole,
): { cte: string | null; findings: ComplianceFinding[] } {
  const cte = matchCte(profile, event, role);
  if (!cte) return { cte: null, findings: [] };
  return { cte: cte.id, findings: eventChecks(profile, cte, event, index, master).findings };
}

/**
 * Evaluates a lot's history. `roles[i]`, when given, is the evaluated lot's role in event `i` (see `LotRole`);
 * without it, a CTE is matched by event type and business step alone.
 */
export function evaluate(
  profile: StandardProfile,
  events: readonly EpcisEvent[],
  master: EvaluationMasterData = {},
  roles: readonly (LotRole | undefined)[] = [],
): ComplianceResult {
  const findings: ComplianceFinding[] = [];
  let checks = 0;
  const matched = events.map((e, i) => matchCte(profile, e, roles[i]) ?? null);

  // 1. Required and recommended CTEs (an anyOf group is satisfied by any of its members).
  const present = new Set(matched.filter((c): c is CteRule => c !== null).map((c) => c.id));
  const groupsPresent = new Set(
    profile.ctes.filter((c) => present.has(c.id) && c.anyOf !== undefined).map((c) => c.anyOf),
  );
  const groupsReported = new Set<string>();
  for (const cte of profile.ctes) {
    if (cte.requirement === 'optional') continue;
    if (cte.anyOf !== undefined) {
      if (groupsReported.has(cte.anyOf)) continue;
      groupsReported.add(cte.anyOf);
      checks += 1;
      if (!groupsPresent.has(cte.anyOf)) {
        const members = profile.ctes.filter((c) => c.anyOf === cte.anyOf).map((c) => c.id);
        findings.push(
          finding('missing_event', severityOf(cte.requirement), cte.id, null, null, {
            bizStep: cte.bizStep,
            eventType: cte.eventType,
            anyOf: members.join(', '),
          }),
        );
      }
      continue;
    }
    checks += 1;
    if (!present.has(cte.id)) {
      findings.push(
        finding('missing_event', severityOf(cte.requirement), cte.id, null, null, {
          bizStep: cte.bizStep,
          eventType: cte.eventType,
          anyOf: null,
        }),
      );
    }
  }

  const times = events.map((e) => Date.parse(e.eventTime));
  events.forEach((event, index) => {
    const cte = matched[index];
    if (!cte) return;

    // 2 and 3. Key data elements, value rules on the values present.
    const own = eventChecks(profile, cte, event, index, master);
    checks += own.checks;
    findings.push(...own.findings);

    // 4. Order: no event of a later CTE may come before this one.
    checks += 1;
    const earlier = events.findIndex((_, j) => {
      const other = matched[j];
      return other !== null && other !== undefined && other.order > cte.order && times[j]! < times[index]!;
    });
    if (earlier >= 0) {
      findings.push(
        finding('order_violation', 'error', cte.id, index, 'eventTime', {
          after: matched[earlier]!.id,
          afterIndex: earlier,
        }),
      );
    }

    // 5. Yield of a transformation.
    for (const y of profile.yields) {
      if (y.cte !== cte.id) continue;
      const measured = transformationYield(event);
      if (!measured) continue;
      checks += 1;
      if (measured.ratio < y.min || measured.ratio > y.max) {
        findings.push(
          finding('yield_out_of_range', y.severity, cte.id, index, 'outputQuantityList', {
            yield: measured.ratio,
            min: y.min,
            max: y.max,
            unit: measured.unit,
          }),
        );
      }
    }
  });

  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const score = checks === 0 ? 0 : Math.max(0, Math.round((100 * (checks - errors - warnings / 2)) / checks));
  return {
    profileId: profile.id,
    profileVersion: profile.version,
    score,
    checks,
    errors,
    warnings,
    matched: matched.map((c) => c?.id ?? null),
    findings,
  };
}
