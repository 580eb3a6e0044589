import type { EventType } from '../epcis/model.ts';

/**
 * A base standard (tiêu chuẩn cơ sở, TCCS) as an executable profile: which critical tracking events (CTEs) a lot's
 * history must contain, which key data elements (KDEs) each must carry, which values are allowed, what yield a
 * transformation may show, what the consumer page may show and how long records are kept. The format is
 * documented in `docs/standards.md`; `profile.schema.ts` is its JSON Schema.
 */

export interface LocalText {
  readonly vi: string;
  readonly en: string;
}

export type Requirement = 'required' | 'recommended' | 'optional';
export type Severity = 'error' | 'warning';

/** The standard a profile is based on: a national standard or regulation, an international programme or its own. */
export interface BasedOn {
  readonly kind: 'TCVN' | 'QCVN' | 'international' | 'regulation' | 'own';
  readonly code: string;
  readonly title: string;
}

/** The party of the chain that records an event (informative: guides data entry). */
export type Party =
  | 'grower'
  | 'fisher'
  | 'farmer'
  | 'collector'
  | 'processor'
  | 'packer'
  | 'transporter'
  | 'distributor'
  | 'retailer'
  | 'importer'
  | 'any';

/**
 * A path into an event: dot-separated member names (`ilmd.cbvmda:lotNumber`), `[]` after a member to visit every
 * element of a list (`quantityList[].uom`), or `$location.<attribute>` for an attribute of the master data of the
 * event's business location (for example its growing-area code).
 */
export type FieldPath = string;

export interface KdeRule {
  readonly path: FieldPath;
  /** `optional` is not allowed for a KDE: list only what must or should be there. */
  readonly requirement: 'required' | 'recommended';
  readonly label?: LocalText;
}

export interface CteRule {
  /** Stable within the profile: findings, value rules and yield rules refer to it. */
  readonly id: string;
  readonly name: LocalText;
  /** CBV 2.0 business step: a bare CBV word (`shipping`) or the URI of a non-CBV step. */
  readonly bizStep: string;
  readonly eventType: EventType;
  /** Position in the chain; an event of a higher order must not happen before one of a lower order. */
  readonly order: number;
  readonly party: Party;
  /**
   * `required`: a lot without it has an error; `recommended`: a warning; `optional`: only checked when present.
   * CTEs sharing an `anyOf` key satisfy each other (for example the origin of seafood: fishing or farm harvest).
   */
  readonly requirement: Requirement;
  readonly anyOf?: string;
  /**
   * Whose event this is, seen from the evaluated lot: `self` (the event names the lot itself, or a container it
   * travels in) or `input` (it names only lots the evaluated one was made from: the receipt of raw material). Any
   * when omitted.
   */
  readonly lot?: 'self' | 'input';
  readonly kdes: readonly KdeRule[];
}

export type ValueCheck =
  | { readonly kind: 'units'; readonly units: readonly string[] }
  | { readonly kind: 'range'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'pattern'; readonly pattern: string }
  | { readonly kind: 'oneOf'; readonly values: readonly string[] };

/** A rule on the values found at a path (absence is a KDE matter, never a value finding). */
export interface ValueRule {
  readonly path: FieldPath;
  /** The CTE ids it applies to; every event of the lot when omitted. */
  readonly ctes?: readonly string[];
  readonly check: ValueCheck;
  readonly severity: Severity;
  readonly description: LocalText;
}

/** Expected yield (output / input, in a common unit) of a transformation CTE, for mass balance. */
export interface YieldRule {
  readonly cte: string;
  readonly min: number;
  readonly max: number;
  readonly severity: Severity;
}

export interface StandardProfile {
  /** Stable identifier, lower-case words joined by dashes (`tccs-hue-rice`). */
  readonly id: string;
  /** Integer version; a published version never changes, a new one supersedes it. */
  readonly version: number;
  readonly title: LocalText;
  /** Registry product-group codes (`agri.rice`) the profile applies to. */
  readonly productGroups: readonly string[];
  readonly basedOn: readonly BasedOn[];
  readonly ctes: readonly CteRule[];
  readonly valueRules: readonly ValueRule[];
  readonly yields: readonly YieldRule[];
  /** Field paths shown on the public consumer page; everything else stays with the chain's parties. */
  readonly publicFields: readonly FieldPath[];
  /** Days records of a lot must be kept (never a hard delete of anything behind a printed code). */
  readonly retentionDays: number;
  /** The application guide (Markdown) in both languages. */
  readonly guide: LocalText;
}

export type FindingCode =
  'missing_event' | 'missing_kde' | 'value_out_of_rule' | 'order_violation' | 'yield_out_of_range';

export interface ComplianceFinding {
  readonly code: FindingCode;
  readonly severity: Severity;
  /** The CTE concerned. */
  readonly cte: string;
  /** Index of the event in the evaluated list; null for a missing event. */
  readonly eventIndex: number | null;
  /** The field path concerned; null when the finding is about the event as a whole. */
  readonly field: string | null;
  /** Catalogue key `standards.finding.<code>`; `details` fill its placeholders. */
  readonly messageKey: string;
  readonly details: Readonly<Record<string, string | number | null>>;
}

export interface ComplianceResult {
  readonly profileId: string;
  readonly profileVersion: number;
  /** 0–100: the share of checks passed, a warning counting half a failure. */
  readonly score: number;
  readonly checks: number;
  readonly errors: number;
  readonly warnings: number;
  /** Index of each event → the CTE it was read as (null: the event is not a CTE of this profile). */
  readonly matched: readonly (string | null)[];
  readonly findings: readonly ComplianceFinding[];
}
