import { describe, expect, it } from 'vitest';
import { TtlCache } from './cache.ts';

describe('TtlCache', () => {
  it('serves a value until it expires, then loads again', async () => {
    let now = 0;
    let loads = 0;
    const cache = new TtlCache<number>(1000, 10, () => now);
    const load = async () => ++loads;
    expect(await cache.get('a', load)).toBe(1);
    now = 999;
    expect(await cache.get('a', load)).toBe(1);
    now = 1000;
    expect(await cache.get('a', load)).toBe(2);
  });

  it('shares one load between concurrent callers and never keeps a failure', async () => {
    let loads = 0;
    const cache = new TtlCache<number>(1000, 10);
    const [a, b] = await Promise.all([cache.get('k', async () => ++loads), cache.get('k', async () => ++loads)]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
    await expect(cache.get('x', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('x', async () => 7)).toBe(7);
  });

  it('within the grace after expiry, answers the value in hand while one reload runs, then the fresh value', async () => {
    let now = 0;
    let loads = 0;
    let release: () => void = () => undefined;
    const cache = new TtlCache<number>(1000, 10, () => now, 500);
    const slow = () => new Promise<number>((resolve) => (release = () => resolve(++loads)));
    const first = cache.get('a', slow);
    release();
    expect(await first).toBe(1);
    now = 1200;
    expect(await cache.get('a', slow)).toBe(1); // stale, reload started
    expect(await cache.get('a', slow)).toBe(1); // no second reload while the first runs
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(loads).toBe(2);
    expect(await cache.get('a', slow)).toBe(2);
    // Past the grace, nothing stale is answered: the caller waits for the load.
    now = 1200 + 1000 + 500;
    const late = cache.get('a', slow);
    release();
    expect(await late).toBe(3);
    // A failed background reload keeps the value in hand until the grace ends.
    now += 1100;
    expect(await cache.get('a', () => Promise.reject(new Error('down')))).toBe(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('a', async () => 9)).toBe(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('a', async () => 10)).toBe(9);
  });

  it('drops the oldest entry when full', async () => {
    const cache = new TtlCache<string>(1000, 2);
    await cache.get('a', async () => 'a1');
    await cache.get('b', async () => 'b1');
    await cache.get('c', async () => 'c1');
    expect(await cache.get('a', async () => 'a2')).toBe('a2');
    expect(await cache.get('c', async () => 'c2')).toBe('c1');
  });
});
