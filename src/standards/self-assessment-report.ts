import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { t, type Locale } from '../shared/messages.ts';
import type { Criterion, SelfAssessment } from './self-assessment.ts';

/**
 * The self-assessment evidence as a printable PDF, Vietnamese by default or English, set in DejaVu Sans (from the
 * `dejavu-fonts-ttf` package, as the recall report) so every Vietnamese glyph prints and the text stays extractable.
 */

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

function formatDate(iso: string, locale: Locale): string {
  // Huế time (UTC+7).
  const d = new Date(Date.parse(iso) + 7 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const date =
    locale === 'vi'
      ? `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`
      : `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} (UTC+7)`;
}

function factValue(key: string, value: string | number | null, locale: Locale): string {
  if (value === null) return t(locale, 'compliance.report.noData');
  if (key === 'firstEventAt' && typeof value === 'string') return formatDate(value, locale);
  return typeof value === 'number' ? value.toLocaleString(locale === 'vi' ? 'vi-VN' : 'en-GB') : value;
}

function criterionLines(c: Criterion, locale: Locale): string[] {
  const percent = (share: number) =>
    `${(share * 100).toLocaleString(locale === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 })} %`;
  return [
    ...c.measures.map(
      (m) =>
        `${t(locale, `compliance.measure.${m.key}`)}: ${
          m.share === null
            ? t(locale, 'compliance.report.noData')
            : `${m.numerator}/${m.denominator} (${percent(m.share)})`
        }`,
    ),
    ...Object.entries(c.facts).map(([k, v]) => `${t(locale, `compliance.fact.${k}`)}: ${factValue(k, v, locale)}`),
  ];
}

export async function selfAssessmentPdf(report: SelfAssessment, locale: Locale): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    info: {
      Title: `${t(locale, 'compliance.report.title')} — ${report.organisationName}`,
      Creator: t(locale, 'app.name'),
      CreationDate: report.generatedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const line = (label: string, value: string) =>
    doc.font('bold').fontSize(10).text(`${label}: `, { continued: true }).font('body').text(value);
  const verdict = (v: SelfAssessment['verdict']) => t(locale, `compliance.verdict.${v}`);

  doc.font('bold').fontSize(17).text(t(locale, 'compliance.report.title'));
  doc.font('body').fontSize(9).text(t(locale, 'app.name')).moveDown(0.5);
  line(t(locale, 'compliance.report.organisation'), report.organisationName);
  line(t(locale, 'compliance.report.basis'), report.basis);
  line(t(locale, 'compliance.report.generatedAt'), formatDate(report.generatedAt.toISOString(), locale));
  line(t(locale, 'compliance.report.overall'), verdict(report.verdict));
  doc.moveDown(0.5).font('body').fontSize(8.5).fillColor('#444').text(t(locale, 'compliance.report.note'));
  doc.fillColor('black');

  report.criteria.forEach((c, i) => {
    doc
      .moveDown(0.8)
      .font('bold')
      .fontSize(12)
      .text(`${i + 1}. ${t(locale, `compliance.criterion.${c.id}`)}`);
    doc.font('bold').fontSize(10).text(verdict(c.verdict)).moveDown(0.2);
    doc.font('body').fontSize(10);
    for (const text of criterionLines(c, locale)) doc.text(`• ${text}`, { indent: 8 });
  });
  doc.end();
  return done;
}
