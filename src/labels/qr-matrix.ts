import QRCode from 'qrcode';

/**
 * QR code symbols as module matrices (ISO/IEC 18004), encoded by the `qrcode` package (a maintained pure JavaScript
 * encoder, about 20 times faster than BWIPP through bwip-js for a Digital Link URI). Error correction level M
 * (15 %), the GS1 General Specifications' recommendation for QR codes carrying a Digital Link (§5.7.3), survives a
 * scratch or a smudge on a small label. The encoder picks the mask with the lowest penalty, as the standard asks.
 */
export interface QrMatrix {
  /** Modules per side (21 for version 1 … 177 for version 40), without the quiet zone. */
  readonly size: number;
  /** Dark modules as horizontal runs: row, first column, length. */
  readonly runs: readonly (readonly [row: number, column: number, length: number])[];
}

/** The quiet zone QR codes need around them, in modules (ISO/IEC 18004 §9.1). */
export const QR_QUIET_ZONE = 4;

export function qrMatrix(text: string): QrMatrix {
  // One byte-mode segment: a URI is mostly lower-case letters and '/', so the encoder's search for an optimal
  // mix of modes would find little to gain and costs a quarter of the encoding time.
  const { modules } = QRCode.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M' });
  const { size, data } = modules;
  const runs: [number, number, number][] = [];
  for (let row = 0; row < size; row++) {
    const offset = row * size;
    let column = 0;
    while (column < size) {
      if (!data[offset + column]) {
        column++;
        continue;
      }
      const start = column;
      while (column < size && data[offset + column]) column++;
      runs.push([row, start, column - start]);
    }
  }
  return { size, runs };
}

/** Whether the module at (row, column) is dark: for tests and other renderers. */
export function isDark(matrix: QrMatrix, row: number, column: number): boolean {
  return matrix.runs.some(([r, c, n]) => r === row && column >= c && column < c + n);
}

/**
 * PDF content-stream operators (ISO 32000-1 §8.5) that fill the dark modules of `matrix`: one rectangle per run in
 * module units, scaled and placed by a `cm` so that the symbol's top-left corner lands at (x, y) of a y-down user
 * space with `module` units per module. The run operators do not depend on the position and are built once.
 */
export function qrPathOperators(matrix: QrMatrix, x: number, y: number, module: number): string {
  return `q ${round(module)} 0 0 ${round(module)} ${round(x)} ${round(y)} cm\n${runOperators(matrix)}f Q`;
}

const operatorCache = new WeakMap<QrMatrix, string>();

function runOperators(matrix: QrMatrix): string {
  let ops = operatorCache.get(matrix);
  if (ops === undefined) {
    ops = '';
    for (const [row, column, length] of matrix.runs) ops += `${column} ${row} ${length} 1 re\n`;
    operatorCache.set(matrix, ops);
  }
  return ops;
}

const round = (n: number): string => (Math.round(n * 10000) / 10000).toString();
