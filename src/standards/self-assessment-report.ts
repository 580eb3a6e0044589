import { t, type Locale } from '../shared/messages.ts';
import { formatHueTime, startReportDocument } from '../shared/pdf.ts';
import type { Criterion, SelfAssessment } from './self-assessment.ts';

/**
 * The self-assessment evidence as a printable PDF, Vietnamese by default or English (set as every printable report,
 * see src/shared/pdf.ts).
 */

const formatDate = (iso: string, locale: Locale): string => formatHueTime(iso, locale);

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
  const { doc, done, line } = startReportDocument({
    title: `${t(locale, 'compliance.report.title')} — ${report.organisationName}`,
    locale,
    createdAt: report.generatedAt,
  });
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
