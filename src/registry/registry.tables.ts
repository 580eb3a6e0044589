import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A calendar date (PostgreSQL `date`), read as `YYYY-MM-DD` text (the driver is told not to make it a Date). */
type DateText = ColumnType<string, string, string>;
type NullableDateText = ColumnType<string | null, string | null | undefined, string | null>;

export interface LocationTable {
  id: string;
  organisation_id: string;
  gln: string;
  name: string;
  name_en: string | null;
  kind: string;
  latitude: number | null;
  longitude: number | null;
  growing_area_code: string | null;
  packing_house_code: string | null;
  parent_id: string | null;
  address: string | null;
  province_code: string | null;
  commune_code: string | null;
  commune_name: string | null;
  status: Generated<string>;
  search_text: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProductGroupTable {
  code: string;
  parent_code: string | null;
  name: string;
  name_en: string;
  sort_order: Generated<number>;
  active: Generated<boolean>;
  search_text: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProductTable {
  id: string;
  organisation_id: string;
  gtin: string;
  name: string;
  name_en: string | null;
  brand: string | null;
  group_code: string;
  net_content: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  net_content_unit: string | null;
  shelf_life_days: number | null;
  description: string | null;
  status: Generated<string>;
  search_text: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CertificationTable {
  id: string;
  organisation_id: string;
  product_id: string;
  kind: string;
  number: string | null;
  issuer: string | null;
  ocop_stars: number | null;
  valid_from: NullableDateText;
  valid_to: NullableDateText;
  document_media_id: string | null;
  created_at: Timestamp;
}

/** Uploaded files kept in the database (see docs/registry.md for why not on disk). */
export interface MediaTable {
  id: string;
  organisation_id: string;
  purpose: string;
  content_type: string;
  byte_size: number;
  sha256: string;
  data: Buffer;
  original_name: string | null;
  created_at: Timestamp;
}

export interface ProductImageTable {
  product_id: string;
  media_id: string;
  position: number;
  alt: string | null;
}

export interface TrainingSessionTable {
  id: string;
  title: string;
  held_on: DateText;
  place: string | null;
  organiser: string | null;
  topic: string | null;
  search_text: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TrainingAttendanceTable {
  session_id: string;
  organisation_id: string;
  attendees: number;
}

export interface RegistryTables {
  location: LocationTable;
  product_group: ProductGroupTable;
  product: ProductTable;
  certification: CertificationTable;
  media: MediaTable;
  product_image: ProductImageTable;
  training_session: TrainingSessionTable;
  training_attendance: TrainingAttendanceTable;
}
