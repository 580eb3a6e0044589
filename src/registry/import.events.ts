import ExcelJS from 'exceljs';
import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/index.ts';
import type { DB } from '../db/schema.ts';
import { captureWithin } from '../epcis/capture.service.ts';
import { EPCIS_CONTEXT_URLS, validateEpcisDocument } from '../epcis/index.ts';
import { withCheckDigit } from '../identifiers/check-digit.ts';
import type { Caller } from '../shared/caller.ts';
import { AppError, isAppError } from '../shared/errors.ts';
import { t, type MessageKey } from '../shared/messages.ts';
import { actingOrganisation } from './identity.service.ts';
import { MAX_IMPORT_ROWS, SheetError, csvLine, readSheet, safeCell, type Cell, type Sheet } from './import.sheet.ts';
import { bilingual, sheetFailure, type ImportMode, type RowError } from './import.service.ts';
import { isUnitCode } from './registry.rules.ts';

/**
 * Bulk import of events from CSV or XLSX: one row is one observation of a lot (harvest, packing, shipping,
 * receiving…), turned into an EPCIS 2.0 ObjectEvent and captured through the normal capture path (the same
 * validation, rights, standard checks and audit as `POST /events`), each row in its own savepoint of one
 * transaction. `all-or-nothing` (the default) writes nothing when any row is bad; the answer is a row-by-row report
 * in Vietnamese and English. An event carries no eventID of its own: its CBV event hash is its key, so importing the
 * same file twice stores nothing twice.
 */

const TX_NAMESPACE = 'https://truyxuat.vn/epcis/';
/** Key data element columns: `tx:` is the platform's own vocabulary, `cbvmda:` the CBV master-data attributes. */
const KDE_COLUMN = /^(tx|cbvmda):[A-Za-z][\w-]*$/;

interface EventColumn {
  readonly name: string;
  readonly required: boolean;
  readonly vi: string;
  readonly en: string;
  readonly example: string;
}

const EXAMPLE_GTIN = withCheckDigit('0893999000002');
const EXAMPLE_GLN = withCheckDigit('893999000001');

export const EVENT_COLUMNS: readonly EventColumn[] = [
  {
    name: 'step',
    required: true,
    vi: 'Công đoạn (bước CBV): commissioning = thu hoạch/tạo lô, packing, inspecting, shipping, receiving…',
    en: 'Step (CBV business step): commissioning = harvest/new lot, packing, inspecting, shipping, receiving…',
    example: 'commissioning',
  },
  {
    name: 'eventTime',
    required: true,
    vi: 'Thời điểm: YYYY-MM-DD HH:mm (giờ theo cột timeZoneOffset, mặc định +07:00)',
    en: 'Time: YYYY-MM-DD HH:mm (in the timeZoneOffset column, +07:00 by default)',
    example: '2026-06-10 07:30',
  },
  {
    name: 'timeZoneOffset',
    required: false,
    vi: 'Múi giờ (mặc định +07:00)',
    en: 'Time zone (+07:00 by default)',
    example: '+07:00',
  },
  { name: 'gtin', required: true, vi: 'GTIN của sản phẩm', en: 'Product GTIN', example: EXAMPLE_GTIN },
  { name: 'lot', required: true, vi: 'Số lô', en: 'Lot number', example: 'TH-20260610' },
  { name: 'quantity', required: true, vi: 'Số lượng', en: 'Quantity', example: '1200' },
  {
    name: 'uom',
    required: false,
    vi: 'Đơn vị UN/ECE Rec 20 (mặc định KGM)',
    en: 'UN/ECE Rec 20 unit (KGM by default)',
    example: 'KGM',
  },
  {
    name: 'locationGln',
    required: true,
    vi: 'GLN nơi diễn ra sự kiện',
    en: 'GLN of where it happened',
    example: EXAMPLE_GLN,
  },
  {
    name: 'partnerGln',
    required: false,
    vi: 'GLN bên nhận (xuất hàng) hoặc bên giao (nhận hàng)',
    en: 'GLN of the receiver (shipping) or the sender (receiving)',
    example: '',
  },
  {
    name: 'despatch',
    required: false,
    vi: 'Số phiếu xuất (xuất hàng, nhận hàng)',
    en: 'Despatch advice number (shipping, receiving)',
    example: '',
  },
  {
    name: 'certification',
    required: false,
    vi: 'Số chứng nhận (VietGAP, hữu cơ…)',
    en: 'Certificate (VietGAP, organic…)',
    example: '',
  },
  {
    name: 'tx:harvestDate',
    required: false,
    vi: 'Dữ liệu chính theo tiêu chuẩn: thêm cột tx:<tên> cho mỗi trường, ví dụ tx:harvestDate (YYYY-MM-DD)',
    en: 'Key data elements of the standard: one tx:<name> column per field, e.g. tx:harvestDate (YYYY-MM-DD)',
    example: '2026-06-10',
  },
];

