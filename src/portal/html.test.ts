import { describe, expect, it } from 'vitest';
import { escapeHtml, html, jsonLdScript, raw, safeUrl } from './html.ts';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '`${alert(1)}`',
  '</textarea><svg onload=alert(1)>',
  '&lt;already&gt;',
  '<!-- comment',
];

describe('html template', () => {
  it('escapes every interpolated text, in content and in attributes', () => {
    for (const payload of PAYLOADS) {
      const out = html`<p title="${payload}">${payload}</p>`.value;
      expect(out).not.toMatch(/<script|<img|<svg|<!--/i);
      expect(out).not.toContain('"><');
      expect(out.match(/"/g)).toHaveLength(2);
      expect(out).not.toContain("'");
    }
  });

  it('round-trips text through escaping', () => {
    expect(escapeHtml('a & b < c > "d" \'e\' `f`')).toBe('a &amp; b &lt; c &gt; &quot;d&quot; &#39;e&#39; &#96;f&#96;');
  });

  it('keeps nested templates and raw markup, joins lists and drops empty values', () => {
    const items = ['<b>', 'x'].map((s) => html`<li>${s}</li>`);
    expect(
      html`<ul>
          ${items}
        </ul>
        ${null}${undefined}${false}${raw('<hr>')}${3}`.value.replace(/>\s+</g, '><'),
    ).toBe('<ul><li>&lt;b&gt;</li><li>x</li></ul><hr>3');
  });

  it('does not trust an object that only looks like safe markup', () => {
    const forged = { value: '<script>x</script>' } as unknown as string;
    expect(html`${forged}`.value).toBe('');
  });
});

describe('JSON-LD block', () => {
  it('cannot be closed or turned into a comment by a value', () => {
    const out = jsonLdScript({ name: '</script><script>alert(1)</script>', d: '<!-- & -->' }).value;
    expect(out.startsWith('<script type="application/ld+json">')).toBe(true);
    expect(out.indexOf('</script>')).toBe(out.length - '</script>'.length);
    expect(out).not.toContain('<!--');
    const json = out.slice('<script type="application/ld+json">'.length, -'</script>'.length);
    expect(JSON.parse(json)).toEqual({ name: '</script><script>alert(1)</script>', d: '<!-- & -->' });
  });
});

describe('safeUrl', () => {
  it('lets same-site and http(s) URLs through and nothing else', () => {
    expect(safeUrl('/api/media/1')).toBe('/api/media/1');
    expect(safeUrl('https://www.openstreetmap.org/?mlat=16.4')).toBe('https://www.openstreetmap.org/?mlat=16.4');
    expect(safeUrl('javascript:alert(1)')).toBe('#');
    expect(safeUrl('//evil.example/x')).toBe('#');
    expect(safeUrl('data:text/html,<b>')).toBe('#');
  });
});
