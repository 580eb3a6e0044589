import ExcelJS from 'exceljs';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { enqueueJob, type JobContext } from '../jobs/job.service.ts';
import { formatHueTime, startReportDocument } from '../shared/pdf.ts';
import { t, type Locale } from '../shared/messages.ts';
import { AppError } from '../shared/errors.ts';
import { SYSTEM, type Caller } from '../shared/caller.ts';
import * as repo from './insights.repository.ts';
import { hueToday } from './insights.measures.ts';
import { planProgress, requireProvince } from './insights.service.ts';

/**
 * The periodic report the province writes for the city and the ministry (month, quarter, year), in Vietnamese (or
 * English on request), as PDF (tables and bar charts) and XLSX (one sheet per table). The worker generates the
 * report of each period that has just ended and keeps it; any period can also be produced on request.
 */

export type Period = 'month' | 'quarter' | 'year';
export const INSIGHTS_REPORT_KIND = 'insights.report';

/** The Huế days [from, to] of the period that contains `day` (YYYY-MM-DD), with its label. */
export function periodRange(period: Period, day: string, locale: Locale): { from: string; to: string; label: string } {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const startMonth = period === 'month' ? m : period === 'quarter' ? Math.floor((m - 1) / 3) * 3 + 1 : 1;
  const months = period === 'month' ? 1 : period === 'quarter' ? 3 : 12;
  const from = `${y}-${String(startMonth).padStart(2, '0')}-01`;
  const end = new Date(Date.UTC(y, startMonth - 1 + months, 0));
  const to = end.toISOString().slice(0, 10);
  const q = Math.floor((startMonth - 1) / 3) + 1;
  const label =
    locale === 'vi'
      ? period === 'month'
        ? `Tháng ${startMonth}/${y}`
        : period === 'quarter'
          ? `Quý ${['I', 'II', 'III', 'IV'][q - 1]}/${y}`
          : `Năm ${y}`
      : period === 'month'
        ? `${y}-${String(startMonth).padStart(2, '0')}`
        : period === 'quarter'
          ? `Q${q} ${y}`
          : `${y}`;
  return { from, to, label };
}

const number = (n: number, locale: Locale) => n.toLocaleString(locale === 'vi' ? 'vi-VN' : 'en-GB');

