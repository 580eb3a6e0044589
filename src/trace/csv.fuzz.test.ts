import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell } from '../federation/open-data.service.ts';
import { stampsCsv } from '../labels/stamps-csv.ts';
import { csvLine } from '../registry/import.sheet.ts';
import { csvField } from './fsma-sheet.ts';

/**
 * Every CSV the system writes (trace FSMA sheets and stamp lists through `csvField`, open data through `csvCell`,
 * import templates through `csvLine`), fed arbitrary text: read back by a CSV parser with either separator a
 * spreadsheet may use (`,` or `;`), each row has its cells unchanged except that text a spreadsheet would run as a
 * formula (`= + - @`, tab, CR first) now starts with an apostrophe. FUZZ_RUNS raises the number of cases.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 0) || undefined;
const runs = (ci: number) => ({ numRuns: RUNS ?? ci });
const TIMEOUT = RUNS ? 3_600_000 : undefined;

const FORMULA = /^[=+\-@\t\r]/;
const tricky = fc.string({ unit: fc.constantFrom(...'=+-@\t\r\n;,"\' aZ0é\u202E'), maxLength: 12 });
const cellText = fc.oneof(fc.string({ maxLength: 30 }), tricky, fc.string({ unit: 'grapheme', maxLength: 30 }));
const rowOf = fc.array(cellText, { minLength: 1, maxLength: 6 });

const expected = (cells: readonly string[]) => cells.map((c) => (FORMULA.test(c) ? `'${c}` : c));

/** A CSV text read back: each line's cells, quoted ones unquoted. */
function readBack(text: string, delimiter: string): string[][] {
  return parseCsv(text, { delimiter, relax_column_count: true, record_delimiter: ['\r\n'] });
}

const writers: [string, (cells: readonly string[]) => string][] = [
  ['csvField (FSMA sheets, stamps)', (cells) => cells.map(csvField).join(',')],
  ['csvCell (open data)', (cells) => cells.map(csvCell).join(',')],
  ['csvLine (import templates)', (cells) => csvLine(cells)],
];

describe('CSV writers: formula-safe, one cell per value whatever the separator', () => {
  for (const [name, write] of writers) {
    it(
      name,
      () =>
        fc.assert(
          fc.property(rowOf, (cells) => {
            const line = `${write(cells)}\r\n`;
            expect(readBack(line, ',')).toEqual([expected(cells)]);
            // A value with ';' is quoted, so a spreadsheet splitting on semicolons keeps it whole.
            cells.forEach((c) => {
              if (c.includes(';')) expect(write([c]).startsWith('"')).toBe(true);
            });
          }),
          runs(2_000),
        ),
      TIMEOUT,
    );
  }

  it(
    'stampsCsv: a hostile lot name is one neutralised cell',
    () =>
      fc.assert(
        fc.property(cellText, (lot) => {
          const text = stampsCsv(
            '08936000190019',
            [{ sequence: 1, serial: 'A1', uri: 'https://id.gs1.org/01/08936000190019/21/A1', lot } as never],
            false,
          );
          const rows = readBack(text, ',');
          expect(rows[1]![4]).toBe(expected([lot])[0]);
        }),
        runs(2_000),
      ),
    TIMEOUT,
  );
});
