/** Shapes of the API answers the back-office reads (subsets of the OpenAPI document at /docs). */

export interface User {
  readonly id: string;
  readonly organisationId: string;
  readonly email: string | null;
  readonly displayName: string;
  readonly role: string;
  readonly locale: string;
}

export interface Me {
  readonly kind: string;
  readonly user?: User;
  readonly organisationId?: string;
  readonly permissions: readonly string[];
  readonly province: boolean;
  readonly csrfToken?: string;
}

export interface PageOf<T> {
  readonly items: T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface Organisation {
  readonly visibility: 'full' | 'public';
  readonly id: string;
  readonly name: string;
  readonly nameEn?: string | null;
  readonly usesBarcodes?: boolean;
  readonly updatedAt?: string;
  readonly createdAt?: string;
  readonly kind: string;
  readonly primaryGln: string | null;
  readonly communeName: string | null;
  readonly taxCode?: string | null;
  readonly gs1CompanyPrefix?: string | null;
  readonly address?: string | null;
  readonly contactName?: string | null;
  readonly contactEmail?: string | null;
  readonly contactPhone?: string | null;
  readonly status?: string;
}

export interface Location {
  readonly id: string;
  readonly organisationId: string;
  readonly gln: string;
  readonly name: string;
  readonly kind: string;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly growingAreaCode: string | null;
  readonly packingHouseCode: string | null;
  readonly address: string | null;
  readonly communeName: string | null;
  readonly status: string;
}

export interface ProductGroup {
  readonly code: string;
  readonly parentCode: string | null;
  readonly name: string;
  readonly nameEn: string;
  readonly active: boolean;
}

export interface Product {
  readonly id: string;
  readonly organisationId: string;
  readonly gtin: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly brand: string | null;
  readonly groupCode: string;
  readonly netContent: number | null;
  readonly netContentUnit: string | null;
  readonly shelfLifeDays: number | null;
  readonly description: string | null;
  readonly status: string;
  readonly images: { mediaId: string; url: string; alt: string | null }[];
  readonly certifications: { id: string; kind: string; number: string | null; ocopStars: number | null }[];
}

export interface Unit {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
}

export interface Shipment {
  readonly eventID: string;
  readonly shippedAt: string;
  readonly lot: string;
  readonly gtin: string | null;
  readonly productName: string | null;
  readonly quantity: number | null;
  readonly uom: string | null;
  readonly from: { id: string; name: string } | null;
  readonly to: { id: string; name: string };
  readonly bizTransaction: string | null;
  readonly status: 'confirmed' | 'unconfirmed';
  readonly receipt: { eventID: string; receivedAt: string; quantity: number | null; uom: string | null } | null;
  readonly findings: { code: string; severity: string; message: string }[];
}

export interface Recall {
  readonly id: string;
  readonly organisationId: string | null;
  readonly reason: string;
  readonly severity: 'high' | 'medium' | 'low';
  readonly status: string;
  readonly mock: boolean;
  readonly lots: string[];
  readonly openedAt: string;
  readonly closedAt: string | null;
  readonly impact: {
    lots: {
      identifier: string;
      depth: number;
      productName: string | null;
      organisations: { id: string; name: string }[];
    }[];
    organisations: { id: string; name: string }[];
    locations: string[];
  };
  readonly acknowledgements: { organisationId: string; acknowledgedAt: string | null; note: string | null }[];
  readonly timings: {
    steps: { step: string; at: string | null; durationMs: number | null }[];
    totalMs: number;
    complete: boolean;
  };
}

export interface LocalText {
  readonly vi: string;
  readonly en: string;
}

export interface KdeRule {
  readonly path: string;
  readonly requirement: 'required' | 'recommended';
  readonly label?: LocalText;
}

export type ValueCheck =
  | { kind: 'units'; units: string[] }
  | { kind: 'range'; min?: number; max?: number }
  | { kind: 'pattern'; pattern: string }
  | { kind: 'oneOf'; values: string[] };

export interface CteRule {
  readonly id: string;
  readonly name: LocalText;
  readonly bizStep: string;
  readonly eventType: string;
  readonly order: number;
  readonly party: string;
  readonly requirement: 'required' | 'recommended' | 'optional';
  readonly anyOf?: string;
  readonly kdes: KdeRule[];
}

export interface ValueRule {
  readonly path: string;
  readonly ctes?: string[];
  readonly check: ValueCheck;
  readonly severity: string;
  readonly description: LocalText;
}

export interface Profile {
  readonly id: string;
  readonly version: number;
  readonly title: LocalText;
  readonly productGroups: string[];
  readonly ctes: CteRule[];
  readonly valueRules: ValueRule[];
  readonly guide?: LocalText;
}

export interface Standard {
  readonly id: string;
  readonly profileId: string;
  readonly version: number;
  readonly status: 'draft' | 'published' | 'superseded';
  readonly title: string;
  readonly titleEn: string;
  readonly productGroups: string[];
  readonly publishedAt: string | null;
  readonly updatedAt: string;
}

export interface StandardDetail extends Standard {
  readonly document: Profile;
}

/** `GET /api/products/{id}/standard`: the standard version a product answers to. */
export interface ProductStandard {
  readonly standardId: string | null;
  readonly version: number | null;
  readonly status: string | null;
  readonly bound: boolean;
  readonly title: LocalText | null;
}

export interface StampBatch {
  readonly id: string;
  readonly productId: string;
  readonly productName: string;
  readonly gtin: string;
  readonly lot: string | null;
  readonly quantity: number;
  readonly layout: string;
  readonly withVerificationCode: boolean;
  readonly state: string;
  readonly counts: { issued: number; activated: number; scanned: number; void: number };
  readonly createdAt: string;
}

export interface ManagedUser {
  readonly id: string;
  readonly organisationId: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly displayName: string;
  readonly role: string;
  readonly status: string;
  readonly lastSignInAt: string | null;
}

export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly permissions: string[];
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export interface Delegation {
  readonly id: string;
  readonly providerOrganisationId: string;
  readonly providerName: string;
  readonly organisationId: string;
  readonly organisationName: string;
  readonly permissions: string[];
  readonly scope: { productIds?: string[]; locationIds?: string[] };
  readonly validUntil: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export interface Certification {
  readonly id: string;
  readonly kind: string;
  readonly number: string | null;
  readonly issuer: string | null;
  readonly ocopStars: number | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
  readonly documentUrl: string | null;
}

export interface Training {
  readonly id: string;
  readonly title: string;
  readonly heldOn: string;
  readonly place: string | null;
  readonly organiser: string | null;
  readonly topic: string | null;
  readonly attendance: { organisationId: string; organisationName: string; attendees: number }[];
  readonly organisationCount: number;
  readonly attendeeCount: number;
}

export interface ScanAlert {
  readonly id: string;
  readonly organisationId: string;
  readonly kind: string;
  readonly severity: string;
  readonly title: string;
  readonly gtin: string;
  readonly lot: string | null;
  readonly serial: string | null;
  readonly details: Record<string, unknown>;
  readonly createdAt: string;
  readonly acknowledgedAt: string | null;
}

export interface TraceNode {
  readonly key: string;
  readonly depth: number;
  readonly opaque: boolean;
  readonly heldBy?: { id: string; name: string };
  readonly identifier?: string;
  readonly gtin?: string | null;
  readonly lot?: string | null;
  readonly serial?: string | null;
  readonly productName?: string | null;
  readonly organisations?: { id: string; name: string }[];
  readonly events?: {
    eventID: string;
    bizStep: string | null;
    eventTime: string;
    role: string;
    quantity: number | null;
    uom: string | null;
  }[];
}

export interface TraceResult {
  readonly direction: 'backward' | 'forward';
  readonly root: string;
  readonly truncated: boolean;
  readonly nodes: TraceNode[];
  readonly edges: { from: string; to: string; kind: string; quantity: number | null; uom: string | null }[];
  readonly organisations: { id: string; name: string }[];
  readonly eventCount: number;
}

export interface LotCompliance {
  readonly lot: string;
  readonly gtin: string;
  readonly productId: string;
  readonly productName: string;
  readonly standardId: string;
  readonly version: number;
  readonly score: number;
  readonly errors: number;
  readonly warnings: number;
  readonly findings: { code: string; severity: string; subject: string; message: string }[];
  readonly eventCount: number;
  readonly evaluatedAt: string;
}
