/**
 * `npm run bench -- identifiers [seconds]`: GS1 Digital Link parses per second and barcode renders per second, each
 * beside a baseline measured in the same process — WHATWG `new URL()` for parsing, a raw bwip-js call with the same
 * options for rendering — so the ratio shows what validation and our wrapping cost.
 */
import bwipjs from 'bwip-js';
import {
  canonicalDigitalLink,
  compressDigitalLink,
  decompressDigitalLink,
  parseDigitalLink,
  parseElementString,
  renderBarcode,
} from '../src/identifiers/index.ts';
import { fmt, timeRepeated, type Stats } from './measure.ts';

const URI =
  'https://truyxuat.example.vn/hue/01/08931234560003/10/LO2611/21/A1B2C3?17=270630&3103=000750&linkType=gs1:pip';
const ELEMENTS = ']C1010893123456000310LO2611\x1d21A1B2C3\x1d172706303103000750';

export default async function run(args: string[]): Promise<void> {
  const ms = Number(args[0] ?? 2) * 1000;
  const line = (name: string, s: Stats, base?: Stats) =>
    console.log(
      `${name.padEnd(46)} ${fmt(s.perSecond, 0).padStart(10)} /s   p50 ${fmt(s.p50 * 1000, 1)} µs   p99 ${fmt(s.p99 * 1000, 1)} µs` +
        (base ? `   = ${fmt(s.perSecond / base.perSecond, 2)} × baseline` : ''),
    );
  console.log(`GS1 identifiers benchmark (${ms / 1000} s per measurement, Node ${process.version})\n`);

  const url = await timeRepeated(() => new URL(URI), ms);
  line('baseline: new URL(uri)', url);
  line('parseDigitalLink (validated)', await timeRepeated(() => parseDigitalLink(URI), ms), url);
  line('canonicalDigitalLink', await timeRepeated(() => canonicalDigitalLink(URI), ms), url);
  line('parseElementString (raw scan)', await timeRepeated(() => parseElementString(ELEMENTS), ms), url);
  const compressed = compressDigitalLink(URI);
  line('compressDigitalLink', await timeRepeated(() => compressDigitalLink(URI), ms), url);
  line('decompressDigitalLink', await timeRepeated(() => decompressDigitalLink(compressed), ms), url);

  const options = {
    bcid: 'qrcode',
    text: URI,
    scale: 6,
    backgroundcolor: 'FFFFFF',
    barcolor: '000000',
    padding: 4,
    eclevel: 'M',
  };
  console.log('');
  const rawSvg = await timeRepeated(() => bwipjs.toSVG({ ...options }), ms);
  line('baseline: bwip-js toSVG (qrcode)', rawSvg);
  line(
    'renderBarcode QR → SVG',
    await timeRepeated(() => renderBarcode(URI, { symbology: 'qr', format: 'svg' }), ms),
    rawSvg,
  );
  const rawPng = await timeRepeated(() => bwipjs.toBuffer({ ...options }), ms);
  line('baseline: bwip-js toBuffer (qrcode PNG)', rawPng);
  line(
    'renderBarcode QR → PNG',
    await timeRepeated(() => renderBarcode(URI, { symbology: 'qr', format: 'png' }), ms),
    rawPng,
  );
  line(
    'renderBarcode GS1 DataMatrix → SVG',
    await timeRepeated(() => renderBarcode(ELEMENTS, { symbology: 'datamatrix', format: 'svg' }), ms),
    rawSvg,
  );
}
