import type { ColumnType, Generated } from 'kysely';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** A photo attached to an event (migration 0027); the bytes are a `media` row of purpose `image`. */
export interface EventPhotoTable {
  id: string;
  organisation_id: string;
  event_row: string;
  client_photo_id: string;
  media_id: string;
  captured_at: NullableTimestamp;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface EventPhotoTables {
  event_photo: EventPhotoTable;
}
