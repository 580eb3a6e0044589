import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { t, type Locale } from './messages.ts';

/**
 * Printable A4 reports (recall report, self-assessment evidence): set in DejaVu Sans, shipped by the
 * `dejavu-fonts-ttf` package rather than taken from the system, which has every Vietnamese glyph, so the text is
 * both readable and extractable. Fonts are registered as `body` and `bold`.
 */
const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export interface ReportDocument {
  readonly doc: PDFKit.PDFDocument;
  /** The whole file, once `doc.end()` has been called. */
  readonly done: Promise<Buffer>;
  /** A bold label followed by its value on one line. */
  readonly line: (label: string, value: string) => void;
}

export function startReportDocument(info: { title: string; locale: Locale; createdAt: Date }): ReportDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    info: { Title: info.title, Creator: t(info.locale, 'app.name'), CreationDate: info.createdAt },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const line = (label: string, value: string): void => {
    doc.font('bold').fontSize(10).text(`${label}: `, { continued: true }).font('body').text(value);
  };
  return { doc, done, line };
}

/** A moment in Huế time (UTC+7): dd/mm/yyyy in Vietnamese, yyyy-mm-dd in English, with the time. */
export function formatHueTime(iso: string, locale: Locale, withSeconds = false): string {
  const d = new Date(Date.parse(iso) + 7 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const date =
    locale === 'vi'
      ? `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`
      : `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${withSeconds ? `:${pad(d.getUTCSeconds())}` : ''}`;
  return `${date} ${time} (UTC+7)`;
}
