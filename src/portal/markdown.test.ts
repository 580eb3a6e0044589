import { describe, expect, it } from 'vitest';
import { renderGuide } from './markdown.ts';

describe('application guide rendering', () => {
  it('renders paragraphs, lists, headings and bold', () => {
    const out = renderGuide('# Bước 1\n\nGhi **ngày** thu hoạch.\nRồi đóng gói.\n\n- một\n- hai').value;
    // The formatter lays templates out on several lines; whitespace between block elements does not matter.
    expect(out.replace(/>\s+</g, '><')).toBe(
      '<h3>Bước 1</h3><p>Ghi <strong>ngày</strong> thu hoạch. Rồi đóng gói.</p><ul><li>một</li><li>hai</li></ul>',
    );
  });

  it('escapes everything else', () => {
    const out = renderGuide('<script>alert(1)</script> **<b>x</b>** [a](javascript:alert(1))').value;
    expect(out).not.toMatch(/<script|<b>|href/);
    expect(out).toContain('&lt;script&gt;');
  });
});
