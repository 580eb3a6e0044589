import ExcelJS from 'exceljs';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { requirePermission, type Caller } from '../shared/caller.ts';
import { AppError, isAppError } from '../shared/errors.ts';
import { t, type MessageKey } from '../shared/messages.ts';
import { createLocation, type LocationInput } from './location.service.ts';
import { createOrganisation, type OrganisationInput } from './organisation.service.ts';
import { createProduct, type ProductInput } from './product.service.ts';
import { targetForWrite } from './registry.access.ts';
import { MAX_IMPORT_ROWS, SheetError, csvLine, readSheet, safeCell, type Cell, type Sheet } from './import.sheet.ts';

/**
 * Bulk import of organisations, locations and products from CSV or XLSX. Every row goes through the same service
 * function as the API (same validation, same rights), inside one transaction: in `all-or-nothing` mode one bad row
 * rolls everything back; in `valid-rows-only` mode each row has its own savepoint and bad rows are skipped. Either
 * way the answer is a row-by-row report in Vietnamese and English.
 */

export const IMPORT_ENTITIES = ['organisations', 'locations', 'products'] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];
export type ImportMode = 'all-or-nothing' | 'valid-rows-only';

type ColumnType = 'text' | 'number' | 'integer' | 'boolean';

interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly required: boolean;
  readonly vi: string;
  readonly en: string;
  readonly example: string;
}

const col = (name: string, type: ColumnType, required: boolean, vi: string, en: string, example: string): Column => ({
  name,
  type,
  required,
  vi,
  en,
  example,
});

