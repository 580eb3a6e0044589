import { sql, type Kysely } from 'kysely';

/**
 * Province insights: the plan's targets as data (the five targets of Kế hoạch 235/KH-UBND pre-filled for Huế),
 * daily counters of events and scans kept by a worker refresh (so the dashboard never scans the event log), the
 * readiness survey and the generated periodic reports. The scan log gains the inserting transaction so the refresh
 * can read it in commit order, as subscriptions read events.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table insight_plan_target (
      id text primary key,
      measure text not null check (measure in ('trained', 'tracing', 'standards', 'interoperable', 'connected')),
      title text not null check (char_length(title) between 1 and 300),
      title_en text not null check (char_length(title_en) between 1 and 300),
      target numeric not null check (target >= 0),
      unit text not null check (unit in ('percent', 'count')),
      deadline date not null,
      sort_order integer not null default 0,
      updated_by text,
      updated_at timestamptz not null default now()
    );

    create table insight_event_day (
      day date not null,
      organisation_id text not null,
      group_code text not null,
      source text not null,
      events bigint not null,
      primary key (day, organisation_id, group_code, source)
    );
    create index insight_event_day_organisation on insight_event_day (organisation_id, day);

    create table insight_event_group_day (
      day date not null,
      group_code text not null,
      source text not null,
      events bigint not null,
      primary key (day, group_code, source)
    );

    create table insight_organisation_activity (
      organisation_id text primary key,
      first_day date not null,
      last_day date not null,
      last_system_day date,
      events bigint not null
    );

    create table insight_scan_day (
      day date not null,
      gtin text not null,
      region text not null,
      organisation_id text not null,
      scans bigint not null,
      primary key (day, gtin, region)
    );
    create index insight_scan_day_organisation on insight_scan_day (organisation_id, day);

    create table insight_cursor (
      name text primary key,
      tx xid8 not null default '0'::xid8,
      row_id bigint not null default 0,
      refreshed_at timestamptz
    );
    insert into insight_cursor (name) values ('events'), ('scans');

    alter table scan add column commit_tx xid8 not null default pg_current_xact_id();
    create index scan_commit_tx on scan (commit_tx, id);

    create table insight_measure_snapshot (
      day date not null,
      measure text not null,
      value numeric not null,
      primary key (day, measure)
    );

    create table insight_survey (
      id text primary key,
      title text not null check (char_length(title) between 1 and 300),
      sent_by text,
      sent_at timestamptz not null default now(),
      closes_on date
    );

    create table insight_survey_response (
      survey_id text not null references insight_survey(id),
      organisation_id text not null references organisation(id),
      answers jsonb not null,
      submitted_by text,
      submitted_at timestamptz not null default now(),
      primary key (survey_id, organisation_id)
    );

    create table insight_report (
      id text primary key,
      period text not null check (period in ('month', 'quarter', 'year')),
      period_start date not null,
      format text not null check (format in ('pdf', 'xlsx')),
      locale text not null check (locale in ('vi', 'en')),
      content bytea not null,
      generated_at timestamptz not null default now(),
      unique (period, period_start, format, locale)
    );
  `.execute(db);
  const targets: [string, string, string, string, number, string, string, number][] = [
    [
      'plan-trained',
      'trained',
      '100% cơ sở sản xuất, kinh doanh được tập huấn về truy xuất nguồn gốc',
      '100% of producers and traders trained in traceability',
      100,
      'percent',
      '2025-12-31',
      1,
    ],
    [
      'plan-tracing',
      'tracing',
      '50–70 cơ sở truy xuất sản phẩm chủ lực, đặc sản bằng mã QR và mã số mã vạch GS1',
      '50–70 establishments trace key products and specialties with QR codes and GS1 barcodes',
      50,
      'count',
      '2025-12-31',
      2,
    ],
    [
      'plan-standards',
      'standards',
      '20 tiêu chuẩn cơ sở về truy xuất nguồn gốc, mỗi tiêu chuẩn có hướng dẫn áp dụng theo nhóm sản phẩm',
      '20 base standards on traceability, each with an application guide per product group',
      20,
      'count',
      '2025-12-31',
      3,
    ],
    [
      'plan-interoperable',
      'interoperable',
      '≥30% doanh nghiệp dùng mã số mã vạch có hệ thống truy xuất theo tiêu chuẩn, trao đổi được dữ liệu',
      '≥30% of barcode-using businesses run interoperable traceability systems on national/international standards',
      30,
      'percent',
      '2025-12-31',
      4,
    ],
    [
      'plan-connected',
      'connected',
      'Một hệ thống thống nhất kết nối doanh nghiệp, đơn vị cung cấp giải pháp, cổng quốc gia và cổng thông tin tỉnh',
      'One unified system connected to businesses, solution providers, the national portal and the provincial website',
      4,
      'count',
      '2025-12-31',
      5,
    ],
  ];
  for (const [id, measure, title, titleEn, target, unit, deadline, order] of targets) {
    await sql`insert into insight_plan_target (id, measure, title, title_en, target, unit, deadline, sort_order)
      values (${id}, ${measure}, ${title}, ${titleEn}, ${target}, ${unit}, ${deadline}, ${order})`.execute(db);
  }
}
