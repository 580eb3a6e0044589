/**
 * A national platform the province's records are sent to. The National Traceability Portal is the first; the trade
 * ministry's and the public-security ministry's platforms would be further implementations of the same interface.
 * The sync (outbox, order, retries, log) knows only this interface and these outcomes.
 */
export interface NationalPlatform {
  readonly id: string;
  /** Sends one record, keyed by the platform's own key: sending the same record twice updates, never duplicates. */
  send(record: NationalRecord): Promise<SendOutcome>;
}

export interface OrganisationProfile {
  readonly taxCode: string;
  readonly gln: string | null;
  readonly name: string;
  readonly nameEn: string | null;
  readonly address: string | null;
  readonly provinceCode: string | null;
  readonly contact: { readonly name: string | null; readonly email: string | null; readonly phone: string | null };
}

export interface ProductProfile {
  readonly gtin: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly brand: string | null;
  readonly netContent: number;
  /** UN/ECE Rec 20 unit code (KGM, GRM, LTR, …). */
  readonly unit: string;
  /** Public URLs of the product's images, first is the main one. */
  readonly images: readonly string[];
  readonly description: string | null;
}

/** A production chain: one lot of one product. Its first stage event makes the platform issue the trace code. */
export interface ChainProfile {
  readonly chainCode: string;
  readonly gtin: string;
  readonly lot: string;
}

/** A stage of a chain, mapped from an EPCIS event. */
export interface StageEvent {
  readonly eventKey: string;
  /** The CBV business step (short form: `commissioning`, `harvesting`, `shipping` …), or the event type. */
  readonly stage: string;
  readonly time: string;
  readonly timeZoneOffset: string;
  readonly location: { readonly gln: string | null; readonly name: string | null } | null;
  readonly quantity: number | null;
  readonly unit: string | null;
  readonly images: readonly string[];
}

export type NationalRecord =
  | { readonly kind: 'organisation'; readonly key: string; readonly body: OrganisationProfile }
  | { readonly kind: 'product'; readonly organisationKey: string; readonly key: string; readonly body: ProductProfile }
  | { readonly kind: 'chain'; readonly organisationKey: string; readonly key: string; readonly body: ChainProfile }
  | {
      readonly kind: 'event';
      readonly organisationKey: string;
      readonly chainKey: string;
      readonly key: string;
      readonly body: StageEvent;
    };

/**
 * What became of one send, as a value the sync acts on:
 * - `accepted`: stored (updated if it existed); `status` is the platform's word on an organisation's activation,
 *   `ref` its identifier or the trace code issued by a chain's first event;
 * - `rejected`: the record itself must be fixed (bad GTIN, rejected image …): retrying it unchanged cannot help;
 * - `organisationInactive`: the organisation is not activated yet; its records wait, nothing is wrong with them;
 * - `rateLimited`: slow down, for `retryAfterMs`;
 * - `unavailable`: the platform did not answer usefully (5xx, refused connection, timeout, an answer lost):
 *   retry later with backoff;
 * - `unauthorised`: the province's client credentials were refused: nothing can be sent until they are fixed.
 */
export type SendOutcome =
  | {
      readonly kind: 'accepted';
      readonly httpStatus: number;
      readonly ref: string | null;
      readonly status: string | null;
      readonly traceCode: string | null;
    }
  | {
      readonly kind: 'rejected';
      readonly httpStatus: number;
      readonly code: string;
      readonly detail: string;
      readonly field: string | null;
    }
  | {
      readonly kind: 'organisationInactive';
      readonly httpStatus: number;
      readonly code: string;
      readonly detail: string;
    }
  | { readonly kind: 'rateLimited'; readonly httpStatus: number; readonly retryAfterMs: number | null }
  | { readonly kind: 'unavailable'; readonly httpStatus: number | null; readonly code: string; readonly detail: string }
  | { readonly kind: 'unauthorised'; readonly httpStatus: number; readonly code: string; readonly detail: string };
