import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('TRUYXUAT_TRUST_PROXY', () => {
  it('trusts no proxy unless told, so a client cannot choose its own address with X-Forwarded-For', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUYXUAT_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });

  it('takes true, a hop count, or a list of proxy addresses and networks', () => {
    expect(loadConfig({ TRUYXUAT_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUYXUAT_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUYXUAT_TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }).trustProxy).toEqual([
      '10.0.0.1',
      '10.1.0.0/16',
    ]);
  });
});
