import { crc32 } from 'node:zlib';
import bwipjs from 'bwip-js';
import { buildDigitalLink, parseDigitalLink } from './digital-link.ts';
import { buildElementString, parseElementString } from './element-string.ts';
import { Gs1Error } from './errors.ts';
import { parseGtin } from './keys.ts';
import type { AiElement } from './validate.ts';

/**
 * Barcode rendering with bwip-js (BWIPP): GS1 Digital Link QR (GS1 General Specifications §5.7 and GS1 Digital Link
 * URI Syntax §8), GS1 DataMatrix (§5.6), GS1-128 (§5.4) and EAN-13 / EAN-8 / UPC-A (§5.2), as SVG or PNG, black on
 * white with the quiet zone each symbology needs (§5.x "quiet zone"), sized for a print resolution.
 */
export type BarcodeSymbology = 'qr' | 'datamatrix' | 'gs1-128' | 'ean13' | 'ean8' | 'upca';
export type BarcodeFormat = 'svg' | 'png';

export interface BarcodeOptions {
  readonly symbology: BarcodeSymbology;
  readonly format: BarcodeFormat;
  /** Print resolution in dots per inch (default 300); with `moduleMm` it sets the pixels per module of a PNG. */
  readonly dpi?: number;
  /** X-dimension (module width) in millimetres; defaults per symbology (QR/DataMatrix 0.5, GS1-128 0.495, EAN 0.33). */
  readonly moduleMm?: number;
  /** Pixels per module, overriding `dpi` and `moduleMm`. */
  readonly scale?: number;
  /** Host and path prefix when a QR code is built from element strings (default `https://id.gs1.org`). */
  readonly stem?: string;
  /** Human-readable interpretation under linear symbols (default true). */
  readonly includeText?: boolean;
}

export interface RenderedBarcode {
  readonly symbology: BarcodeSymbology;
  readonly format: BarcodeFormat;
  readonly mimeType: 'image/svg+xml' | 'image/png';
  /** SVG text or PNG bytes. */
  readonly data: string | Buffer;
  /**
   * What a scanner transmits after the symbology identifier: the URI for QR, the element strings with GS (0x1D) as
   * FNC1 separator for GS1 DataMatrix and GS1-128, the digits for EAN/UPC.
   */
  readonly payload: string;
  /** Pixels per module used. */
  readonly scale: number;
}

/** Quiet zone in modules (GS1 General Specifications figure 5.x symbol specification tables). */
const QUIET_ZONE: Record<BarcodeSymbology, [number, number]> = {
  qr: [4, 4],
  datamatrix: [1, 1],
  'gs1-128': [10, 10],
  ean13: [11, 7],
  ean8: [7, 7],
  upca: [9, 9],
};
const DEFAULT_MODULE_MM: Record<BarcodeSymbology, number> = {
  qr: 0.5,
  datamatrix: 0.5,
  'gs1-128': 0.495,
  ean13: 0.33,
  ean8: 0.33,
  upca: 0.33,
};
const BCID: Record<BarcodeSymbology, string> = {
  qr: 'qrcode',
  datamatrix: 'gs1datamatrix',
  'gs1-128': 'gs1-128',
  ean13: 'ean13',
  ean8: 'ean8',
  upca: 'upca',
};

type BarcodeInput = string | readonly AiElement[];