/** The columns of each template. Header cells must carry these names (case and spaces do not matter). */
export const COLUMNS: Readonly<Record<ImportEntity, readonly Column[]>> = {
  organisations: [
    col('name', 'text', true, 'Tên tổ chức', 'Legal name', 'HTX Nông nghiệp Thủy Thanh'),
    col('nameEn', 'text', false, 'Tên tiếng Anh', 'Name in English', 'Thuy Thanh Agricultural Cooperative'),
    col(
      'taxCode',
      'text',
      false,
      'Mã số thuế (10 số, hoặc 10 số-NNN)',
      'Tax code (10 digits, or 10 digits-NNN)',
      '3301234568',
    ),
    col(
      'kind',
      'text',
      true,
      'Loại: household, cooperative, company, provider, other',
      'Kind: household, cooperative, company, provider, other',
      'cooperative',
    ),
    col('gs1CompanyPrefix', 'text', false, 'Mã doanh nghiệp GS1', 'GS1 company prefix', '8939990'),
    col('primaryGln', 'text', false, 'GLN chính (13 số)', 'Primary GLN (13 digits)', '8939990000009'),
    col('address', 'text', false, 'Địa chỉ', 'Address', 'Thôn Vân Dương'),
    col('provinceCode', 'text', false, 'Mã tỉnh (Huế: 46)', 'Province code (Huế: 46)', '46'),
    col('communeCode', 'text', false, 'Mã xã/phường', 'Commune code', ''),
    col('communeName', 'text', false, 'Tên xã/phường', 'Commune name', 'Phường Thủy Vân'),
    col('contactName', 'text', false, 'Người liên hệ', 'Contact person', 'Nguyễn Văn A'),
    col('contactEmail', 'text', false, 'E-mail liên hệ', 'Contact e-mail', 'lienhe@example.vn'),
    col('contactPhone', 'text', false, 'Điện thoại liên hệ', 'Contact phone', '0905123456'),
    col('usesBarcodes', 'boolean', false, 'Có dùng mã vạch (có/không)', 'Uses barcodes (yes/no)', 'có'),
    col(
      'status',
      'text',
      false,
      'Trạng thái: pending, active, suspended',
      'Status: pending, active, suspended',
      'active',
    ),
  ],
  locations: [
    col('gln', 'text', true, 'GLN (13 số)', 'GLN (13 digits)', '8939990000016'),
    col('name', 'text', true, 'Tên địa điểm', 'Name', 'Vùng trồng thanh trà Thủy Biều'),
    col('nameEn', 'text', false, 'Tên tiếng Anh', 'Name in English', 'Thuy Bieu pomelo growing area'),
    col(
      'kind',
      'text',
      true,
      'Loại: farm, growing_area, pond, factory, packing_house, warehouse, shop, market, vessel, other',
      'Kind: farm, growing_area, pond, factory, packing_house, warehouse, shop, market, vessel, other',
      'growing_area',
    ),
    col('latitude', 'number', false, 'Vĩ độ', 'Latitude', '16.4352'),
    col('longitude', 'number', false, 'Kinh độ', 'Longitude', '107.5511'),
    col(
      'growingAreaCode',
      'text',
      false,
      'Mã số vùng trồng (VN-…OR-NNNN)',
      'Growing-area code (VN-…OR-NNNN)',
      'VN-TTHOR-0101',
    ),
    col(
      'packingHouseCode',
      'text',
      false,
      'Mã số cơ sở đóng gói (VN-…PH-NNNN)',
      'Packing-house code (VN-…PH-NNNN)',
      '',
    ),
    col(
      'parentGln',
      'text',
      false,
      'GLN của địa điểm cha (đã có hoặc ở dòng trên)',
      'GLN of the parent location (existing or on an earlier row)',
      '',
    ),
    col('address', 'text', false, 'Địa chỉ', 'Address', 'Thủy Biều'),
    col('provinceCode', 'text', false, 'Mã tỉnh (Huế: 46)', 'Province code (Huế: 46)', '46'),
    col('communeCode', 'text', false, 'Mã xã/phường', 'Commune code', ''),
    col('communeName', 'text', false, 'Tên xã/phường', 'Commune name', 'Phường Kim Long'),
  ],
  products: [
    col('gtin', 'text', true, 'GTIN (8, 12, 13 hoặc 14 số)', 'GTIN (8, 12, 13 or 14 digits)', '8939990000023'),
    col('name', 'text', true, 'Tên sản phẩm', 'Product name', 'Thanh trà Thủy Biều'),
    col('nameEn', 'text', false, 'Tên tiếng Anh', 'Name in English', 'Thuy Bieu pomelo'),
    col('brand', 'text', false, 'Nhãn hiệu', 'Brand', 'Thanh trà Huế'),
    col('groupCode', 'text', true, 'Mã nhóm sản phẩm', 'Product group code', 'agri.fruit-veg'),
    col('netContent', 'number', false, 'Khối lượng/thể tích tịnh', 'Net content', '1'),
    col(
      'netContentUnit',
      'text',
      false,
      'Đơn vị (UN/ECE Rec 20: KGM, GRM, LTR, MLT, H87…)',
      'Unit (UN/ECE Rec 20: KGM, GRM, LTR, MLT, H87…)',
      'KGM',
    ),
    col('shelfLifeDays', 'integer', false, 'Hạn sử dụng (ngày)', 'Shelf life (days)', '20'),
    col('description', 'text', false, 'Mô tả', 'Description', ''),
    col(
      'certificationKind',
      'text',
      false,
      'Chứng nhận: vietgap, globalgap, organic, ocop, geographical_indication, haccp, iso22000, other',
      'Certification: vietgap, globalgap, organic, ocop, geographical_indication, haccp, iso22000, other',
      'vietgap',
    ),
    col('certificationNumber', 'text', false, 'Số chứng nhận', 'Certificate number', 'VG-46-0001'),
    col('certificationIssuer', 'text', false, 'Tổ chức cấp', 'Issuer', ''),
    col('ocopStars', 'integer', false, 'Số sao OCOP (3–5)', 'OCOP stars (3–5)', ''),
    col('certificationValidFrom', 'text', false, 'Hiệu lực từ (YYYY-MM-DD)', 'Valid from (YYYY-MM-DD)', ''),
    col('certificationValidTo', 'text', false, 'Hiệu lực đến (YYYY-MM-DD)', 'Valid to (YYYY-MM-DD)', ''),
  ],
};

export interface RowError {
  readonly row: number;
  readonly column: string | null;
  readonly message: { readonly vi: string; readonly en: string };
}

