import ExcelJS from 'exceljs';
import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/index.ts';
import type { DB } from '../db/schema.ts';
import { captureWithin } from '../epcis/capture.service.ts';
import { EPCIS_CONTEXT_URLS, validateEpcisDocument } from '../epcis/index.ts';
import { hasValidCheckDigit, withCheckDigit } from '../identifiers/check-digit.ts';
import type { Caller } from '../shared/caller.ts';
import { AppError, isAppError } from '../shared/errors.ts';
import { t, type MessageKey } from '../shared/messages.ts';
import { actingOrganisation } from './identity.service.ts';
import { MAX_IMPORT_ROWS, SheetError, csvLine, readSheet, safeCell, type Cell, type Sheet } from './import.sheet.ts';
import { bilingual, sheetFailure, type ImportMode, type RowError } from './import.service.ts';
import {
  AGGREGATION_COLUMNS,
  AGGREGATION_EXAMPLES,
  TRANSFORMATION_COLUMNS,
  TRANSFORMATION_EXAMPLES,
  aggregationEvents,
  transformationEvents,
  type EventColumn,
  type EventUnit,
  type ReadRow,
  type RowFields,
} from './import.transformation.ts';
import { isUnitCode } from './registry.rules.ts';

/**
 * Bulk import of events from CSV or XLSX, one template per kind of sheet: on the observation sheet one row is one
 * observation of a lot (harvest, packing, shipping, receiving…), an EPCIS 2.0 ObjectEvent; on the transformation
 * sheet (a `transformationID` column) the rows of one batch are one TransformationEvent, on the pallet sheet (a
 * `parentSscc` column) the rows of one pallet one AggregationEvent (see `import.transformation.ts`). Each event is
 * captured through the normal capture path (the same validation, rights, standard checks and audit as
 * `POST /events`), each in its own savepoint of one transaction. `all-or-nothing` (the default) writes nothing when
 * any row is bad; the answer is a row-by-row report
 * in Vietnamese and English. An event carries no eventID of its own: its CBV event hash is its key, so importing the
 * same file twice stores nothing twice.
 */

const TX_NAMESPACE = 'https://truyxuat.vn/epcis/';
/** Key data element columns: `tx:` is the platform's own vocabulary, `cbvmda:` the CBV master-data attributes. */
const KDE_COLUMN = /^(tx|cbvmda):[A-Za-z][\w-]*$/;

const EXAMPLE_GTIN = withCheckDigit('0893999000002');
const EXAMPLE_GLN = withCheckDigit('893999000001');

export const EVENT_COLUMNS: readonly (EventColumn & { readonly example: string })[] = [
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

/** The kinds of event sheet, each with its template; the upload tells them apart by their columns. */
export type EventSheetKind = 'observation' | 'transformation' | 'aggregation';

const TEMPLATES: Record<
  EventSheetKind,
  {
    readonly sheet: string;
    readonly columns: readonly EventColumn[];
    readonly examples: readonly (readonly string[])[];
  }
> = {
  observation: { sheet: 'events', columns: EVENT_COLUMNS, examples: [EVENT_COLUMNS.map((c) => c.example)] },
  transformation: { sheet: 'transformations', columns: TRANSFORMATION_COLUMNS, examples: TRANSFORMATION_EXAMPLES },
  aggregation: { sheet: 'pallets', columns: AGGREGATION_COLUMNS, examples: AGGREGATION_EXAMPLES },
};

const headerKey = (name: string) => name.replace(/[\s_-]/g, '').toLowerCase();
const FIXED = new Map(
  Object.values(TEMPLATES)
    .flatMap((tpl) => tpl.columns)
    .filter((c) => !c.name.includes(':'))
    .map((c) => [headerKey(c.name), c.name]),
);

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

/**
 * Header cells → column names (the template's columns, case-insensitive, and `tx:`/`cbvmda:` key data elements) and
 * the kind of sheet: a `transformationID` column makes a transformation sheet, a `parentSscc` column a pallet sheet.
 */
function mapHeader(sheet: Sheet, mode: ImportMode): { mapping: Map<number, string>; kind: EventSheetKind } {
  const mapping = new Map<number, string>();
  const errors: RowError[] = [];
  const named = sheet.header.map((h) => FIXED.get(headerKey(h)));
  const transformation = named.includes('transformationID');
  const aggregation = named.includes('parentSscc');
  const kind: EventSheetKind = transformation ? 'transformation' : aggregation ? 'aggregation' : 'observation';
  if (transformation && aggregation)
    errors.push({ row: 1, column: 'parentSscc', message: bilingual('import.event.sheetKind') });
  const own = new Set(TEMPLATES[kind].columns.map((c) => c.name));
  sheet.header.forEach((h, index) => {
    if (h === '') return;
    const fixed = named[index];
    if (fixed && own.has(fixed)) mapping.set(index, fixed);
    else if (KDE_COLUMN.test(h)) mapping.set(index, h);
    else if (!(fixed === 'parentSscc' && transformation))
      errors.push({
        row: 1,
        column: h,
        message: h.includes(':') ? bilingual('import.event.column') : bilingual('import.file.unknownColumn'),
      });
  });
  const present = new Set(mapping.values());
  for (const c of TEMPLATES[kind].columns)
    if (c.required && !c.name.includes(':') && !present.has(c.name))
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
  return { mapping, kind };
}

const CBV_STEP = /^[a-z][a-z_]*$/;
const TIME = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:\d{2})?$/;
const OFFSET = /^[+-]\d{2}:\d{2}$/;

