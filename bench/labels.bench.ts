/**
 * `npm run bench -- labels [--stamps 10000] [--layout a4-21|a4-40|a4-65|all] [--baseline 200]`
 *
 * Label sheets of a serialized stamp batch: the whole PDF of `--stamps` labels (QR code of the Digital Link,
 * product name, GTIN, serial, lot and scratch-off code on each), streamed to a byte counter, as labels per second;
 * against bwip-js rendering one Digital Link QR code as SVG (the reference of DESIGN.md §6), as renders per second
 * measured in the same run. Also shown: the QR encoding alone (module matrix + runs), the part the sheet spends on
 * codes. Target: ≥ 2,000 labels/s on the 10,000-stamp batch.
 */
import bwipjs from 'bwip-js';
import { labelSheetPdf } from '../src/labels/label-sheet.ts';
import { isLabelLayoutId, LABEL_LAYOUT_IDS, LABEL_LAYOUTS } from '../src/labels/layouts.ts';
import { qrMatrix } from '../src/labels/qr-matrix.ts';
import { generateSerials } from '../src/labels/serial.ts';
import { verificationCode } from '../src/labels/verification-code.ts';
import { fmt, option } from './measure.ts';

const STEM = 'https://truyxuat.hue.gov.vn';
const GTIN = '08938505974019';

export default async function labelsBench(args: string[]): Promise<void> {
  const stamps = Number(option(args, 'stamps') ?? 10_000);
  const baselineRenders = Number(option(args, 'baseline') ?? 200);
  const layoutArg = option(args, 'layout') ?? 'a4-21';
  const layouts = layoutArg === 'all' ? LABEL_LAYOUT_IDS : [layoutArg];
  for (const id of layouts) if (!isLabelLayoutId(id)) throw new Error(`unknown layout ${id}`);

  const secret = Buffer.alloc(32, 7);
  const labels = generateSerials(stamps).map((serial) => ({
    uri: `${STEM}/01/${GTIN}/21/${serial}`,
    serial,
    lot: 'MX-260618',
    verificationCode: verificationCode(secret, GTIN, serial),
  }));

  // Baseline: bwip-js, one QR code of the same kind of Digital Link rendered as SVG.
  // The options barcode.ts uses for a QR code (eclevel is a BWIPP option the typings do not list).
  const qr = (text: string) => bwipjs.toSVG({ bcid: 'qrcode', text, eclevel: 'M' } as bwipjs.RenderOptions);
  for (let i = 0; i < 5; i++) qr(labels[i]!.uri);
  let t0 = performance.now();
  for (let i = 0; i < baselineRenders; i++) qr(labels[i % labels.length]!.uri);
  const bwipPerSecond = (baselineRenders * 1000) / (performance.now() - t0);

  const encodeCount = Math.min(stamps, 2000);
  t0 = performance.now();
  for (let i = 0; i < encodeCount; i++) qrMatrix(labels[i]!.uri);
  const encodePerSecond = (encodeCount * 1000) / (performance.now() - t0);

  console.log(`label sheets: ${fmt(stamps, 0)} stamps, Digital Links of ${labels[0]!.uri.length} characters`);
  console.log(
    `  bwip-js single QR render (SVG):  ${fmt(bwipPerSecond, 0)} /s   (baseline, ${baselineRenders} renders)`,
  );
  console.log(`  QR module matrix alone:          ${fmt(encodePerSecond, 0)} /s`);
  for (const id of layouts) {
    if (!isLabelLayoutId(id)) continue;
    const layout = LABEL_LAYOUTS[id];
    const start = performance.now();
    const pdf = labelSheetPdf({
      layout,
      productName: 'Mè xửng Hương Xưa hộp 250 g',
      gtin: GTIN,
      title: 'Tem truy xuất nguồn gốc',
      codeCaption: 'Cào lấy mã xác thực',
      labels: (function* () {
        for (let i = 0; i < labels.length; i += 2000) yield labels.slice(i, i + 2000);
      })(),
    });
    let bytes = 0;
    for await (const chunk of pdf) bytes += (chunk as Buffer).length;
    const ms = performance.now() - start;
    const perSecond = (stamps * 1000) / ms;
    const pages = Math.ceil(stamps / (layout.columns * layout.rows));
    console.log(
      `  ${id} sheet PDF: ${fmt(perSecond, 0)} labels/s  (${fmt(ms / 1000, 2)} s, ${pages} pages, ` +
        `${fmt(bytes / 1e6, 1)} MB)  = ${fmt(perSecond / bwipPerSecond, 1)}× bwip-js single render` +
        `  [target ≥ 2,000 labels/s: ${perSecond >= 2000 ? 'met' : 'not met'}]`,
    );
  }
}