export interface ImportReport {
  readonly entity: ImportEntity;
  readonly mode: ImportMode;
  readonly format: 'csv' | 'xlsx';
  readonly rows: number;
  readonly valid: number;
  readonly written: number;
  readonly errors: RowError[];
}

/** A message in both catalogue languages, as row reports carry it. */
export const bilingual = (key: MessageKey) => ({ vi: t('vi', key), en: t('en', key) });
const normaliseHeader = (h: string) => h.replace(/[\s_-]/g, '').toLowerCase();

/** The problem for a file that cannot be read as a sheet (type, size, empty, unreadable). */
export function sheetFailure(e: SheetError): AppError {
  const key: MessageKey =
    e.problem.kind === 'rows'
      ? 'import.file.rows'
      : e.problem.kind === 'empty'
        ? 'import.file.empty'
        : e.problem.kind === 'type'
          ? 'import.file.type'
          : 'import.file.unreadable';
  const message = e.problem.kind === 'rows' ? `${t('en', key)} (at most ${e.problem.max})` : t('en', key);
  return new AppError(e.problem.kind === 'type' ? 'unsupported_media_type' : 'validation', message, {
    fields: [{ field: 'file', message, messageKey: key }],
  });
}

/** Maps header cells to template columns; unknown or missing required columns fail the whole file. */
function mapHeader(entity: ImportEntity, sheet: Sheet): Map<number, Column> {
  const columns = COLUMNS[entity];
  const byName = new Map(columns.map((c) => [normaliseHeader(c.name), c]));
  const mapping = new Map<number, Column>();
  const errors: RowError[] = [];
  sheet.header.forEach((h, index) => {
    if (h === '') return;
    const column = byName.get(normaliseHeader(h));
    if (column) mapping.set(index, column);
    else errors.push({ row: 1, column: h, message: bilingual('import.file.unknownColumn') });
  });
  const present = new Set([...mapping.values()].map((c) => c.name));
  for (const c of columns) {
    if (c.required && !present.has(c.name))
      errors.push({ row: 1, column: c.name, message: bilingual('import.file.header') });
  }
  if (errors.length > 0) {
    throw new AppError('validation', t('en', 'import.file.header'), {
      fields: errors.map((e) => ({ field: `rows/1/${e.column ?? ''}`, message: e.message.en })),
      details: {
        report: {
          entity,
          mode: 'all-or-nothing',
          format: sheet.format,
          rows: sheet.rows.length,
          valid: 0,
          written: 0,
          errors,
        },
      },
    });
  }
  return mapping;
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'có', 'co', 'x']);
const FALSE = new Set(['false', 'no', 'n', '0', 'không', 'khong', '']);

