import { describe, expect, it } from 'vitest';
import { sniffMediaType } from './media-type.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('sniffMediaType', () => {
  it('recognises JPEG, PNG, WebP and PDF by their first bytes', () => {
    expect(sniffMediaType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBe('image/jpeg');
    expect(sniffMediaType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('image/png');
    expect(sniffMediaType(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffMediaType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
  });
  it('rejects everything else, whatever it claims to be', () => {
    expect(sniffMediaType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffMediaType(Buffer.from('<html><script>alert(1)</script>'))).toBeUndefined();
    expect(sniffMediaType(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1'))).toBeUndefined();
    expect(sniffMediaType(bytes(0xff, 0xd8))).toBeUndefined();
    expect(sniffMediaType(bytes())).toBeUndefined();
  });
});
