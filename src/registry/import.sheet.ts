import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

/**
 * Reading import sheets (CSV or XLSX) into rows of text cells, within bounds, and writing cells safely for
 * spreadsheets. No I/O: buffers in, values out.
 */

export const MAX_IMPORT_ROWS = 5000;
/** An XLSX is a zip: refuse archives that would inflate past this (a "zip bomb"), before exceljs inflates them. */
export const MAX_XLSX_INFLATED_BYTES = 64 * 1024 * 1024;

export type SheetProblem =
  { kind: 'type' } | { kind: 'rows'; max: number } | { kind: 'unreadable'; reason: string } | { kind: 'empty' };

export class SheetError extends Error {
  constructor(readonly problem: SheetProblem) {
    super(`sheet rejected: ${problem.kind}`);
    this.name = 'SheetError';
  }
}

/** A cell as read: text, or a formula (refused by the importer: values only). */
export type Cell = { kind: 'text'; text: string } | { kind: 'formula' };

export interface SheetRow {
  /** The row number the user sees in the spreadsheet (the header is row 1). */
  readonly rowNumber: number;
  readonly cells: readonly (Cell | undefined)[];
}

export interface Sheet {
  readonly format: 'csv' | 'xlsx';
  readonly header: readonly string[];
  readonly rows: readonly SheetRow[];
}

const isZip = (b: Buffer): boolean => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/**
 * Sum of the uncompressed sizes in a zip's central directory (APPNOTE.TXT §4.3.12 and §4.3.16). Returns undefined
 * when the directory cannot be found; zip64 archives report 0xFFFFFFFF, which counts as too large.
 */
export function zipInflatedSize(b: Buffer): number | undefined {
  const minEocd = 22;
  for (let i = b.length - minEocd; i >= Math.max(0, b.length - minEocd - 0xffff); i--) {
    if (b.readUInt32LE(i) !== 0x06054b50) continue;
    const entries = b.readUInt16LE(i + 10);
    let offset = b.readUInt32LE(i + 16);
    let total = 0;
    for (let n = 0; n < entries; n++) {
      if (offset + 46 > b.length || b.readUInt32LE(offset) !== 0x02014b50) return undefined;
      total += b.readUInt32LE(offset + 24);
      offset += 46 + b.readUInt16LE(offset + 28) + b.readUInt16LE(offset + 30) + b.readUInt16LE(offset + 32);
    }
    return total;
  }
  return undefined;
}

/** Reads the first worksheet of an XLSX file, or a UTF-8 CSV file (comma or semicolon separated). */
export async function readSheet(data: Buffer, maxRows = MAX_IMPORT_ROWS): Promise<Sheet> {
  const sheet = isZip(data) ? await readXlsx(data, maxRows) : readCsv(data, maxRows);
  if (sheet.header.length === 0 || sheet.rows.length === 0) throw new SheetError({ kind: 'empty' });
  return sheet;
}

function readCsv(data: Buffer, maxRows: number): Sheet {
  if (data.includes(0)) throw new SheetError({ kind: 'type' });
  const text = data.toString('utf8');
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: string[][];
  try {
    records = parseCsv(text, {
      bom: true,
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      to_line: maxRows + 2,
    });
  } catch (e) {
    throw new SheetError({ kind: 'unreadable', reason: (e as Error).message });
  }
  if (records.length > maxRows + 1) throw new SheetError({ kind: 'rows', max: maxRows });
  const [header = [], ...rest] = records;
  return {
    format: 'csv',
    header: header.map((h) => h.trim()),
    rows: rest.map((cells, i) => ({
      rowNumber: i + 2,
      cells: cells.map((c) => ({ kind: 'text', text: c }) as const),
    })),
  };
}

async function readXlsx(data: Buffer, maxRows: number): Promise<Sheet> {
  const inflated = zipInflatedSize(data);
  if (inflated === undefined) throw new SheetError({ kind: 'unreadable', reason: 'not a valid zip archive' });
  if (inflated > MAX_XLSX_INFLATED_BYTES) throw new SheetError({ kind: 'rows', max: maxRows });
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch (e) {
    throw new SheetError({ kind: 'unreadable', reason: (e as Error).message });
  }
  const worksheet = workbook.worksheets[0];
  if (!worksheet) throw new SheetError({ kind: 'empty' });
  if (worksheet.actualRowCount > maxRows + 1) throw new SheetError({ kind: 'rows', max: maxRows });
  let header: string[] = [];
  const rows: SheetRow[] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: (Cell | undefined)[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = readCell(cell.value);
    });
    if (header.length === 0 && rows.length === 0) {
      header = cells.map((c) => (c?.kind === 'text' ? c.text.trim() : ''));
      return;
    }
    if (cells.every((c) => c === undefined || (c.kind === 'text' && c.text.trim() === ''))) return;
    rows.push({ rowNumber, cells });
  });
  return { format: 'xlsx', header, rows };
}

function readCell(value: ExcelJS.CellValue): Cell | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return { kind: 'text', text: value };
  if (typeof value === 'number') return { kind: 'text', text: numberText(value) };
  if (typeof value === 'boolean') return { kind: 'text', text: value ? 'true' : 'false' };
  if (value instanceof Date) return { kind: 'text', text: value.toISOString().slice(0, 10) };
  if ('formula' in value || 'sharedFormula' in value) return { kind: 'formula' };
  if ('richText' in value) return { kind: 'text', text: value.richText.map((r) => r.text).join('') };
  if ('text' in value) return { kind: 'text', text: String(value.text) };
  if ('error' in value) return { kind: 'text', text: '' };
  return undefined;
}

/** Spreadsheets store long codes as numbers: print them in full, never in exponent form. */
function numberText(value: number): string {
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

/**
 * Neutralises spreadsheet formula injection (OWASP "CSV injection") in a cell we export: text starting with
 * `=`, `+`, `-`, `@`, tab or carriage return is prefixed with a quote so that no spreadsheet evaluates it.
 */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One CSV line (RFC 4180 quoting) of safe cells. */
export function csvLine(values: readonly string[]): string {
  return values
    .map((v) => {
      const safe = safeCell(v);
      return /[",\r\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    })
    .join(',');
}
