import { csvField } from '../trace/fsma-sheet.ts';
import type { LabelContent } from './label-sheet.ts';

/**
 * Stamps as CSV for industrial (thermal transfer, inkjet) printers whose software merges one row per label: the
 * sequence number, the serial, the Digital Link the QR code must encode, the GS1 element string in human-readable
 * form `(01)…(21)…` (for a GS1 DataMatrix or GS1-128 where a QR code does not fit), the lot when bound, and the
 * scratch-off code when the batch has them. RFC 4180 with CRLF; text a spreadsheet would read as a formula gets a
 * leading apostrophe (OWASP CSV injection).
 */
export function stampsCsv(
  gtin: string,
  rows: readonly (LabelContent & { sequence: number })[],
  withVerificationCode: boolean,
): string {
  const header = ['sequence', 'serial', 'digital_link', 'element_string', 'lot'];
  if (withVerificationCode) header.push('verification_code');
  const lines = [header.map(csvField).join(',')];
  for (const r of rows) {
    const cells: (string | number | null)[] = [r.sequence, r.serial, r.uri, `(01)${gtin}(21)${r.serial}`, r.lot];
    if (withVerificationCode) cells.push(r.verificationCode);
    lines.push(cells.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
