/** Small timing helpers shared by the benchmarks. */

export interface Stats {
  readonly count: number;
  readonly totalMs: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)]!;
}

export function summarise(samplesMs: readonly number[], totalMs?: number): Stats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const total = totalMs ?? sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    totalMs: total,
    perSecond: total > 0 ? (sorted.length * 1000) / total : Infinity,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

/** Runs `fn` repeatedly for at least `minMs` (after a warm-up) and returns per-call statistics. */
export async function timeRepeated(fn: () => unknown, minMs = 1000, warmup = 50): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  const start = performance.now();
  while (performance.now() - start < minMs) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarise(samples, performance.now() - start);
}

export const fmt = (n: number, digits = 1): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : String(n);

/** The value after `--name` on the command line, if any. */
export function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** A small seeded random generator, so that benchmark runs pick the same samples. */
export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
