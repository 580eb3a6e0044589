import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { LabelLayout } from './layouts.ts';
import { QR_QUIET_ZONE, qrMatrix, qrPathOperators, type QrMatrix } from './qr-matrix.ts';

/**
 * Printable label sheets (PDF) for serialized stamps. Each label carries the stamp's GS1 Digital Link QR code, the
 * product name, the GTIN, serial and lot as human-readable text in GS1 style (`(01) …`, `(21) …`, `(10) …`) and,
 * when the batch has them, the scratch-off code in a box where the coating goes.
 *
 * Speed: the QR symbol is encoded to a module matrix and drawn as vector rectangles, one per horizontal run of
 * dark modules, written straight into the page's content stream; text is set in DejaVu Sans (every Vietnamese
 * glyph) with measurements cached per batch. The document streams out page by page.
 */

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSansCondensed-Bold.ttf');
const FONT_MONO = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf');

const MM = 72 / 25.4;

export interface LabelContent {
  /** The Digital Link the QR code encodes. */
  readonly uri: string;
  readonly serial: string;
  readonly lot: string | null;
  readonly verificationCode: string | null;
}

export interface LabelSheetInput {
  readonly layout: LabelLayout;
  readonly productName: string;
  readonly gtin: string;
  readonly title: string;
  /** Caption above the scratch-off code, in the sheet's language. */
  readonly codeCaption: string;
  readonly labels: AsyncIterable<readonly LabelContent[]> | Iterable<readonly LabelContent[]>;
  readonly createdAt?: Date;
}

interface Geometry {
  readonly qrSide: number;
  readonly textX: number;
  readonly textWidth: number;
  readonly nameSize: number;
  readonly monoSize: number;
  readonly nameLines: readonly string[];
  readonly gtinText: string;
}

/** Splits `text` into at most `maxLines` lines that fit `width`, ending the last one with … when it is cut. */
function wrap(doc: PDFKit.PDFDocument, text: string, width: number, maxLines: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (doc.widthOfString(candidate) <= width || current === '') current = candidate;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current !== '') lines.push(current);
  if (lines.length <= maxLines && lines.every((l) => doc.widthOfString(l) <= width)) return lines;
  const kept = lines.slice(0, maxLines);
  let last = kept[maxLines - 1] ?? kept[kept.length - 1]!;
  while (last.length > 1 && doc.widthOfString(`${last}…`) > width) last = last.slice(0, -1);
  kept[kept.length - 1] = `${last.trimEnd()}…`;
  return kept;
}

function geometry(doc: PDFKit.PDFDocument, input: LabelSheetInput): Geometry {
  const { layout } = input;
  const padding = layout.padding * MM;
  const qrSide = layout.labelHeight * MM - 2 * padding;
  const textX = padding + qrSide + 0.8 * MM;
  const textWidth = layout.labelWidth * MM - textX - padding;
  // The widest fixed line is "(01) " + 14 digits: 19 monospaced characters of 0.602 em.
  const monoSize = Math.min(7, textWidth / (19 * 0.602));
  const nameSize = Math.min(8, monoSize * 1.1);
  doc.font('bold').fontSize(nameSize);
  const nameLines = wrap(doc, input.productName, textWidth, layout.labelHeight >= 30 ? 3 : 2);
  return { qrSide, textX, textWidth, nameSize, monoSize, nameLines, gtinText: `(01) ${input.gtin}` };
}

/**
 * Text set once, replayed many times. pdfkit lays out and encodes every string it draws; on a label sheet most
 * strings repeat (product name, GTIN, lot, captions), and the rest are monospaced. So each distinct string is drawn
 * once at the origin with pdfkit while its content-stream operators are captured, then replayed under a
 * translation; a monospaced string is assembled from the captured glyph codes of its characters. The first label
 * of every page is drawn by pdfkit itself, which puts the fonts in that page's resources.
 */
class TextOperators {
  private readonly strings = new Map<string, string>();
  private readonly glyphs = new Map<string, string>();
  private readonly monoFrame = new Map<number, readonly [string, string]>();

  constructor(private readonly doc: PDFKit.PDFDocument) {}

  private capture(font: string, size: number, text: string): string {
    const parts: string[] = [];
    const original = this.doc.addContent.bind(this.doc);
    this.doc.addContent = (data: string) => {
      parts.push(data);
      return this.doc;
    };
    try {
      this.doc.font(font).fontSize(size).text(text, 0, 0, { lineBreak: false });
    } finally {
      this.doc.addContent = original;
    }
    return parts.join('\n');
  }

  /** Operators that draw `text` with its top-left corner at (x, y). */
  text(font: string, size: number, text: string, x: number, y: number): string {
    const key = `${font}\0${size}\0${text}`;
    let ops = this.strings.get(key);
    if (ops === undefined) {
      ops = this.capture(font, size, text);
      this.strings.set(key, ops);
    }
    return `q 1 0 0 1 ${num(x)} ${num(y)} cm\n${ops}\nQ`;
  }