const ROLES: Record<string, 'input' | 'output'> = {
  input: 'input',
  in: 'input',
  'đầu vào': 'input',
  vao: 'input',
  output: 'output',
  out: 'output',
  'đầu ra': 'output',
  ra: 'output',
};
const digits = (text: string | undefined) => text?.replace(/\s/g, '');
const isSscc = (text: string) => /^\d{18}$/.test(text) && hasValidCheckDigit(text);

/** One row's cells, checked one by one against the columns of its kind of sheet. */
function readRow(
  kind: EventSheetKind,
  mapping: Map<number, string>,
  cells: readonly (Cell | undefined)[],
  row: number,
): ReadRow {
  const errors: RowError[] = [];
  const value: Record<string, string> = {};
  for (const [index, name] of mapping) {
    const cell = cells[index];
    if (cell?.kind === 'formula') errors.push({ row, column: name, message: bilingual('import.cell.formula') });
    else if (cell && cell.text.trim() !== '') value[name] = cell.text.trim();
  }
  const fail = (column: string, key: MessageKey) => errors.push({ row, column, message: bilingual(key) });
  for (const c of TEMPLATES[kind].columns)
    if (c.required && !c.name.includes(':') && value[c.name] === undefined && !errors.some((e) => e.column === c.name))
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
  const gtin = digits(value.gtin);
  if (gtin !== undefined && !/^(\d{8}|\d{12,14})$/.test(gtin)) fail('gtin', 'import.event.gtin');
  for (const column of ['locationGln', 'partnerGln'] as const)
    if (value[column] !== undefined && !/^\d{13}$/.test(digits(value[column])!)) fail(column, 'import.event.gln');
  const quantity = value.quantity === undefined ? undefined : Number(value.quantity.replace(',', '.'));
  if (quantity !== undefined && !(Number.isFinite(quantity) && quantity > 0)) fail('quantity', 'import.event.quantity');
  const uom = (value.uom ?? 'KGM').toUpperCase();
  if (!isUnitCode(uom)) fail('uom', 'import.event.unit');
  const gtin14 = gtin?.padStart(14, '0');
  const item =
    gtin14 !== undefined && value.lot !== undefined && quantity !== undefined
      ? { epcClass: `https://id.gs1.org/01/${gtin14}/10/${encodeURIComponent(value.lot)}`, quantity, uom }
      : undefined;

  let role: RowFields['role'];
  let action: RowFields['action'];
  let parent: string | undefined;
  let childEpc: string | undefined;
  if (kind === 'transformation' && value.role !== undefined) {
    role = ROLES[value.role.toLowerCase()];
    if (!role) fail('role', 'import.event.role');
  }
  if (kind === 'aggregation') {
    const sscc = digits(value.parentSscc);
    if (sscc !== undefined && !isSscc(sscc)) fail('parentSscc', 'import.event.sscc');
    else if (sscc !== undefined) parent = `https://id.gs1.org/00/${sscc}`;
    const verb = (value.action ?? 'ADD').toUpperCase();
    if (verb === 'ADD' || verb === 'DELETE') action = verb;
    else fail('action', 'import.event.action');
    const child = digits(value.childSscc);
    const serial = value.serial;
    // Exactly one packed thing per row: a carton's SSCC, an item's GTIN + serial, or a lot's GTIN + lot + quantity.
    const forms = [child !== undefined, serial !== undefined, value.lot !== undefined || quantity !== undefined];
    const named = forms.filter(Boolean).length;
    if (named > 1 || (named === 0 && (action === 'ADD' || gtin !== undefined))) fail('childSscc', 'import.event.child');
    else if (child !== undefined) {
      if (!isSscc(child)) fail('childSscc', 'import.event.sscc');
      else if (gtin !== undefined) fail('gtin', 'import.event.child');
      else childEpc = `https://id.gs1.org/00/${child}`;
    } else if (serial !== undefined) {
      if (gtin14 === undefined) fail('gtin', value.gtin === undefined ? 'import.event.required' : 'import.event.child');
      else childEpc = `https://id.gs1.org/01/${gtin14}/21/${encodeURIComponent(serial)}`;
    } else if (named === 1) {
      for (const column of ['gtin', 'lot', 'quantity'] as const)
        if (value[column] === undefined) fail(column, 'import.event.required');
    }
  }
  const kdes = Object.fromEntries(Object.entries(value).filter(([k]) => k.includes(':')));
  const location = digits(value.locationGln);
  const fields: RowFields = {
    row,
    value,
    offset,
    kdes,
    ...(step !== undefined ? { step } : {}),
    ...(eventTime !== undefined ? { eventTime } : {}),
    ...(location !== undefined ? { location } : {}),
    ...(item !== undefined && (kind !== 'aggregation' || childEpc === undefined) ? { item } : {}),
    ...(role !== undefined ? { role } : {}),
    ...(action !== undefined ? { action } : {}),
    ...(parent !== undefined ? { parent } : {}),
    ...(childEpc !== undefined ? { childEpc } : {}),
  };
  return { row, fields, errors };
}

