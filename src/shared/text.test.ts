import { describe, expect, it } from 'vitest';
import { escapeLike, foldForSearch } from './text.ts';

describe('foldForSearch', () => {
  it('drops Vietnamese diacritics and đ', () => {
    expect(foldForSearch('Mè xửng Huế')).toBe('me xung hue');
    expect(foldForSearch('Đặc sản  ĐÔNG BA')).toBe('dac san dong ba');
    expect(foldForSearch('Nước mắm Phú Thuận')).toBe('nuoc mam phu thuan');
  });
  it('treats precomposed and decomposed input alike', () => {
    expect(foldForSearch('m\u00e8 x\u1eedng')).toBe(foldForSearch('me\u0300 xu\u031b\u0309ng'));
  });
  it('escapes LIKE wildcards', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
  });
});
