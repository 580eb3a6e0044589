/**
 * The counterfeit and anomaly rules over scans: given one scan and what is known about its stamp, the recent scans of
 * the same serial, where its lot was shipped, its recall status and its expiry, which alerts to raise. Pure; the
 * alert job gathers the facts and stores the candidates (deduplicated by `dedupeKey`).
 */

export const ALERT_KINDS = [
  'unknown_serial',
  'not_activated',
  'void_scanned',
  'many_scans',
  'many_regions',
  'unexpected_region',
  'recalled_lot',
  'expired',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertSeverity = 'high' | 'medium' | 'low';

export const ALERT_SEVERITY: Readonly<Record<AlertKind, AlertSeverity>> = {
  unknown_serial: 'high',
  void_scanned: 'high',
  many_regions: 'high',
  recalled_lot: 'high',
  not_activated: 'medium',
  many_scans: 'medium',
  unexpected_region: 'medium',
  expired: 'medium',
};

export interface ScanFact {
  readonly gtin: string;
  readonly lot: string | null;
  readonly serial: string | null;
  readonly region: string | null;
  readonly scannedAt: Date;
}

export interface StampFact {
  readonly state: 'issued' | 'activated' | 'scanned' | 'void';
  readonly lot: string | null;
}

export interface RuleThresholds {
  /** More scans than this of one serial within `windowMs` raise `many_scans`. */
  readonly maxScans: number;
  /** Scans of one serial from more regions than this within `windowMs` raise `many_regions`. */
  readonly maxRegions: number;
  readonly windowMs: number;
}

export const DEFAULT_THRESHOLDS: RuleThresholds = { maxScans: 20, maxRegions: 2, windowMs: 24 * 3600_000 };

export interface RuleInput {
  readonly scan: ScanFact;
  /** The product (GTIN) is registered. Nothing is raised for unknown products: there is no owner to tell. */
  readonly productKnown: boolean;
  /** EPCIS events mention the serialised item: a genuine serial of the brand's own numbering, without a stamp. */
  readonly serialInEvents: boolean;
  /** The stamp with the scanned serial, undefined when none was issued. */
  readonly stamp: StampFact | undefined;
  /** Scans of the same serial within the window ending at this scan, this one included. */
  readonly recentScans: readonly { readonly scannedAt: Date; readonly region: string | null }[];
  /** Regions (province codes) of the lot's owner and of every organisation it was shipped to; null when unknown. */
  readonly shippedRegions: readonly string[] | null;
  /** An open, real recall covering the lot. */
  readonly recall: { readonly recallId: string; readonly reason: string } | null;
  /** When the lot expires (ILMD expiry, or production date plus shelf life); null when unknown. */
  readonly expiresAt: Date | null;
  readonly thresholds: RuleThresholds;
}

export interface AlertCandidate {
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly gtin: string;
  readonly lot: string | null;
  readonly serial: string | null;
  /** One alert per rule per serial (or lot) per window. */
  readonly dedupeKey: string;
  readonly details: Record<string, unknown>;
}

/** The alerts one scan raises (at most one of each kind). */
export function evaluateScan(input: RuleInput): AlertCandidate[] {
  const { scan, stamp, thresholds } = input;
  if (!input.productKnown) return [];
  const lot = scan.lot ?? stamp?.lot ?? null;
  const window = Math.floor(scan.scannedAt.getTime() / thresholds.windowMs);
  const raise = (kind: AlertKind, details: Record<string, unknown>): AlertCandidate => ({
    kind,
    severity: ALERT_SEVERITY[kind],
    gtin: scan.gtin,
    lot,
    serial: scan.serial,
    dedupeKey: [kind, scan.gtin, scan.serial === null ? `lot:${lot ?? ''}` : `serial:${scan.serial}`, window].join('|'),
    details: { region: scan.region, scannedAt: scan.scannedAt.toISOString(), ...details },
  });
  const out: AlertCandidate[] = [];

  if (scan.serial !== null) {
    if (stamp === undefined) {
      if (!input.serialInEvents) out.push(raise('unknown_serial', {}));
    } else if (stamp.state === 'void') {
      out.push(raise('void_scanned', {}));
    } else if (stamp.state === 'issued') {
      out.push(raise('not_activated', {}));
    }
    if (stamp !== undefined || input.serialInEvents) {
      const count = input.recentScans.length;
      if (count > thresholds.maxScans)
        out.push(
          raise('many_scans', { count, threshold: thresholds.maxScans, windowHours: thresholds.windowMs / 3600_000 }),
        );
      const regions = [
        ...new Set(input.recentScans.map((s) => s.region).filter((r): r is string => r !== null)),
      ].sort();
      if (regions.length > thresholds.maxRegions)
        out.push(raise('many_regions', { regions, threshold: thresholds.maxRegions }));
    }
  }
  if (
    lot !== null &&
    scan.region !== null &&
    input.shippedRegions !== null &&
    input.shippedRegions.length > 0 &&
    !input.shippedRegions.includes(scan.region)
  )
    out.push(raise('unexpected_region', { shippedRegions: [...input.shippedRegions].sort() }));
  if (input.recall !== null)
    out.push(raise('recalled_lot', { recallId: input.recall.recallId, reason: input.recall.reason }));
  if (input.expiresAt !== null && scan.scannedAt.getTime() > input.expiresAt.getTime())
    out.push(raise('expired', { expiresAt: input.expiresAt.toISOString() }));
  return out;
}

/** Expiry of a lot: the ILMD expiry date when given, else production (or commissioning) date plus shelf life. */
export function expiryOf(input: {
  readonly itemExpirationDate: string | null;
  readonly productionDate: Date | null;
  readonly shelfLifeDays: number | null;
}): Date | null {
  if (input.itemExpirationDate !== null && /^\d{4}-\d{2}-\d{2}/.test(input.itemExpirationDate)) {
    // An expiry date is the last day the product is fit: it expires at the end of that day (UTC+7, Việt Nam).
    const end = new Date(`${input.itemExpirationDate.slice(0, 10)}T23:59:59.999+07:00`);
    if (!Number.isNaN(end.getTime())) return end;
  }
  if (input.productionDate !== null && input.shelfLifeDays !== null)
    return new Date(input.productionDate.getTime() + input.shelfLifeDays * 86_400_000);
  return null;
}