async function reportData(db: Kysely<DB>, caller: Caller, period: Period, day: string, locale: Locale) {
  const range = periodRange(period, day, locale);
  const since = new Date(Date.parse(`${range.from}T00:00:00+07:00`));
  const until = new Date(Date.parse(`${range.to}T00:00:00+07:00`) + 86_400_000);
  const [
    plan,
    organisations,
    trained,
    activity,
    groups,
    events,
    scans,
    products,
    regions,
    alerts,
    recalls,
    compliance,
  ] = await Promise.all([
    planProgress(db, caller),
    repo.registeredOrganisations(db),
    repo.trainedOrganisationIds(db),
    repo.organisationActivity(db),
    repo.productGroups(db),
    sql<{ group_code: string; source: string; events: string }>`
        select group_code, source, sum(events)::text as events from insight_event_group_day
        where day between ${range.from}::date and ${range.to}::date group by 1, 2 order by 1, 2`.execute(db),
    sql<{ day: string; scans: string }>`
        select day::text as day, sum(scans)::text as scans from insight_scan_day
        where day between ${range.from}::date and ${range.to}::date group by 1 order by 1`.execute(db),
    sql<{ gtin: string; name: string | null; scans: string }>`
        select s.gtin, p.name, s.scans::text as scans from (
          select gtin, sum(scans) as scans from insight_scan_day
          where day between ${range.from}::date and ${range.to}::date group by 1 order by 2 desc limit 15) s
        left join product p on p.gtin = s.gtin order by s.scans desc`.execute(db),
    sql<{ region: string; scans: string }>`
        select region, sum(scans)::text as scans from insight_scan_day
        where day between ${range.from}::date and ${range.to}::date group by 1 order by 2 desc`.execute(db),
    sql<{ kind: string; n: string }>`
        select kind, count(*)::text as n from alert where created_at >= ${since} and created_at < ${until}
        group by 1 order by 1`.execute(db),
    sql<{ mock: boolean; n: string }>`
        select mock, count(*)::text as n from recall where opened_at >= ${since} and opened_at < ${until}
        group by 1`.execute(db),
    repo.complianceByGroup(db),
  ]);
  const groupName = (code: string) => {
    const g = groups.find((x) => x.code === code);
    return g ? (locale === 'vi' ? g.name : g.name_en) : code || '—';
  };
  const tracingFrom = new Date(Date.parse(`${hueToday(new Date())}T00:00:00Z`) - 89 * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const registered = new Set(organisations.map((o) => o.id));
  return {
    range,
    refreshedAt: await repo.freshness(db),
    plan,
    organisations: {
      registered: organisations.length,
      trained: organisations.filter((o) => trained.has(o.id)).length,
      tracing: activity.filter((a) => registered.has(a.organisationId) && a.lastDay >= tracingFrom).length,
      withPrefix: organisations.filter((o) => o.gs1_company_prefix).length,
    },
    events: events.rows.map((r) => ({ group: groupName(r.group_code), source: r.source, events: Number(r.events) })),
    scansByDay: scans.rows.map((r) => ({ day: r.day, scans: Number(r.scans) })),
    scansByProduct: products.rows.map((r) => ({ product: r.name ?? r.gtin, gtin: r.gtin, scans: Number(r.scans) })),
    scansByRegion: regions.rows.map((r) => ({ region: r.region, scans: Number(r.scans) })),
    alerts: alerts.rows.map((r) => ({ kind: r.kind, count: Number(r.n) })),
    recalls: {
      real: Number(recalls.rows.find((r) => !r.mock)?.n ?? 0),
      mock: Number(recalls.rows.find((r) => r.mock)?.n ?? 0),
    },
    compliance: compliance.map((c) => ({ ...c, group: groupName(c.groupCode) })),
  };
}

type ReportData = Awaited<ReturnType<typeof reportData>>;

function statusText(locale: Locale, status: string) {
  return t(locale, `insights.report.status.${status}`);
}

function valueText(v: number, unit: string, locale: Locale) {
  return unit === 'percent' ? `${number(v, locale)}%` : number(v, locale);
}

function dateText(day: string, locale: Locale) {
  const [y, m, d] = day.split('-');
  return locale === 'vi' ? `${d}/${m}/${y}` : day;
}

/** The report as PDF: a header, then each section's table and, where it helps, a bar chart. */
export async function reportPdf(data: ReportData, locale: Locale, now: Date): Promise<Buffer> {
  const { doc, done, line } = startReportDocument({
    title: t(locale, 'insights.report.title'),
    locale,
    createdAt: now,
  });
  const tr = (key: string) => t(locale, `insights.report.${key}`);
  doc.font('bold').fontSize(10).text(tr('authority').toUpperCase());
  doc.moveDown(0.5);
  doc.font('bold').fontSize(16).text(tr('title'), { align: 'center' });
  doc
    .font('body')
    .fontSize(11)
    .text(`${tr('period')}: ${data.range.label}`, { align: 'center' });
  doc.moveDown();
  line(tr('generatedAt'), formatHueTime(now.toISOString(), locale));
  line(
    tr('freshness'),
    data.refreshedAt ? formatHueTime(data.refreshedAt.toISOString(), locale) : t(locale, 'insights.report.none'),
  );

  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const section = (title: string) => {
    if (doc.y > doc.page.height - 160) doc.addPage();
    doc.moveDown();
    doc.font('bold').fontSize(12).text(title, left);
    doc.moveDown(0.3);
  };
  const table = (headers: string[], rows: string[][], widths: number[]) => {
    const draw = (cells: string[], bold: boolean) => {
      if (doc.y > doc.page.height - 72) doc.addPage();
      const y = doc.y;
      let x = left;
      let height = 0;
      doc.font(bold ? 'bold' : 'body').fontSize(9);
      cells.forEach((c, i) => {
        const w = widths[i]! * width;
        height = Math.max(height, doc.heightOfString(c, { width: w - 6 }));
        x += w;
      });
      x = left;
      cells.forEach((c, i) => {
        const w = widths[i]! * width;
        doc.rect(x, y, w, height + 6).stroke('#999999');
        doc.fillColor('#000000').text(c, x + 3, y + 3, { width: w - 6, align: i === 0 ? 'left' : 'right' });
        x += w;
      });
      doc.x = left;
      doc.y = y + height + 6;
    };
    draw(headers, true);
    if (rows.length === 0) draw([tr('none'), ...headers.slice(1).map(() => '')], false);
    for (const r of rows) draw(r, false);
  };
  const bars = (items: { label: string; value: number }[]) => {
    if (items.length === 0) return;
    const rowH = 14;
    if (doc.y + items.length * rowH + 12 > doc.page.height - 60) doc.addPage();
    const max = Math.max(1, ...items.map((i) => i.value));
    const labelW = width * 0.35;
    const barW = width * 0.5;
    let y = doc.y + 6;
    doc.font('body').fontSize(8);
    for (const item of items) {
      doc.fillColor('#000000').text(item.label, left, y + 2, { width: labelW - 6, ellipsis: true, height: rowH });
      doc.rect(left + labelW, y + 2, (item.value / max) * barW, rowH - 4).fill('#1677ff');
      doc.fillColor('#000000').text(number(item.value, locale), left + labelW + (item.value / max) * barW + 4, y + 2);
      y += rowH;
    }
    doc.x = left;
    doc.y = y + 6;
  };

  section(tr('section.plan'));
  table(
    [tr('target'), tr('targetValue'), tr('value'), tr('deadline'), tr('status')],
    data.plan.map((p) => [
      locale === 'vi' ? p.title : p.titleEn,
      valueText(p.target, p.unit, locale),
      valueText(p.value, p.unit, locale),
      dateText(p.deadline, locale),
      statusText(locale, p.status),
    ]),
    [0.46, 0.12, 0.12, 0.13, 0.17],
  );
  bars(data.plan.map((p) => ({ label: locale === 'vi' ? p.title : p.titleEn, value: Math.round(p.ratio * 100) })));

  section(tr('section.organisations'));
  table(
    [tr('target'), tr('count')],
    [
      [tr('registered'), number(data.organisations.registered, locale)],
      [tr('trained'), number(data.organisations.trained, locale)],
      [tr('tracing'), number(data.organisations.tracing, locale)],
      [tr('withPrefix'), number(data.organisations.withPrefix, locale)],
    ],
    [0.7, 0.3],
  );

  section(tr('section.events'));
  table(
    [tr('productGroup'), tr('source'), tr('events')],
    data.events.map((e) => [e.group, t(locale, `insights.source.${e.source}`), number(e.events, locale)]),
    [0.45, 0.35, 0.2],
  );
  const byGroup = new Map<string, number>();
  for (const e of data.events) byGroup.set(e.group, (byGroup.get(e.group) ?? 0) + e.events);
  bars([...byGroup].map(([label, value]) => ({ label, value })));

  section(tr('section.scans'));
  table(
    [tr('product'), 'GTIN', tr('scans')],
    data.scansByProduct.map((s) => [s.product, s.gtin, number(s.scans, locale)]),
    [0.5, 0.3, 0.2],
  );
  bars(
    data.scansByRegion.map((r) => ({
      label: r.region ? r.region : tr('unknownRegion'),
      value: r.scans,
    })),
  );

  section(tr('section.alerts'));
  table(
    [tr('alertKind'), tr('count')],
    [
      ...data.alerts.map((a) => [a.kind, number(a.count, locale)]),
      [tr('recalls'), number(data.recalls.real, locale)],
      [tr('mockRecalls'), number(data.recalls.mock, locale)],
    ],
    [0.7, 0.3],
  );

  section(tr('section.compliance'));
  table(
    [tr('productGroup'), tr('lots'), tr('averageScore'), tr('lotsWithErrors')],
    data.compliance.map((c) => [
      c.group,
      number(c.lots, locale),
      c.averageScore === null ? '—' : number(c.averageScore, locale),
      number(c.lotsWithErrors, locale),
    ]),
    [0.4, 0.2, 0.2, 0.2],
  );
  doc.end();
  return done;
}

/** The report as XLSX: one sheet per table, typed cells. */
export async function reportXlsx(data: ReportData, locale: Locale, now: Date): Promise<Buffer> {
  const tr = (key: string) => t(locale, `insights.report.${key}`);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = t(locale, 'app.name');
  workbook.created = now;
  const sheet = (name: string, headers: string[], rows: (string | number)[][]) => {
    const ws = workbook.addWorksheet(name);
    ws.addRow([`${tr('title')} — ${data.range.label}`]).font = { bold: true };
    ws.addRow([]);
    ws.addRow(headers).font = { bold: true };
    for (const r of rows) ws.addRow(r);
    ws.columns.forEach((c) => (c.width = 24));
  };
  sheet(
    locale === 'vi' ? 'Mục tiêu' : 'Targets',
    [tr('target'), tr('targetValue'), tr('value'), tr('deadline'), tr('status')],
    data.plan.map((p) => [
      locale === 'vi' ? p.title : p.titleEn,
      p.target,
      p.value,
      dateText(p.deadline, locale),
      statusText(locale, p.status),
    ]),
  );
  sheet(
    locale === 'vi' ? 'Cơ sở' : 'Organisations',
    [tr('target'), tr('count')],
    [
      [tr('registered'), data.organisations.registered],
      [tr('trained'), data.organisations.trained],
      [tr('tracing'), data.organisations.tracing],
      [tr('withPrefix'), data.organisations.withPrefix],
    ],
  );
  sheet(
    locale === 'vi' ? 'Sự kiện' : 'Events',
    [tr('productGroup'), tr('source'), tr('events')],
    data.events.map((e) => [e.group, t(locale, `insights.source.${e.source}`), e.events]),
  );
  sheet(
    locale === 'vi' ? 'Lượt quét theo ngày' : 'Scans by day',
    [tr('day'), tr('scans')],
    data.scansByDay.map((s) => [dateText(s.day, locale), s.scans]),
  );
  sheet(
    locale === 'vi' ? 'Lượt quét theo SP' : 'Scans by product',
    [tr('product'), 'GTIN', tr('scans')],
    data.scansByProduct.map((s) => [s.product, s.gtin, s.scans]),
  );
  sheet(
    locale === 'vi' ? 'Cảnh báo' : 'Alerts',
    [tr('alertKind'), tr('count')],
    [
      ...data.alerts.map((a) => [a.kind, a.count]),
      [tr('recalls'), data.recalls.real],
      [tr('mockRecalls'), data.recalls.mock],
    ],
  );
  sheet(
    locale === 'vi' ? 'Tuân thủ' : 'Compliance',
    [tr('productGroup'), tr('lots'), tr('averageScore'), tr('lotsWithErrors')],
    data.compliance.map((c) => [c.group, c.lots, c.averageScore ?? '', c.lotsWithErrors]),
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The report of the period containing `day` (default: today), produced now. */
export async function periodicReport(
  db: Kysely<DB>,
  caller: Caller,
  input: { period: Period; day?: string; format: 'pdf' | 'xlsx'; locale: Locale },
  now: Date = new Date(),
): Promise<{ content: Buffer; filename: string }> {
  requireProvince(caller);
  const day = input.day ?? hueToday(now);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) {
    throw new AppError('validation', 'day is a date YYYY-MM-DD', { fields: [{ field: 'day', message: 'date' }] });
  }
  const data = await reportData(db, caller, input.period, day, input.locale);
  const content =
    input.format === 'pdf' ? await reportPdf(data, input.locale, now) : await reportXlsx(data, input.locale, now);
  return { content, filename: `bao-cao-truy-xuat-${input.period}-${data.range.from}.${input.format}` };
}

/** The first Huế day of the next month after `day`, as the moment it starts (00:05 Huế time). */
function nextMonthStart(day: string): Date {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1, 0, 5) - 7 * 3600_000);
}

