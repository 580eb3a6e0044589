import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.ts';
import { consumerPath, parseConsumerPath } from './portal.service.ts';

describe('consumer page paths', () => {
  it('reads a GTIN, a lot and a serial, zero-padding a GTIN-13', () => {
    expect(parseConsumerPath('/01/8936000170011')).toEqual({ gtin: '08936000170011', lot: null, serial: null });
    expect(parseConsumerPath('/01/08936000170011/10/TT%2F26-A/21/X1')).toEqual({
      gtin: '08936000170011',
      lot: 'TT/26-A',
      serial: 'X1',
    });
    expect(parseConsumerPath('/01/08936000170011/22/2A/10/L1')).toMatchObject({ lot: 'L1', serial: null });
  });

  it('writes the path back with Digital Link escaping', () => {
    const key = { gtin: '08936000170011', lot: "TT/26-A!'", serial: 'X1' };
    const path = consumerPath(key);
    expect(path).toBe('/p/01/08936000170011/10/TT%2F26-A%21%27/21/X1');
    expect(parseConsumerPath(path.slice(2))).toEqual(key);
  });

  it('refuses anything that is not a GTIN Digital Link', () => {
    for (const path of ['/', '/01/123', '/01/08936000170012', '/414/8936000170100', '/01/08936000170011/10/', '/00/1'])
      expect(() => parseConsumerPath(path), path).toThrow(AppError);
  });
});
