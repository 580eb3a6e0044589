/**
 * Reading the request headers the resolution cascade uses (RFC 9110 §12.5: `Accept`, `Accept-Language`), ranked by
 * their quality values. Pure.
 */

function ranked(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, index) => {
      const [value = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => /^q=/i.test(p));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return { value: value.trim().toLowerCase(), quality, index };
    })
    .filter((x) => x.value !== '' && Number.isFinite(x.quality) && x.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index)
    .map((x) => x.value);
}

/** Language tags of `Accept-Language`, best first, without the wildcard. */
export function acceptedLanguages(header: string | undefined): string[] {
  return ranked(header).filter((tag) => tag !== '*' && /^[a-z]{1,8}(?:-[a-z0-9]{1,8})*$/.test(tag));
}

/** Media types of `Accept`, best first, without wildcards (they express no preference between links). */
export function acceptedMediaTypes(header: string | undefined): string[] {
  return ranked(header).filter((type) => /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) && !type.includes('*'));
}

/** RFC 9264 §4.2: the linkset media type. */
export const LINKSET_MEDIA_TYPE = 'application/linkset+json';

/** Whether `Accept` asks for the linkset: `application/linkset+json` ranked above any other concrete type. */
export function wantsLinkset(header: string | undefined): boolean {
  return ranked(header)[0] === LINKSET_MEDIA_TYPE;
}

/** Whether `Accept` ranks HTML first, as a browser's does: such a client gets pages rather than JSON documents. */
export function prefersHtml(header: string | undefined): boolean {
  const first = ranked(header)[0];
  return first === 'text/html' || first === 'application/xhtml+xml';
}

/**
 * Syntax of an IANA media type (RFC 6838 §4.2: `type/subtype`, restricted-name characters, optional parameters), with
 * a top-level type IANA registers. Used to check the media types businesses give their links.
 */
export function isMediaType(value: string): boolean {
  const m =
    /^([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})\/([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})((?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|"[^"]*"))*)$/.exec(
      value.trim(),
    );
  if (!m) return false;
  return IANA_TOP_LEVEL_TYPES.has(m[1]!.toLowerCase());
}

/** The top-level media types in the IANA registry (RFC 6838 §4.2.1–4.2.7, RFC 8081 `font`, RFC 9695 `haptics`). */
const IANA_TOP_LEVEL_TYPES = new Set([
  'application',
  'audio',
  'example',
  'font',
  'haptics',
  'image',
  'message',
  'model',
  'multipart',
  'text',
  'video',
]);

/** Whether a language tag looks like a BCP 47 tag (RFC 5646 §2.1, simplified: primary subtag and subtags). */
export function isLanguageTag(value: string): boolean {
  return /^(?:[A-Za-z]{2,3}|[A-Za-z]{5,8}|und)(?:-[A-Za-z0-9]{1,8})*$/.test(value);
}