/**
 * Job `insights.report`: at the start of a month, keeps the reports of the periods that just ended (the month; the
 * quarter and the year when they end too), in both formats, in Vietnamese; then queues itself for the next month.
 */
export async function runReportJob(payload: unknown, context: JobContext): Promise<void> {
  const at = new Date((payload as { at?: string } | null)?.at ?? Date.now());
  const today = hueToday(at);
  const lastDay = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const month = Number(today.slice(5, 7));
  const periods: Period[] = ['month'];
  if (month % 3 === 1) periods.push('quarter');
  if (month === 1) periods.push('year');
  for (const period of periods) {
    const range = periodRange(period, lastDay, 'vi');
    for (const format of ['pdf', 'xlsx'] as const) {
      const { content } = await periodicReport(context.db, SYSTEM, { period, day: lastDay, format, locale: 'vi' }, at);
      await context.db
        .insertInto('insight_report')
        .values({
          id: `${period}:${range.from}:${format}:vi`,
          period,
          period_start: range.from,
          format,
          locale: 'vi',
          content,
        })
        .onConflict((oc) =>
          oc.columns(['period', 'period_start', 'format', 'locale']).doUpdateSet({ content, generated_at: new Date() }),
        )
        .execute();
    }
  }
  const next = nextMonthStart(today);
  await enqueueJob(
    context.db,
    INSIGHTS_REPORT_KIND,
    { at: next.toISOString() },
    { runAfter: next, dedupeKey: `${INSIGHTS_REPORT_KIND}:${next.toISOString()}` },
  );
}