function elementsOf(input: BarcodeInput): AiElement[] {
  if (typeof input !== 'string') return [...input];
  if (/^https?:\/\//i.test(input)) return parseDigitalLink(input).elements;
  if (/^\d+$/.test(input)) return [{ ai: '01', value: parseGtin(input).gtin14 }];
  return parseElementString(input).elements;
}

/** The data to encode for a symbology (bwip-js text) and what a scanner will return. */
function content(input: BarcodeInput, options: BarcodeOptions): { text: string; payload: string } {
  switch (options.symbology) {
    case 'qr': {
      if (typeof input === 'string' && /^https?:\/\//i.test(input)) {
        parseDigitalLink(input);
        return { text: input, payload: input };
      }
      const uri = buildDigitalLink(elementsOf(input), { stem: options.stem ?? null });
      return { text: uri, payload: uri };
    }
    case 'datamatrix':
    case 'gs1-128': {
      const elements = elementsOf(input);
      // BWIPP reads bracketed AI syntax; a literal parenthesis cannot be expressed in it.
      const odd = elements.find((e) => /[()]/.test(e.value));
      if (odd) throw new Gs1Error('invalid_value', 'parentheses cannot be encoded by the barcode generator', odd.ai);
      return {
        text: elements.map((e) => `(${e.ai})${e.value}`).join(''),
        payload: buildElementString(elements, { form: 'raw' }),
      };
    }
    case 'ean13':
    case 'ean8':
    case 'upca': {
      const gtin = elementsOf(input).find((e) => e.ai === '01');
      if (!gtin) throw new Gs1Error('not_a_primary_key', 'an EAN/UPC symbol carries a GTIN (01)');
      const digits = { ean13: 13, ean8: 8, upca: 12 }[options.symbology];
      const lead = gtin.value.slice(0, 14 - digits);
      if (!/^0*$/.test(lead))
        throw new Gs1Error(
          'invalid_value',
          `this GTIN does not fit a ${digits}-digit ${options.symbology.toUpperCase()} symbol`,
          '01',
        );
      const text = gtin.value.slice(14 - digits);
      return { text, payload: text };
    }
  }
}

/**
 * Renders a barcode for a GS1 Digital Link URI, element strings (bracketed or raw), a bare GTIN or AI elements.
 * The data is validated first (Gs1Error on any problem); the symbol is black on a white background with its quiet
 * zone; `dpi` and `moduleMm` choose the pixels per module.
 */
export async function renderBarcode(input: BarcodeInput, options: BarcodeOptions): Promise<RenderedBarcode> {
  const { text, payload } = content(input, options);
  const moduleMm = options.moduleMm ?? DEFAULT_MODULE_MM[options.symbology];
  const dpi = options.dpi ?? 300;
  const scale = options.scale ?? Math.max(1, Math.round((moduleMm * dpi) / 25.4));
  const [left, right] = QUIET_ZONE[options.symbology];
  const linear = options.symbology !== 'qr' && options.symbology !== 'datamatrix';
  const render = {
    bcid: BCID[options.symbology],
    text,
    scale,
    backgroundcolor: 'FFFFFF',
    barcolor: '000000',
    paddingleft: left,
    paddingright: right,
    paddingtop: linear ? 2 : left,
    paddingbottom: linear ? 2 : left,
    ...(linear ? { includetext: options.includeText ?? true, height: options.symbology === 'gs1-128' ? 15 : 22 } : {}),
    ...(options.symbology === 'qr' ? { eclevel: 'M' } : {}),
  } as bwipjs.RenderOptions;
  try {
    if (options.format === 'svg') {
      const svg = withPhysicalSize(bwipjs.toSVG(render), scale, moduleMm);
      return { symbology: options.symbology, format: 'svg', mimeType: 'image/svg+xml', data: svg, payload, scale };
    }
    const dpiUsed = options.dpi ?? (options.scale !== undefined ? (scale * 25.4) / moduleMm : dpi);
    const png = withPngResolution(await bwipjs.toBuffer(render), dpiUsed);
    return { symbology: options.symbology, format: 'png', mimeType: 'image/png', data: png, payload, scale };
  } catch (e) {
    if (e instanceof Gs1Error) throw e;
    throw new Gs1Error('invalid_value', `the barcode generator refused the data: ${String(e)}`);
  }
}

/** Adds width and height in millimetres so the SVG prints at the intended module size. */
function withPhysicalSize(svg: string, scale: number, moduleMm: number): string {
  return svg.replace(/^<svg viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/, (_m, w: string, h: string) => {
    const mm = (px: string) => ((Number(px) / scale) * moduleMm).toFixed(2);
    return `<svg width="${mm(w)}mm" height="${mm(h)}mm" viewBox="0 0 ${w} ${h}"`;
  });
}

/** Sets the PNG `pHYs` chunk (ISO/IEC 15948 §11.3.5.3) so that printing software keeps the intended size. */
function withPngResolution(png: Buffer, dpi: number): Buffer {
  const ppm = Math.round(dpi / 0.0254);
  const chunk = Buffer.alloc(21);
  chunk.writeUInt32BE(9, 0);
  chunk.write('pHYs', 4, 'ascii');
  chunk.writeUInt32BE(ppm, 8);
  chunk.writeUInt32BE(ppm, 12);
  chunk.writeUInt8(1, 16); // unit: metre
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 17)), 17);
  const afterHeader = 8 + 12 + png.readUInt32BE(8); // signature + IHDR chunk
  return Buffer.concat([png.subarray(0, afterHeader), chunk, png.subarray(afterHeader)]);
}
