import QRCode from 'qrcode';

/**
 * QR code symbols as module matrices (ISO/IEC 18004), encoded by the `qrcode` package (a maintained pure JavaScript
 * encoder, about 20 times faster than BWIPP through bwip-js for a Digital Link URI). Error correction level M
 * (15 %), the GS1 General Specifications' recommendation for QR codes carrying a Digital Link (§5.7.3), survives a
 * scratch or a smudge on a small label. The mask is the one with the lowest penalty, as the standard asks.
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
  // mix of modes would find little to gain and costs a quarter of the encoding time. The encoder places the data
  // under mask 0; the mask is then chosen here by the same penalty rules (`bestMasked`), several times faster than
  // the encoder's own search and with the same result.
  const { modules } = QRCode.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    maskPattern: 0,
  });
  const { size } = modules;
  const data = bestMasked(size, modules.data, modules.reservedBit);
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

/** Whether mask pattern `p` (ISO/IEC 18004 §7.8.2, table 10) flips the module at (i, j). */
function maskAt(p: number, i: number, j: number): boolean {
  switch (p) {
    case 0:
      return (i + j) % 2 === 0;
    case 1:
      return i % 2 === 0;
    case 2:
      return j % 3 === 0;
    case 3:
      return (i + j) % 3 === 0;
    case 4:
      return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0;
    case 5:
      return ((i * j) % 2) + ((i * j) % 3) === 0;
    case 6:
      return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0;
    default:
      return (((i * j) % 3) + ((i + j) % 2)) % 2 === 0;
  }
}

/** The 15 format information bits for error correction level M and mask `p` (ISO/IEC 18004 §7.9.1, BCH(15,5)). */
function formatBits(p: number): number {
  const data = (0b00 << 3) | p; // level M is 00
  let rem = data << 10;
  for (let bit = 14; bit >= 10; bit--) if ((rem >> bit) & 1) rem ^= 0x537 << (bit - 10);
  return ((data << 10) | rem) ^ 0x5412;
}

/** Indexes of the format information modules for bit i (the two copies), as the encoder places them. */
function formatPositions(size: number): [number, number][] {
  const at = (row: number, column: number) => row * size + column;
  const positions: [number, number][] = [];
  for (let i = 0; i < 15; i++) {
    const vertical = i < 6 ? at(i, 8) : i < 8 ? at(i + 1, 8) : at(size - 15 + i, 8);
    const horizontal = i < 8 ? at(8, size - i - 1) : i < 9 ? at(8, 15 - i) : at(8, 15 - i - 1);
    positions.push([vertical, horizontal]);
  }
  return positions;
}

/** Per symbol size: for each mask, which data modules it flips relative to mask 0 (mask 0 ⊕ mask p). */
const flipCache = new Map<number, Uint8Array[]>();

function flipsOf(size: number): Uint8Array[] {
  let flips = flipCache.get(size);
  if (!flips) {
    flips = [];
    for (let p = 0; p < 8; p++) {
      const flip = new Uint8Array(size * size);
      for (let i = 0; i < size; i++)
        for (let j = 0; j < size; j++) flip[i * size + j] = maskAt(0, i, j) !== maskAt(p, i, j) ? 1 : 0;
      flips.push(flip);
    }
    flipCache.set(size, flips);
  }
  return flips;
}

/**
 * The symbol under the mask with the lowest penalty (ISO/IEC 18004 §7.8.3: N1 runs, N2 blocks, N3 finder-like
 * patterns, N4 balance, scored exactly as the `qrcode` encoder scores them, the first of equal penalties winning),
 * given the symbol under mask 0 and its function-pattern modules.
 */
function bestMasked(size: number, masked0: Uint8Array, reserved: Uint8Array): Uint8Array {
  const flips = flipsOf(size);
  const positions = formatPositions(size);
  const candidate = new Uint8Array(size * size);
  let best: Uint8Array = masked0;
  let bestPenalty = Infinity;
  for (let p = 0; p < 8; p++) {
    const flip = flips[p]!;
    for (let k = 0; k < candidate.length; k++) candidate[k] = reserved[k] ? masked0[k]! : masked0[k]! ^ flip[k]!;
    const bits = formatBits(p);
    for (let i = 0; i < 15; i++) {
      const bit = (bits >> i) & 1;
      candidate[positions[i]![0]] = bit;
      candidate[positions[i]![1]] = bit;
    }
    const score = penalty(size, candidate, bestPenalty);
    if (score < bestPenalty) {
      bestPenalty = score;
      best = candidate.slice();
    }
  }
  return best;
}

/** The penalty of `m`, or some figure ≥ `bound` as soon as it is known to reach `bound` (it cannot win then). */
function penalty(size: number, m: Uint8Array, bound: number): number {
  let points = 0;
  let dark = 0;
  for (let a = 0; a < size; a++) {
    let runRow = 0;
    let runCol = 0;
    let lastRow = -1;
    let lastCol = -1;
    let bitsRow = 0;
    let bitsCol = 0;
    for (let b = 0; b < size; b++) {
      const h = m[a * size + b]!; // along row a
      const v = m[b * size + a]!; // along column a
      dark += h;
      if (h === lastRow) runRow++;
      else {
        if (runRow >= 5) points += 3 + runRow - 5;
        lastRow = h;
        runRow = 1;
      }
      if (v === lastCol) runCol++;
      else {
        if (runCol >= 5) points += 3 + runCol - 5;
        lastCol = v;
        runCol = 1;
      }
      bitsRow = ((bitsRow << 1) & 0x7ff) | h;
      bitsCol = ((bitsCol << 1) & 0x7ff) | v;
      if (b >= 10) {
        if (bitsRow === 0x5d0 || bitsRow === 0x05d) points += 40;
        if (bitsCol === 0x5d0 || bitsCol === 0x05d) points += 40;
      }
      if (a < size - 1 && b < size - 1) {
        const block = h + m[a * size + b + 1]! + m[(a + 1) * size + b]! + m[(a + 1) * size + b + 1]!;
        if (block === 0 || block === 4) points += 3;
      }
    }
    if (runRow >= 5) points += 3 + runRow - 5;
    if (runCol >= 5) points += 3 + runCol - 5;
    if (points >= bound) return points;
  }
  const total = size * size;
  return points + Math.abs(Math.ceil((dark * 100) / total / 5) - 10) * 10;
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