/** Starts the monthly report chain unless one is queued. */
export async function ensureReportScheduled(db: Kysely<DB>, now: Date = new Date()): Promise<void> {
  const queued = await db
    .selectFrom('job')
    .select('id')
    .where('kind', '=', INSIGHTS_REPORT_KIND)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  if (queued) return;
  const next = nextMonthStart(hueToday(now));
  await enqueueJob(
    db,
    INSIGHTS_REPORT_KIND,
    { at: next.toISOString() },
    { runAfter: next, dedupeKey: `${INSIGHTS_REPORT_KIND}:${next.toISOString()}` },
  );
}

/** Reports the worker kept, newest first (without their content). */
export async function listStoredReports(db: Kysely<DB>, caller: Caller) {
  requireProvince(caller);
  const rows = await db
    .selectFrom('insight_report')
    .select(['id', 'period', sql<string>`period_start::text`.as('period_start'), 'format', 'locale', 'generated_at'])
    .orderBy('period_start', 'desc')
    .orderBy('period')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    period: r.period,
    periodStart: r.period_start,
    format: r.format,
    locale: r.locale,
    generatedAt: r.generated_at.toISOString(),
  }));
}

export async function storedReport(db: Kysely<DB>, caller: Caller, id: string) {
  requireProvince(caller);
  const row = await db.selectFrom('insight_report').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', 'No such report');
  return row;
}