  /** The same for a string in the monospaced font, built from per-character glyph codes. */
  mono(size: number, text: string, x: number, y: number): string {
    let frame = this.monoFrame.get(size);
    if (frame === undefined) {
      const ops = this.capture('mono', size, 'M');
      const open = ops.indexOf('[<');
      const close = ops.indexOf('>', open);
      frame = [ops.slice(0, open + 2), ops.slice(close)];
      this.monoFrame.set(size, frame);
    }
    let hex = '';
    for (const c of text) {
      let code = this.glyphs.get(c);
      if (code === undefined) {
        const ops = this.capture('mono', size, c);
        const open = ops.indexOf('[<');
        code = ops.slice(open + 2, ops.indexOf('>', open));
        this.glyphs.set(c, code);
      }
      hex += code;
    }
    return `q 1 0 0 1 ${num(x)} ${num(y)} cm\n${frame[0]}${hex}${frame[1]}\nQ`;
  }
}

const num = (n: number): string => (Math.round(n * 1000) / 1000).toString();

function drawLabel(
  doc: PDFKit.PDFDocument,
  g: Geometry,
  input: LabelSheetInput,
  label: LabelContent,
  matrix: QrMatrix,
  x: number,
  y: number,
  cache: TextOperators | undefined,
): void {
  const padding = input.layout.padding * MM;
  const module = g.qrSide / (matrix.size + 2 * QR_QUIET_ZONE);
  const origin = QR_QUIET_ZONE * module;
  doc.addContent(qrPathOperators(matrix, x + padding + origin, y + padding + origin, module));

  const text = (font: string, size: number, value: string, tx: number, ty: number) => {
    if (cache === undefined) doc.font(font).fontSize(size).text(value, tx, ty, { lineBreak: false });
    else doc.addContent(cache.text(font, size, value, tx, ty));
  };
  const mono = (size: number, value: string, tx: number, ty: number) => {
    if (cache === undefined) doc.font('mono').fontSize(size).text(value, tx, ty, { lineBreak: false });
    else doc.addContent(cache.mono(size, value, tx, ty));
  };
  let ty = y + padding + 0.2 * MM;
  const tx = x + g.textX;
  for (const line of g.nameLines) {
    text('bold', g.nameSize, line, tx, ty);
    ty += g.nameSize * 1.15;
  }
  ty += g.monoSize * 0.3;
  text('mono', g.monoSize, g.gtinText, tx, ty);
  ty += g.monoSize * 1.2;
  mono(g.monoSize, `(21) ${label.serial}`, tx, ty);
  ty += g.monoSize * 1.2;
  if (label.lot !== null) {
    const lotText = `(10) ${label.lot}`;
    const size = Math.min(g.monoSize, g.textWidth / (lotText.length * 0.602));
    text('mono', size, lotText, tx, ty);
    ty += g.monoSize * 1.2;
  }
  if (label.verificationCode !== null) {
    const code = `${label.verificationCode.slice(0, 4)} ${label.verificationCode.slice(4)}`;
    const size = g.monoSize * 1.1;
    const bottom = y + input.layout.labelHeight * MM - padding;
    const boxHeight = size * 1.5;
    const boxY = Math.max(ty + g.monoSize * 1.1, bottom - boxHeight);
    text('body', g.monoSize * 0.8, input.codeCaption, tx, boxY - g.monoSize * 0.95);
    doc
      .rect(tx, boxY, Math.min(g.textWidth, code.length * size * 0.602 + size), boxHeight)
      .lineWidth(0.4)
      .stroke();
    mono(size, code, tx + size * 0.5, boxY + size * 0.3);
  }
}

/**
 * The label sheet as a PDF stream: one A4 page per `columns × rows` labels, in the order given. The stream ends
 * after the last label; an error while reading the labels destroys it with that error.
 */
export function labelSheetPdf(input: LabelSheetInput): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    info: { Title: input.title, Creator: 'truyxuat', CreationDate: input.createdAt ?? new Date() },
  });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  doc.registerFont('mono', FONT_MONO);
  const { layout } = input;
  const perPage = layout.columns * layout.rows;
  void (async () => {
    let g: Geometry | undefined;
    const cache = new TextOperators(doc);
    let index = 0;
    for await (const chunk of input.labels) {
      for (const label of chunk) {
        const slot = index % perPage;
        if (slot === 0) doc.addPage({ size: 'A4', margin: 0 });
        g ??= geometry(doc, input);
        const column = slot % layout.columns;
        const row = Math.floor(slot / layout.columns);
        const x = (layout.left + column * layout.horizontalPitch) * MM;
        const y = (layout.top + row * layout.verticalPitch) * MM;
        doc.fillColor('black');
        drawLabel(doc, g, input, label, qrMatrix(label.uri), x, y, slot === 0 ? undefined : cache);
        index++;
      }
    }
    if (index === 0) doc.addPage({ size: 'A4', margin: 0 });
    doc.end();
  })().catch((e: unknown) => doc.destroy(e instanceof Error ? e : new Error(String(e))));
  return doc;
}

/** Collects a PDF stream into one buffer (tests, benchmarks, small sheets). */
export async function pdfBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of doc) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
