import { sql, type Kysely } from 'kysely';

/**
 * One row per (organisation, event it may see), carrying the columns organisation-scoped queries filter and sort
 * on. With the organisation leading every index, "this business's shipping events" or "its events of the last
 * hour" is an index range, however rare they are among the province's events (a GIN array filter is not).
 * `epcis_event.visible_to` stays, unindexed, for checks on rows found by other means.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table epcis_event_visibility (
      organisation_id text not null references organisation(id),
      event_row bigint not null references epcis_event(id) on delete cascade,
      event_time timestamptz not null,
      record_time timestamptz not null,
      biz_step text,
      primary key (organisation_id, event_row)
    );
    create index epcis_event_visibility_event_time on epcis_event_visibility (organisation_id, event_time, event_row);
    create index epcis_event_visibility_record_time on epcis_event_visibility (organisation_id, record_time, event_row);
    create index epcis_event_visibility_biz_step on epcis_event_visibility (organisation_id, biz_step, event_row);
    create index epcis_event_visibility_event on epcis_event_visibility (event_row);
    -- Organisation-scoped queries read this table now; the array index on the event row only cost capture time.
    drop index epcis_event_visible_to;
    insert into epcis_event_visibility (organisation_id, event_row, event_time, record_time, biz_step)
      select distinct unnest(visible_to), id, event_time, record_time, biz_step from epcis_event;
  `.execute(db);
}