/** Turns one sheet row into a record of typed values, collecting cell-level errors. */
function readRow(
  mapping: Map<number, Column>,
  cells: readonly (Cell | undefined)[],
  row: number,
  errors: RowError[],
): Record<string, string | number | boolean | null> {
  const record: Record<string, string | number | boolean | null> = {};
  for (const [index, column] of mapping) {
    const cell = cells[index];
    if (cell?.kind === 'formula') {
      errors.push({ row, column: column.name, message: bilingual('import.cell.formula') });
      continue;
    }
    const text = cell?.text.trim() ?? '';
    if (text === '') {
      record[column.name] = null;
      continue;
    }
    switch (column.type) {
      case 'text':
        record[column.name] = text;
        break;
      case 'number':
      case 'integer': {
        const value = Number(text.replace(',', '.'));
        if (!Number.isFinite(value) || (column.type === 'integer' && !Number.isInteger(value)))
          errors.push({ row, column: column.name, message: bilingual('import.cell.number') });
        else record[column.name] = value;
        break;
      }
      case 'boolean': {
        const lower = text.toLowerCase();
        if (TRUE.has(lower)) record[column.name] = true;
        else if (FALSE.has(lower)) record[column.name] = false;
        else errors.push({ row, column: column.name, message: bilingual('import.cell.boolean') });
        break;
      }
    }
  }
  return record;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function toOrganisationInput(r: Record<string, unknown>): OrganisationInput {
  return {
    name: str(r.name) ?? '',
    nameEn: str(r.nameEn),
    taxCode: str(r.taxCode),
    kind: str(r.kind) ?? '',
    gs1CompanyPrefix: str(r.gs1CompanyPrefix),
    primaryGln: str(r.primaryGln),
    address: str(r.address),
    provinceCode: str(r.provinceCode),
    communeCode: str(r.communeCode),
    communeName: str(r.communeName),
    contactName: str(r.contactName),
    contactEmail: str(r.contactEmail),
    contactPhone: str(r.contactPhone),
    ...(typeof r.usesBarcodes === 'boolean' ? { usesBarcodes: r.usesBarcodes } : {}),
    ...(str(r.status) !== null ? { status: str(r.status)! } : {}),
  };
}

async function toLocationInput(
  db: Kysely<DB>,
  organisationId: string,
  r: Record<string, unknown>,
  row: number,
  errors: RowError[],
): Promise<LocationInput> {
  let parentId: string | null = null;
  const parentGln = str(r.parentGln);
  if (parentGln !== null) {
    const parent = await db
      .selectFrom('location')
      .select('id')
      .where('gln', '=', parentGln.replace(/\s/g, ''))
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
    if (parent) parentId = parent.id;
    else errors.push({ row, column: 'parentGln', message: bilingual('registry.parent.unknown') });
  }
  return {
    organisationId,
    gln: str(r.gln) ?? '',
    name: str(r.name) ?? '',
    nameEn: str(r.nameEn),
    kind: str(r.kind) ?? '',
    latitude: num(r.latitude),
    longitude: num(r.longitude),
    growingAreaCode: str(r.growingAreaCode),
    packingHouseCode: str(r.packingHouseCode),
    parentId,
    address: str(r.address),
    provinceCode: str(r.provinceCode),
    communeCode: str(r.communeCode),
    communeName: str(r.communeName),
  };
}

function toProductInput(organisationId: string, r: Record<string, unknown>): ProductInput {
  const kind = str(r.certificationKind);
  return {
    organisationId,
    gtin: str(r.gtin) ?? '',
    name: str(r.name) ?? '',
    nameEn: str(r.nameEn),
    brand: str(r.brand),
    groupCode: str(r.groupCode) ?? '',
    netContent: num(r.netContent),
    netContentUnit: str(r.netContentUnit),
    shelfLifeDays: num(r.shelfLifeDays),
    description: str(r.description),
    certifications:
      kind === null
        ? []
        : [
            {
              kind,
              number: str(r.certificationNumber),
              issuer: str(r.certificationIssuer),
              ocopStars: num(r.ocopStars),
              validFrom: str(r.certificationValidFrom),
              validTo: str(r.certificationValidTo),
            },
          ],
  };
}

/** Service field paths → template columns (the only renamed ones are the certification fields). */
function columnOf(entity: ImportEntity, field: string): string {
  if (entity === 'products') {
    const cert = /^certifications\/\d+\/(\w+)$/.exec(field);
    if (cert) {
      const name = cert[1]!;
      return name === 'ocopStars' ? 'ocopStars' : `certification${name[0]!.toUpperCase()}${name.slice(1)}`;
    }
  }
  if (entity === 'locations' && field === 'parentId') return 'parentGln';
  return field;
}

function errorsOf(entity: ImportEntity, e: AppError, row: number): RowError[] {
  if (e.fields.length === 0) {
    return [{ row, column: null, message: { vi: t('vi', `problem.${e.code}`) + `: ${e.message}`, en: e.message } }];
  }
  return e.fields.map((f) => ({
    row,
    column: columnOf(entity, f.field),
    message: f.messageKey ? bilingual(f.messageKey as MessageKey) : { vi: f.message, en: f.message },
  }));
}

class RollBack extends Error {}

/**
 * Imports a sheet. The caller's rights are checked once before any row (organisations: the province; locations and
 * products: the organisation written to, its own unless the province or a delegated provider names another).
 */
export async function importSheet(
  db: Kysely<DB>,
  caller: Caller,
  input: { entity: ImportEntity; mode: ImportMode; data: Buffer; organisationId?: string | undefined },
): Promise<ImportReport> {
  const { entity, mode } = input;
  const organisationId =
    entity === 'organisations'
      ? (requirePermission(caller, 'province:write'), undefined)
      : await targetForWrite(db, caller, input.organisationId);
  let sheet: Sheet;
  try {
    sheet = await readSheet(input.data, MAX_IMPORT_ROWS);
  } catch (e) {
    if (e instanceof SheetError) throw sheetFailure(e);
    throw e;
  }
  const mapping = mapHeader(entity, sheet);
  const errors: RowError[] = [];
  let valid = 0;
  try {
    await db.transaction().execute(async (trx) => {
      for (const { rowNumber, cells } of sheet.rows) {
        const rowErrors: RowError[] = [];
        const record = readRow(mapping, cells, rowNumber, rowErrors);
        await sql`savepoint import_row`.execute(trx);
        try {
          if (rowErrors.length === 0) {
            switch (entity) {
              case 'organisations':
                await createOrganisation(trx, caller, toOrganisationInput(record));
                break;
              case 'locations': {
                const location = await toLocationInput(trx, organisationId!, record, rowNumber, rowErrors);
                if (rowErrors.length === 0) await createLocation(trx, caller, location);
                break;
              }
              case 'products':
                await createProduct(trx, caller, toProductInput(organisationId!, record));
                break;
            }
          }
        } catch (e) {
          if (!isAppError(e) || !['validation', 'conflict', 'not_found'].includes(e.code)) throw e;
          rowErrors.push(...errorsOf(entity, e, rowNumber));
        }
        if (rowErrors.length === 0) {
          valid += 1;
          await sql`release savepoint import_row`.execute(trx);
        } else {
          errors.push(...rowErrors);
          await sql`rollback to savepoint import_row`.execute(trx);
        }
      }
      if (mode === 'all-or-nothing' && errors.length > 0) throw new RollBack();
    });
  } catch (e) {
    if (!(e instanceof RollBack)) throw e;
  }
  const written = mode === 'all-or-nothing' && errors.length > 0 ? 0 : valid;
  const report: ImportReport = { entity, mode, format: sheet.format, rows: sheet.rows.length, valid, written, errors };
  if (mode === 'all-or-nothing' && errors.length > 0) {
    throw new AppError('validation', t('en', 'import.failed'), {
      fields: errors.slice(0, 100).map((e) => ({ field: `rows/${e.row}/${e.column ?? ''}`, message: e.message.en })),
      details: { report },
    });
  }
  return report;
}

/** The import template of an entity: a header row of column names and one example row; XLSX adds a guide sheet. */
export async function importTemplate(entity: ImportEntity, format: 'csv' | 'xlsx'): Promise<Buffer> {
  const columns = COLUMNS[entity];
  if (format === 'csv') {
    const lines = [csvLine(columns.map((c) => c.name)), csvLine(columns.map((c) => c.example))];
    return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
  }
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'truyxuat';
  const data = workbook.addWorksheet(entity);
  data.addRow(columns.map((c) => c.name)).font = { bold: true };
  data.addRow(columns.map((c) => safeCell(c.example)));
  // Codes (GTIN, GLN, tax code, province) must stay text: a number format would drop leading zeros.
  columns.forEach((c, i) => {
    data.getColumn(i + 1).width = Math.max(14, c.name.length + 2);
    if (c.type === 'text') data.getColumn(i + 1).numFmt = '@';
  });
  const guide = workbook.addWorksheet('Hướng dẫn - Guide');
  guide.addRow(['column', 'bắt buộc / required', 'Tiếng Việt', 'English']).font = { bold: true };
  for (const c of columns) guide.addRow([c.name, c.required ? 'x' : '', safeCell(c.vi), safeCell(c.en)]);
  guide.getColumn(3).width = 60;
  guide.getColumn(4).width = 60;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