const FIXED = new Map(EVENT_COLUMNS.filter((c) => !c.name.includes(':')).map((c) => [c.name.toLowerCase(), c.name]));

export interface EventImportReport {
  readonly entity: 'events';
  readonly mode: ImportMode;
  readonly format: 'csv' | 'xlsx';
  readonly rows: number;
  readonly valid: number;
  readonly written: number;
  readonly duplicates: number;
  readonly errors: RowError[];
}

/** Header cells → column names: the fixed columns (case-insensitive) and `tx:`/`cbvmda:` key data elements. */
function mapHeader(sheet: Sheet, mode: ImportMode): Map<number, string> {
  const mapping = new Map<number, string>();
  const errors: RowError[] = [];
  sheet.header.forEach((h, index) => {
    if (h === '') return;
    const fixed = FIXED.get(h.replace(/[\s_-]/g, '').toLowerCase());
    if (fixed) mapping.set(index, fixed);
    else if (KDE_COLUMN.test(h)) mapping.set(index, h);
    else
      errors.push({
        row: 1,
        column: h,
        message: h.includes(':') ? bilingual('import.event.column') : bilingual('import.file.unknownColumn'),
      });
  });
  const present = new Set(mapping.values());
  for (const c of EVENT_COLUMNS)
    if (c.required && !present.has(c.name))
      errors.push({ row: 1, column: c.name, message: bilingual('import.file.header') });
  if (errors.length > 0) {
    throw new AppError('validation', t('en', 'import.file.header'), {
      fields: errors.map((e) => ({ field: `rows/1/${e.column ?? ''}`, message: e.message.en })),
      details: {
        report: {
          entity: 'events',
          mode,
          format: sheet.format,
          rows: sheet.rows.length,
          valid: 0,
          written: 0,
          duplicates: 0,
          errors,
        },
      },
    });
  }
  return mapping;
}

const CBV_STEP = /^[a-z][a-z_]*$/;
const TIME = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:\d{2})?$/;
const OFFSET = /^[+-]\d{2}:\d{2}$/;

/** The ObjectEvent of one row (JSON-LD without @context), or the row's cell errors. */
function rowEvent(
  mapping: Map<number, string>,
  cells: readonly (Cell | undefined)[],
  row: number,
  ownGln: string | null,
): { event?: Record<string, unknown>; errors: RowError[] } {
  const errors: RowError[] = [];
  const value: Record<string, string> = {};
  for (const [index, name] of mapping) {
    const cell = cells[index];
    if (cell?.kind === 'formula') errors.push({ row, column: name, message: bilingual('import.cell.formula') });
    else if (cell && cell.text.trim() !== '') value[name] = cell.text.trim();
  }
  const fail = (column: string, key: MessageKey) => errors.push({ row, column, message: bilingual(key) });
  for (const c of EVENT_COLUMNS)
    if (c.required && value[c.name] === undefined && !errors.some((e) => e.column === c.name))
      fail(c.name, 'import.event.required');
  const step = value.step?.toLowerCase();
  if (step !== undefined && !CBV_STEP.test(step)) fail('step', 'import.event.step');
  const offset = value.timeZoneOffset ?? '+07:00';
  if (!OFFSET.test(offset)) fail('timeZoneOffset', 'import.event.offset');
  let eventTime: string | undefined;
  if (value.eventTime !== undefined) {
    const m = TIME.exec(value.eventTime);
    if (!m || Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) fail('eventTime', 'import.event.time');
    else eventTime = `${m[1]}T${m[2] ?? '00'}:${m[3] ?? '00'}:${m[4] ?? '00'}${m[5] ?? offset}`;
  }
  const gtin = value.gtin?.replace(/\s/g, '');
  if (gtin !== undefined && !/^(\d{8}|\d{12,14})$/.test(gtin)) fail('gtin', 'import.event.gtin');
  for (const column of ['locationGln', 'partnerGln'] as const)
    if (value[column] !== undefined && !/^\d{13}$/.test(value[column].replace(/\s/g, '')))
      fail(column, 'import.event.gln');
  const quantity = value.quantity === undefined ? undefined : Number(value.quantity.replace(',', '.'));
  if (quantity !== undefined && !(Number.isFinite(quantity) && quantity > 0)) fail('quantity', 'import.event.quantity');
  const uom = (value.uom ?? 'KGM').toUpperCase();
  if (!isUnitCode(uom)) fail('uom', 'import.event.unit');
  if (errors.length > 0) return { errors };

  const place = { id: `https://id.gs1.org/414/${value.locationGln!.replace(/\s/g, '')}` };
  const gtin14 = gtin!.padStart(14, '0');
  const partner = value.partnerGln?.replace(/\s/g, '');
  const party = (gln: string) => `https://id.gs1.org/417/${gln}`;
  const shipping = step === 'shipping';
  const receiving = step === 'receiving';
  const sender = shipping ? ownGln : receiving ? (partner ?? null) : null;
  const receiver = shipping ? (partner ?? null) : receiving ? ownGln : null;
  const kdes = Object.fromEntries(Object.entries(value).filter(([k]) => k.includes(':')));
  const origin = step === 'commissioning';
  const despatchOwner = shipping ? ownGln : partner;
  const event: Record<string, unknown> = {
    type: 'ObjectEvent',
    eventTime,
    eventTimeZoneOffset: /^[+-]/.test(eventTime!.slice(-6)) ? eventTime!.slice(-6) : offset,
    action: origin ? 'ADD' : 'OBSERVE',
    bizStep: step,
    disposition: shipping ? 'in_transit' : receiving ? 'in_progress' : 'active',
    quantityList: [{ epcClass: `https://id.gs1.org/01/${gtin14}/10/${encodeURIComponent(value.lot!)}`, quantity, uom }],
    readPoint: place,
    ...(shipping ? {} : { bizLocation: place }),
    ...(value.despatch && despatchOwner
      ? {
          bizTransactionList: [
            { type: 'desadv', bizTransaction: `urn:epcglobal:cbv:bt:${despatchOwner}:${value.despatch}` },
          ],
        }
      : {}),
    ...(sender ? { sourceList: [{ type: 'owning_party', source: party(sender) }] } : {}),
    ...(receiver ? { destinationList: [{ type: 'owning_party', destination: party(receiver) }] } : {}),
    ...(value.certification ? { certificationInfo: value.certification } : {}),
    ...(origin && Object.keys(kdes).length > 0 ? { ilmd: kdes } : {}),
    ...(origin ? {} : kdes),
  };
  return { event, errors };
}

