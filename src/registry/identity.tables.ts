import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export interface OrganisationTable {
  id: string;
  name: string;
  name_en: string | null;
  tax_code: string | null;
  kind: string;
  gs1_company_prefix: string | null;
  primary_gln: string | null;
  address: string | null;
  province_code: string | null;
  commune_code: string | null;
  commune_name: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  uses_barcodes: Generated<boolean>;
  status: Generated<string>;
  search_text: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AppUserTable {
  id: string;
  organisation_id: string;
  email: string | null;
  phone: string | null;
  display_name: string;
  password_hash: string;
  role: string;
  status: Generated<string>;
  failed_sign_ins: Generated<number>;
  locked_until: NullableTimestamp;
  last_sign_in_at: NullableTimestamp;
  locale: Generated<string>;
  search_text: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
  user_agent: string | null;
}

export interface ApiKeyTable {
  id: string;
  organisation_id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  permissions: Json<string[]>;
  created_by: string | null;
  created_at: Timestamp;
  expires_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  /** After a rotation: the previous secret's hash, accepted until `previous_valid_until`. */
  previous_secret_hash: ColumnType<string | null, string | null | undefined, string | null>;
  previous_valid_until: NullableTimestamp;
  rotated_at: NullableTimestamp;
}

export interface DelegationTable {
  id: string;
  provider_organisation_id: string;
  organisation_id: string;
  permissions: Json<string[]>;
  scope: ColumnType<DelegationScope, string | undefined, string>;
  valid_until: NullableTimestamp;
  created_by: string | null;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
}

/** What a delegation covers; empty lists mean "all of the organisation's". */
export interface DelegationScope {
  productIds?: string[];
  locationIds?: string[];
}

/** A self-registration (migration 0025): `decision` is null while the province has not decided. */
export interface OrganisationRegistrationTable {
  organisation_id: string;
  applicant_user_id: string;
  submitted_at: Timestamp;
  decision: 'approved' | 'rejected' | null;
  reason: string | null;
  decided_at: NullableTimestamp;
  decided_by: string | null;
}

/** An earlier, decided round of a self-registration that the applicant corrected and resubmitted (migration 0027). */
export interface OrganisationRegistrationRoundTable {
  organisation_id: string;
  round: number;
  submitted_at: Timestamp;
  decision: 'approved' | 'rejected';
  reason: string | null;
  decided_at: NullableTimestamp;
  decided_by: string | null;
}

export interface IdentityTables {
  organisation: OrganisationTable;
  app_user: AppUserTable;
  user_session: SessionTable;
  api_key: ApiKeyTable;
  delegation: DelegationTable;
  organisation_registration: OrganisationRegistrationTable;
  organisation_registration_round: OrganisationRegistrationRoundTable;
}
