import { t, type Locale } from '../shared/messages.ts';
import { formatHueTime, startReportDocument } from '../shared/pdf.ts';
import type { RecallView } from './recall.service.ts';

/**
 * The report of a recall as PDF: what was recalled and why, the impact (lots with their quantities and holders,
 * organisations), the acknowledgements and the stopwatch. Vietnamese by default, English labels on request
 * (set as every printable report, see src/shared/pdf.ts).
 */

function formatTime(iso: string | null, locale: Locale): string {
  return iso ? formatHueTime(iso, locale, true) : '—';
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', `${s % 60} s`].filter(Boolean);
  return parts.join(' ');
}

export async function recallReportPdf(recall: RecallView, locale: Locale, generatedAt = new Date()): Promise<Buffer> {
  const { doc, done, line } = startReportDocument({
    title: `${t(locale, 'recall.report.title')} ${recall.id}`,
    locale,
    createdAt: generatedAt,
  });
  const L = (key: string, params?: Record<string, string | number>) => t(locale, `recall.report.${key}`, params);
  const heading = (text: string) => doc.moveDown(0.8).font('bold').fontSize(13).text(text).moveDown(0.3);
  const orgName = new Map(recall.impact.organisations.map((o) => [o.id, o.name]));

  doc
    .font('bold')
    .fontSize(18)
    .text(recall.mock ? L('titleMock') : L('title'));
  doc.font('body').fontSize(9).text(t(locale, 'app.name')).moveDown(0.5);
  line(L('id'), recall.id);
  line(L('reason'), recall.reason);
  line(L('severity'), L(`severity.${recall.severity}`));
  line(L('status'), L(`status.${recall.status}`));
  line(L('openedAt'), formatTime(recall.openedAt, locale));
  line(L('closedAt'), formatTime(recall.closedAt, locale));
  line(L('generatedAt'), formatTime(generatedAt.toISOString(), locale));

  heading(L('lots'));
  doc.font('body').fontSize(10);
  for (const lot of recall.lots) doc.text(`• ${lot}`);

  heading(L('impact'));
  doc.font('body').fontSize(10);
  if (recall.impact.lots.length === 0) doc.text(L('none'));
  for (const lot of recall.impact.lots) {
    const qty = lot.quantities.map((q) => `${q.quantity} ${q.uom}`).join(', ') || '—';
    doc
      .font('bold')
      .text(lot.productName ?? lot.identifier)
      .font('body')
      .text(`${lot.identifier}`, { indent: 12 })
      .text(`${L('depth')}: ${lot.depth} · ${L('quantity')}: ${qty}`, { indent: 12 })
      .text(`${L('holders')}: ${lot.organisations.map((o) => o.name).join(', ') || '—'}`, { indent: 12 })
      .moveDown(0.3);
  }

  heading(L('organisations'));
  doc.font('body').fontSize(10);
  for (const org of recall.impact.organisations) doc.text(`• ${org.name}`);
  if (recall.impact.organisations.length === 0) doc.text(L('none'));

  heading(L('acknowledgements'));
  doc.font('body').fontSize(10);
  for (const a of recall.acknowledgements) {
    const who = orgName.get(a.organisationId) ?? a.organisationId;
    const when = a.acknowledgedAt ? formatTime(a.acknowledgedAt, locale) : L('notAcknowledged');
    doc.text(`• ${who}: ${when}${a.note ? ` — ${a.note}` : ''}`);
  }
  if (recall.acknowledgements.length === 0) doc.text(L('none'));

  heading(t(locale, 'trace.report.actions'));
  doc.font('body').fontSize(10);
  for (const a of recall.actions) {
    const text = t(locale, 'trace.report.actionLine', {
      organisation: a.organisationName,
      action: t(locale, `trace.action.${a.action}`),
      quantity: a.quantity.toLocaleString(locale === 'vi' ? 'vi-VN' : 'en-GB'),
      uom: a.uom,
      lot: a.productName ? `${a.productName} ${a.lot}` : a.lot,
    });
    doc.text(`• ${formatTime(a.recordedAt, locale)} — ${text}${a.note ? ` (${a.note})` : ''}`);
  }
  if (recall.actions.length === 0) doc.text(L('none'));

  heading(recall.mock ? L('stopwatchMock') : L('stopwatch'));
  doc.font('body').fontSize(10);
  for (const s of recall.timings.steps)
    doc.text(`• ${L(`step.${s.step}`)}: ${formatTime(s.at, locale)} (${formatDuration(s.durationMs)})`);
  doc
    .moveDown(0.3)
    .font('bold')
    .text(
      `${L('total')}: ${formatDuration(recall.timings.totalMs)}${recall.timings.complete ? '' : ` (${L('incomplete')})`}`,
    );
  doc.end();
  return done;
}
