import { createHmac, randomBytes } from 'node:crypto';

/**
 * What a scan records about who scanned, by privacy design: a coarse device class, a province-level region from a
 * hint (never a geolocation of the IP address), and a keyed hash of the IP address with a salt that changes every
 * UTC day and never leaves the process, so that one day's scans from one address can be counted together but the
 * address cannot be recovered, nor linked across days.
 */

export type DeviceClass = 'phone' | 'tablet' | 'desktop' | 'bot' | 'other';

/** The device class of a User-Agent (coarse on purpose: no model, no browser version). */
export function deviceClassOf(userAgent: string | undefined): DeviceClass {
  if (!userAgent) return 'other';
  const ua = userAgent.toLowerCase();
  if (/bot|crawler|spider|crawling|curl|wget|python-requests|httpclient|headless|autocannon|okhttp|go-http/.test(ua))
    return 'bot';
  if (/ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))/.test(ua)) return 'tablet';
  if (/mobile|iphone|ipod|android|windows phone|zalo|blackberry|opera mini/.test(ua)) return 'phone';
  if (/windows nt|macintosh|mac os x|x11|linux|cros/.test(ua)) return 'desktop';
  return 'other';
}

/**
 * The region of a scan: a province code given by the client (query `region`, e.g. from the scanning app) or by the
 * reverse proxy in a configured header; anything that is not a known province code counts as unknown.
 */
export function regionOf(
  hints: { readonly query: string | undefined; readonly header: string | undefined },
  isProvinceCode: (code: string) => boolean,
): string | null {
  for (const hint of [hints.query, hints.header]) {
    const code = hint?.trim();
    if (code && /^\d{2}$/.test(code) && isProvinceCode(code)) return code;
  }
  return null;
}

/** Keyed IP hashing with a per-process salt that rotates every UTC day. */
export class IpHasher {
  #day = '';
  #salt: Buffer = Buffer.alloc(0);

  constructor(private readonly now: () => Date = () => new Date()) {}

  hash(ip: string | undefined): string | null {
    if (!ip) return null;
    const day = this.now().toISOString().slice(0, 10);
    if (day !== this.#day) {
      this.#day = day;
      this.#salt = randomBytes(32);
    }
    return createHmac('sha256', this.#salt).update(ip).digest('base64url').slice(0, 22);
  }
}