/** An EPCIS finding's or a capture refusal's field (`eventList/0/quantityList/0/uom`) → the column to fix. */
function columnOfField(field: string, mapping: Map<number, string>): string | null {
  const path = field.replace(/^eventList\/\d+\//, '').replace(/^(ilmd[./])/, '');
  const kde = [...mapping.values()].find((c) => c.includes(':') && path.includes(c));
  if (kde) return kde;
  if (/epcClass/.test(path)) return 'gtin';
  if (/uom/.test(path)) return 'uom';
  if (/quantity/.test(path)) return 'quantity';
  if (/eventTimeZoneOffset/.test(path)) return 'timeZoneOffset';
  if (/eventTime/.test(path)) return 'eventTime';
  if (/readPoint|bizLocation/.test(path)) return 'locationGln';
  if (/source|destination/.test(path)) return 'partnerGln';
  if (/bizTransaction/.test(path)) return 'despatch';
  if (/certification/.test(path)) return 'certification';
  if (/bizStep|action|disposition/.test(path)) return 'step';
  const named = /^(tx|cbvmda):[\w-]+/.exec(path);
  return named ? named[0] : null;
}

function documentOf(event: Record<string, unknown>): string {
  return JSON.stringify({
    '@context': [EPCIS_CONTEXT_URLS[0], { tx: TX_NAMESPACE }],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    epcisBody: { eventList: [event] },
  });
}

class RollBack extends Error {}

/**
 * Imports a sheet of events for the caller's organisation (or, for the province or a delegated provider, the one
 * named). Rights are the capture's: `epcis:capture` for the organisation acted for.
 */
export async function importEvents(
  db: Kysely<DB>,
  caller: Caller,
  input: { mode: ImportMode; data: Buffer; organisationId?: string | undefined },
): Promise<EventImportReport> {
  const { mode } = input;
  const acting = await actingOrganisation(db, caller, 'epcis:capture', input.organisationId);
  let sheet: Sheet;
  try {
    sheet = await readSheet(input.data, MAX_IMPORT_ROWS);
  } catch (e) {
    if (e instanceof SheetError) throw sheetFailure(e);
    throw e;
  }
  const mapping = mapHeader(sheet, mode);
  const own = await db
    .selectFrom('organisation')
    .select('primary_gln')
    .where('id', '=', acting.organisationId)
    .executeTakeFirst();
  const ownGln = own?.primary_gln ?? null;
  const errors: RowError[] = [];
  let valid = 0;
  let stored = 0;
  let duplicates = 0;
  try {
    await db.transaction().execute(async (trx) => {
      for (const { rowNumber, cells } of sheet.rows) {
        const built = rowEvent(mapping, cells, rowNumber, ownGln);
        const rowErrors = [...built.errors];
        if (built.event) {
          const body = documentOf(built.event);
          const checked = validateEpcisDocument(body, 'json');
          for (const f of checked.findings)
            rowErrors.push({
              row: rowNumber,
              column: columnOfField(f.field, mapping),
              message: {
                vi: `${t('vi', 'import.event.invalid')}: ${f.message}`,
                en: `${t('en', 'import.event.invalid')}: ${f.message}`,
              },
            });
          if (rowErrors.length === 0) {
            await sql`savepoint import_event`.execute(trx);
            try {
              const result = await captureWithin(trx, caller, {
                body,
                format: 'json',
                channel: 'import',
                standardsBehaviour: 'reject',
                ...(input.organisationId !== undefined ? { onBehalfOf: acting.organisationId } : {}),
              });
              stored += result.stored;
              duplicates += result.duplicates;
              await sql`release savepoint import_event`.execute(trx);
            } catch (e) {
              if (!isAppError(e) || !['validation', 'conflict', 'not_found', 'forbidden'].includes(e.code)) throw e;
              await sql`rollback to savepoint import_event`.execute(trx);
              const standard = e.fields.some((f) => f.messageKey === 'compliance.capture.required');
              const fields = e.fields.length > 0 ? e.fields : [{ field: '', message: e.message }];
              for (const f of fields)
                rowErrors.push({
                  row: rowNumber,
                  column: columnOfField(f.field, mapping),
                  message: standard
                    ? {
                        vi: `${t('vi', 'import.event.kde')}: ${f.field.replace(/^eventList\/\d+\//, '')}`,
                        en: `${t('en', 'import.event.kde')}: ${f.field.replace(/^eventList\/\d+\//, '')}`,
                      }
                    : { vi: `${t('vi', `problem.${e.code}` as MessageKey)}: ${f.message}`, en: f.message },
                });
            }
          }
        }
        if (rowErrors.length === 0) valid += 1;
        else errors.push(...rowErrors);
      }
      if (mode === 'all-or-nothing' && errors.length > 0) throw new RollBack();
      await recordAudit(trx, caller, {
        action: 'import.events',
        objectType: 'import',
        objectId: `events:${sheet.format}`,
        organisationId: acting.organisationId,
        change: { rows: sheet.rows.length, valid, stored, duplicates, mode },
      });
    });
  } catch (e) {
    if (!(e instanceof RollBack)) throw e;
  }
  const failed = mode === 'all-or-nothing' && errors.length > 0;
  const report: EventImportReport = {
    entity: 'events',
    mode,
    format: sheet.format,
    rows: sheet.rows.length,
    valid,
    written: failed ? 0 : stored,
    duplicates: failed ? 0 : duplicates,
    errors,
  };
  if (failed) {
    throw new AppError('validation', t('en', 'import.failed'), {
      fields: errors.slice(0, 100).map((e) => ({ field: `rows/${e.row}/${e.column ?? ''}`, message: e.message.en })),
      details: { report },
    });
  }
  return report;
}

/** The events template: the column names and one example row; XLSX adds a guide sheet in both languages. */
export async function eventTemplate(format: 'csv' | 'xlsx'): Promise<Buffer> {
  if (format === 'csv') {
    const lines = [csvLine(EVENT_COLUMNS.map((c) => c.name)), csvLine(EVENT_COLUMNS.map((c) => c.example))];
    return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
  }
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'truyxuat';
  const data = workbook.addWorksheet('events');
  data.addRow(EVENT_COLUMNS.map((c) => c.name)).font = { bold: true };
  data.addRow(EVENT_COLUMNS.map((c) => safeCell(c.example)));
  // Every column is text: codes keep their leading zeros and times are not reinterpreted as dates.
  EVENT_COLUMNS.forEach((c, i) => {
    data.getColumn(i + 1).width = Math.max(14, c.name.length + 2);
    data.getColumn(i + 1).numFmt = '@';
  });
  const guide = workbook.addWorksheet('Hướng dẫn - Guide');
  guide.addRow(['column', 'bắt buộc / required', 'Tiếng Việt', 'English']).font = { bold: true };
  for (const c of EVENT_COLUMNS) guide.addRow([c.name, c.required ? 'x' : '', safeCell(c.vi), safeCell(c.en)]);
  guide.getColumn(3).width = 70;
  guide.getColumn(4).width = 70;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
