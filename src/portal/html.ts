/**
 * HTML built by construction: the `html` tagged template escapes every interpolated value unless it is already
 * `SafeHtml` (the result of another `html` template, or `raw()` for markup the code itself wrote). Every field a
 * business controls reaches the public pages, so nothing reaches the output without passing through here.
 */

const SAFE = Symbol('SafeHtml');

/** Markup that is already safe to emit. Only `html`, `raw` and `jsonLdScript` make one. */
export interface SafeHtml {
  readonly [SAFE]: true;
  readonly value: string;
}

const safe = (value: string): SafeHtml => ({ [SAFE]: true, value });

export const isSafeHtml = (value: unknown): value is SafeHtml =>
  typeof value === 'object' && value !== null && (value as Partial<SafeHtml>)[SAFE] === true;

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): a name ending in a
 * right-to-left override would reverse the text after it on the page (e.g. `gnp.exe` shown as `exe.png`). Business
 * text never needs them in Vietnamese or English, so they are dropped.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** Escapes text for element content and quoted attribute values; bidi controls are dropped. */
export function escapeHtml(text: string): string {
  return text.replace(BIDI_CONTROLS, '').replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

/** What may be interpolated: text and numbers are escaped, lists are joined, null/undefined/false print nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || typeof value === 'boolean') return '';
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number') return escapeHtml(String(value));
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  // Only markup this module made passes unescaped; any other object prints nothing.
  return isSafeHtml(value) ? value.value : '';
}

/** The tagged template: `html\`<p>${name}</p>\`` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i += 1) out += render(values[i]) + strings[i + 1]!;
  return safe(out);
}

/** Marks markup written by this code (never user data) as safe. */
export function raw(markup: string): SafeHtml {
  return safe(markup);
}

/**
 * A JSON-LD block for search engines. `<script type="application/ld+json">` is data, not script, so the CSP allows
 * it; `<` is written as `\u003c` so that no value can close the element (`</script>`) or open a comment.
 */
export function jsonLdScript(data: unknown): SafeHtml {
  const json = JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
    .replace(BIDI_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  return safe(`<script type="application/ld+json">${json}</script>`);
}

/** Only http(s) and same-site URLs go into `href`/`src`; anything else (javascript:, data:) becomes `#`. */
export function safeUrl(url: string): string {
  if (/^\/(?!\/)/.test(url)) return url;
  if (/^https?:\/\/[^\s]+$/i.test(url)) return url;
  return '#';
}