/** The ObjectEvent of one row of the observation sheet (JSON-LD without @context), or the row's cell errors. */
function observationEvent(read: ReadRow, ownGln: string | null): EventUnit {
  const { fields: f, row } = read;
  const unit = { rows: [row], errors: [...read.errors], locate: () => ({ row }) };
  if (unit.errors.length > 0) return unit;
  const value = f.value;
  const step = f.step!;
  const eventTime = f.eventTime!;
  const place = { id: `https://id.gs1.org/414/${f.location!}` };
  const partner = digits(value.partnerGln);
  const party = (gln: string) => `https://id.gs1.org/417/${gln}`;
  const shipping = step === 'shipping';
  const receiving = step === 'receiving';
  const sender = shipping ? ownGln : receiving ? (partner ?? null) : null;
  const receiver = shipping ? (partner ?? null) : receiving ? ownGln : null;
  const kdes = f.kdes;
  const origin = step === 'commissioning';
  const despatchOwner = shipping ? ownGln : partner;
  const event: Record<string, unknown> = {
    type: 'ObjectEvent',
    eventTime,
    eventTimeZoneOffset: /^[+-]/.test(eventTime.slice(-6)) ? eventTime.slice(-6) : f.offset,
    action: origin ? 'ADD' : 'OBSERVE',
    bizStep: step,
    disposition: shipping ? 'in_transit' : receiving ? 'in_progress' : 'active',
    quantityList: [f.item!],
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
  return { ...unit, event };
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
  if (/parentID/.test(path)) return 'parentSscc';
  if (/childEPCs/.test(path)) return 'childSscc';
  if (/^action/.test(path) && [...mapping.values()].includes('action')) return 'action';
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
  const { mapping, kind } = mapHeader(sheet, mode);
  const own = await db
    .selectFrom('organisation')
    .select('primary_gln')
    .where('id', '=', acting.organisationId)
    .executeTakeFirst();
  const ownGln = own?.primary_gln ?? null;
  const read = sheet.rows.map(({ rowNumber, cells }) => readRow(kind, mapping, cells, rowNumber));
  const units =
    kind === 'transformation'
      ? transformationEvents(read)
      : kind === 'aggregation'
        ? aggregationEvents(read)
        : read.map((r) => observationEvent(r, ownGln));
  const errors: RowError[] = [];
  let valid = 0;
  let stored = 0;
  let duplicates = 0;
  try {
    await db.transaction().execute(async (trx) => {
      for (const unit of units) {
        const unitErrors = [...unit.errors];
        const at = (field: string) => {
          const { row, column } = unit.locate(field.replace(/^eventList\/\d+\//, ''));
          return { row, column: column ?? columnOfField(field, mapping) };
        };
        if (unit.event) {
          const body = documentOf(unit.event);
          const checked = validateEpcisDocument(body, 'json');
          for (const f of checked.findings)
            unitErrors.push({
              ...at(f.field),
              message: {
                vi: `${t('vi', 'import.event.invalid')}: ${f.message}`,
                en: `${t('en', 'import.event.invalid')}: ${f.message}`,
              },
            });
          if (unitErrors.length === 0) {
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
                unitErrors.push({
                  ...at(f.field),
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
        if (unitErrors.length === 0) valid += unit.rows.length;
        else errors.push(...unitErrors);
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

/**
 * The template of one kind of event sheet: the column names and example rows; XLSX adds a guide sheet in both
 * languages.
 */
export async function eventTemplate(format: 'csv' | 'xlsx', kind: EventSheetKind = 'observation'): Promise<Buffer> {
  const { sheet, columns, examples } = TEMPLATES[kind];
  const rows = examples.map((example) => columns.map((_, i) => example[i] ?? ''));
  if (format === 'csv') {
    const lines = [csvLine(columns.map((c) => c.name)), ...rows.map((r) => csvLine(r))];
    return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
  }
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'truyxuat';
  const data = workbook.addWorksheet(sheet);
  data.addRow(columns.map((c) => c.name)).font = { bold: true };
  for (const r of rows) data.addRow(r.map((v) => safeCell(v)));
  // Every column is text: codes keep their leading zeros and times are not reinterpreted as dates.
  columns.forEach((c, i) => {
    data.getColumn(i + 1).width = Math.max(14, c.name.length + 2);
    data.getColumn(i + 1).numFmt = '@';
  });
  const guide = workbook.addWorksheet('Hướng dẫn - Guide');
  guide.addRow(['column', 'bắt buộc / required', 'Tiếng Việt', 'English']).font = { bold: true };
  for (const c of columns) guide.addRow([c.name, c.required ? 'x' : '', safeCell(c.vi), safeCell(c.en)]);
  guide.getColumn(3).width = 70;
  guide.getColumn(4).width = 70;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
