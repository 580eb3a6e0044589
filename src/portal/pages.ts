import { UNITS } from '../registry/registry.rules.ts';
import { provinceName } from '../registry/admin-units.ts';
import type { Locale } from '../shared/messages.ts';
import { isMessageKey, t } from '../shared/messages.ts';
import type { StandardProfile } from '../standards/profile.ts';
import { formatCoordinates, formatDate, formatDateTime, formatNumber, isoLocal, mapLink, TIME_ZONE } from './format.ts';
import { html, jsonLdScript, raw, safeUrl, type HtmlValue, type SafeHtml } from './html.ts';
import { locatorSvg } from './locator.ts';
import { renderGuide } from './markdown.ts';
import {
  consumerPath,
  REPORT_CONTACT_MAX,
  REPORT_MESSAGE_MAX,
  REPORT_MESSAGE_MIN,
  type BusinessProfile,
  type ConsumerPage,
  type PortalHome,
  type PublishedStandard,
  type StandardGuide,
} from './portal.service.ts';

/**
 * The public pages as template functions: semantic HTML, no JavaScript, one small stylesheet, Vietnamese by default.
 * Every value goes through the `html` template, which escapes it.
 */

export interface PageContext {
  readonly locale: Locale;
  /** The request path (without query), for the language switch. */
  readonly path: string;
  /** The stylesheet's hashed URL. */
  readonly stylesheet: string;
  /** The public base URL (absolute links in the JSON-LD block). */
  readonly publicUrl: string;
}

const tr = (ctx: PageContext, key: string, params?: Record<string, string | number>) => t(ctx.locale, key, params);

/** An internal link keeping the chosen language. */
export function href(ctx: PageContext, path: string, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params);
  if (ctx.locale === 'en') query.set('lang', 'en');
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}

const localName = (ctx: PageContext, vi: string, en: string | null | undefined) =>
  ctx.locale === 'en' && en ? en : vi;

function layout(ctx: PageContext, title: string, body: SafeHtml, head: HtmlValue = null): SafeHtml {
  const other: Locale = ctx.locale === 'vi' ? 'en' : 'vi';
  return html`<!doctype html>
    <html lang="${ctx.locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${title} · ${tr(ctx, 'portal.site')}</title>
        <link rel="stylesheet" href="${ctx.stylesheet}" />
        <link rel="icon" href="data:," />
        ${head}
      </head>
      <body>
        <a class="skip" href="#main">${tr(ctx, 'portal.skip')}</a>
        <header class="top">
          <a class="brand" href="${href(ctx, '/')}">${tr(ctx, 'portal.site')}</a>
          <nav>
            <a href="${href(ctx, '/tieu-chuan')}">${tr(ctx, 'portal.nav.standards')}</a>
            <a href="${`${ctx.path}?lang=${other}`}" hreflang="${other}" lang="${other}"
              >${tr(ctx, 'portal.lang.switch')}</a
            >
          </nav>
        </header>
        <main id="main">${body}</main>
        <footer><p>${tr(ctx, 'portal.footer')}</p></footer>
      </body>
    </html>`;
}

// ————— consumer page —————

function stars(n: number): string {
  return '★'.repeat(n);
}

function netContent(ctx: PageContext, value: number | null, unit: string | null): string | null {
  if (value === null || unit === null) return null;
  const name = UNITS[unit]?.[ctx.locale] ?? unit;
  return `${formatNumber(ctx.locale, value)} ${name}`;
}

const calendarDay = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE });

/** Today in Huế as `YYYY-MM-DD` (certificate validity is a calendar matter). */
function todayInHue(): string {
  return calendarDay.format(new Date());
}

function validity(ctx: PageContext, from: string | null, to: string | null): string | null {
  if (from && to) return tr(ctx, 'portal.cert.valid', { from: formatDate(from), to: formatDate(to) });
  if (from) return tr(ctx, 'portal.cert.validFrom', { from: formatDate(from) });
  if (to) return tr(ctx, 'portal.cert.validTo', { to: formatDate(to) });
  return null;
}

function verdictBlock(ctx: PageContext, page: ConsumerPage): SafeHtml | null {
  const v = page.verdict;
  const box = (kind: 'ok' | 'warn' | 'danger' | 'info', main: string, extra: HtmlValue = null) =>
    html`<section
      class="verdict ${kind}"
      aria-labelledby="verdict-h"
      ${kind === 'danger' ? raw(' role="alert"') : null}
    >
      <h2 id="verdict-h">${tr(ctx, 'portal.verdict.title')}</h2>
      <p><strong>${main}</strong></p>
      ${extra}
    </section>`;
  switch (v.kind) {
    case 'noSerial':
      return page.key.serial === null ? null : box('info', tr(ctx, 'portal.verdict.noSerial'));
    case 'unknownSerial':
      return box('danger', tr(ctx, 'portal.verdict.unknownSerial'));
    case 'void':
      return box('danger', tr(ctx, 'portal.verdict.void'));
    case 'notActivated':
      return box('warn', tr(ctx, 'portal.verdict.notActivated'));
    case 'genuine': {
      const main =
        v.scanCount <= 1
          ? tr(ctx, 'portal.verdict.genuineFirst')
          : v.firstScannedAt
            ? tr(ctx, 'portal.verdict.genuineMany', { count: v.scanCount, date: formatDate(v.firstScannedAt) })
            : tr(ctx, 'portal.verdict.genuineManyNoDate', { count: v.scanCount });
      const warnings =
        v.warnings.length === 0
          ? null
          : html`<ul class="warnings">
              ${v.warnings.map((w) => html`<li>${tr(ctx, `portal.verdict.warning.${w}`)}</li>`)}
            </ul>`;
      return box(v.warnings.length === 0 ? 'ok' : 'warn', main, warnings);
    }
  }
}

function recallBanner(ctx: PageContext, page: ConsumerPage): SafeHtml | null {
  if (page.recalls.length === 0) return null;
  return html`<section class="recall" role="alert" aria-labelledby="recall-h">
    <h2 id="recall-h">${tr(ctx, 'portal.recall.title')}</h2>
    ${page.recalls.map(
      (r) =>
        html`<p>${tr(ctx, 'portal.recall.body', { lot: r.lot, date: formatDate(r.openedAt), reason: r.reason })}</p>
          <p>${tr(ctx, `portal.recall.severity.${r.severity}`)}</p>`,
    )}
  </section>`;
}

function productBlock(ctx: PageContext, page: ConsumerPage): SafeHtml {
  const p = page.product;
  const name = localName(ctx, p.name, p.nameEn);
  const today = todayInHue();
  const validCerts = p.certifications.filter((c) => c.validTo === null || c.validTo >= today);
  const ocop = Math.max(0, ...validCerts.filter((c) => c.kind === 'ocop').map((c) => c.ocopStars ?? 0));
  const gi = validCerts.find((c) => c.kind === 'geographical_indication');
  const [first, ...others] = p.images;
  const alt = (a: string | null) => a ?? tr(ctx, 'portal.product.imageAlt', { name });
  const rows: [string, HtmlValue][] = [
    [tr(ctx, 'portal.product.gtin'), html`<span class="code">${page.key.gtin}</span>`],
    [tr(ctx, 'portal.product.lot'), page.lot === null ? null : html`<span class="code">${page.lot}</span>`],
    [
      tr(ctx, 'portal.product.serial'),
      page.key.serial === null ? null : html`<span class="code">${page.key.serial}</span>`,
    ],
    [tr(ctx, 'portal.product.brand'), p.brand],
    [tr(ctx, 'portal.product.group'), page.group ? localName(ctx, page.group.name, page.group.nameEn) : null],
    [tr(ctx, 'portal.product.netContent'), netContent(ctx, p.netContent, p.netContentUnit)],
    [
      tr(ctx, 'portal.product.shelfLife'),
      p.shelfLifeDays === null ? null : tr(ctx, 'portal.product.shelfLifeDays', { days: p.shelfLifeDays }),
    ],
  ];
  return html`<section class="product" aria-labelledby="product-h">
    ${first ? html`<img class="hero" src="${safeUrl(first.url)}" alt="${alt(first.alt)}" width="480" height="360" />` : null}
    <h1 id="product-h">${name}</h1>
    ${ocop > 0 || gi ? html`<p class="badges">${ocop > 0 ? html`<span class="badge ocop" title="OCOP"><span aria-hidden="true">${stars(ocop)}</span> ${tr(ctx, 'portal.product.ocop', { stars: ocop })}</span>` : null}${gi ? html` <span class="badge gi">${tr(ctx, 'portal.product.gi')}${gi.number ? html` ${gi.number}` : null}</span>` : null}</p>` : null}
    ${p.description ? html`<p>${p.description}</p>` : null}
    <dl class="facts">
      ${rows
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(
          ([k, v]) =>
            html`<div>
              <dt>${k}</dt>
              <dd>${v}</dd>
            </div>`,
        )}
    </dl>
    ${others.length > 0 ? html`<p class="thumbs">${others.map((i) => html`<img src="${safeUrl(i.url)}" alt="${alt(i.alt)}" width="96" height="72" loading="lazy" />`)}</p>` : null}
  </section>`;
}

function producerBlock(ctx: PageContext, page: ConsumerPage): SafeHtml {
  const producer = page.product.producer;
  const today = todayInHue();
  const province = producer.provinceCode ? provinceName(producer.provinceCode) : undefined;
  const place = [producer.communeName, province].filter(Boolean).join(', ');
  const certs = page.product.certifications;
  return html`<section aria-labelledby="producer-h">
    <h2 id="producer-h">${tr(ctx, 'portal.producer.title')}</h2>
    <p>
      <a href="${href(ctx, `/doanh-nghiep/${encodeURIComponent(producer.id)}`)}"
        ><strong>${localName(ctx, producer.name, producer.nameEn)}</strong></a
      >${place ? html`<br />${place}` : null}
    </p>
    <h3>${tr(ctx, 'portal.cert.title')}</h3>
    ${
      certs.length === 0
        ? html`<p>${tr(ctx, 'portal.cert.none')}</p>`
        : html`<ul class="certs">
            ${certs.map((c) => {
              const expired = c.validTo !== null && c.validTo < today;
              const detail = [c.number, c.issuer, validity(ctx, c.validFrom, c.validTo)].filter(Boolean).join(' · ');
              return html`<li${expired ? raw(' class="expired"') : null}><strong>${tr(ctx, `portal.cert.kind.${c.kind}`)}${c.kind === 'ocop' && c.ocopStars ? ` ${stars(c.ocopStars)}` : ''}</strong>${detail ? html` — ${detail}` : null}${expired ? html` (${tr(ctx, 'portal.cert.expired')})` : null}</li>`;
            })}
          </ul>`
    }
  </section>`;
}

function originBlock(ctx: PageContext, page: ConsumerPage): SafeHtml | null {
  if (page.story === null) return null;
  const places = page.places;
  const located = places.filter((p) => p.latitude !== null && p.longitude !== null);
  const svg = locatorSvg(
    located.map((p) => ({
      latitude: p.latitude!,
      longitude: p.longitude!,
      label: localName(ctx, p.name, p.nameEn),
    })),
    tr(ctx, 'portal.origin.mapLabel'),
  );
  return html`<section aria-labelledby="origin-h">
    <h2 id="origin-h">${tr(ctx, 'portal.origin.title')}</h2>
    ${
      places.length === 0
        ? html`<p>${tr(ctx, 'portal.origin.none')}</p>`
        : html`${svg}
            <ol class="places">
              ${places.map((p) => {
                const n = located.indexOf(p);
                return html`<li${n >= 0 ? raw(` value="${n + 1}"`) : null}><strong>${localName(ctx, p.name, p.nameEn)}</strong>${p.communeName ? html`, ${p.communeName}` : null}
${p.growingAreaCode ? html`<br />${tr(ctx, 'portal.origin.growingArea')}: <span class="code">${p.growingAreaCode}</span>` : null}
${p.packingHouseCode ? html`<br />${tr(ctx, 'portal.origin.packingHouse')}: <span class="code">${p.packingHouseCode}</span>` : null}
${p.latitude !== null && p.longitude !== null ? html`<br />${tr(ctx, 'portal.origin.gps')}: ${formatCoordinates(ctx.locale, p.latitude, p.longitude)} — <a href="${mapLink(p.latitude, p.longitude)}" rel="noopener">${tr(ctx, 'portal.origin.openMap')}</a>` : null}</li>`;
              })}
            </ol>`
    }
  </section>`;
}

/** A fact's label: the standard's own label for the path, else the catalogue's name for its last member. */
function factLabel(ctx: PageContext, path: string, label: { vi: string; en: string } | null): string {
  if (label) return label[ctx.locale];
  const name = path
    .split('.')
    .pop()!
    .replace(/\[\]$/, '')
    .replace(/^[\w-]+:/, '');
  return isMessageKey(`portal.fact.${name}`) ? tr(ctx, `portal.fact.${name}`) : name;
}

/** Calendar dates among the values are written dd/mm/yyyy like every other date of the page. */
const factValue = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? formatDate(v) : v);

function storyBlock(ctx: PageContext, page: ConsumerPage): SafeHtml {
  const heading = html`<h2 id="story-h">${tr(ctx, 'portal.story.title')}</h2>`;
  if (page.story === null)
    return html`<section aria-labelledby="story-h">
      ${heading}
      <p>${tr(ctx, 'portal.story.productOnly')}</p>
    </section>`;
  if (page.story.length === 0)
    return html`<section aria-labelledby="story-h">
      ${heading}
      <p>${tr(ctx, 'portal.story.none')}</p>
    </section>`;
  return html`<section aria-labelledby="story-h">
    ${heading}
    ${page.earlierEvents > 0 ? html`<p class="muted">${tr(ctx, 'portal.story.more', { count: page.earlierEvents })}</p>` : null}
    <ol class="timeline">
      ${page.story.map(
        (e) =>
          html`<li>
            ${e.time ? html`<time datetime="${isoLocal(e.time)}">${formatDateTime(e.time)}</time>` : null}<strong
              >${tr(ctx, e.stepKey)}</strong
            >
            ${e.place ? html`<br />${tr(ctx, 'portal.story.at')}: ${localName(ctx, e.place.name, e.place.nameEn)}` : null}
            ${e.organisation ? html`<br />${tr(ctx, 'portal.story.by')}: ${localName(ctx, e.organisation.name, e.organisation.nameEn)}` : null}
            ${
              e.facts.length > 0
                ? html`<dl class="facts small">
                    ${e.facts.map(
                      (f) =>
                        html`<div>
                          <dt>${factLabel(ctx, f.path, f.label)}</dt>
                          <dd>${f.values.map(factValue).join(', ')}</dd>
                        </div>`,
                    )}
                  </dl>`
                : null
            }
          </li>`,
      )}
    </ol>
  </section>`;
}

function datesBlock(ctx: PageContext, page: ConsumerPage): SafeHtml | null {
  if (page.productionTime === null && page.expiryDate === null) return null;
  return html`<section aria-labelledby="dates-h">
    <h2 id="dates-h">${tr(ctx, 'portal.dates.title')}</h2>
    <dl class="facts">
      ${
        page.productionTime
          ? html`<div>
              <dt>${tr(ctx, 'portal.dates.production')}</dt>
              <dd><time datetime="${isoLocal(page.productionTime)}">${formatDate(page.productionTime)}</time></dd>
            </div>`
          : null
      }
      ${
        page.expiryDate
          ? html`<div>
              <dt>${tr(ctx, 'portal.dates.expiry')}</dt>
              <dd>${formatDate(page.expiryDate)}</dd>
            </div>`
          : null
      }
    </dl>
  </section>`;
}

function standardBlock(ctx: PageContext, page: ConsumerPage): SafeHtml {
  const s = page.standard;
  return html`<section aria-labelledby="std-h">
    <h2 id="std-h">${tr(ctx, 'portal.standards.title')}</h2>
    ${
      s === null
        ? html`<p>${tr(ctx, 'portal.standards.none')}</p>`
        : html`<p>
              <a href="${href(ctx, `/tieu-chuan/${encodeURIComponent(s.standardId)}`)}">${s.title[ctx.locale]}</a>
              (${tr(ctx, 'portal.standards.version', { version: s.version })})
            </p>
            ${
              s.basedOn.length > 0
                ? html`<ul>
                    ${s.basedOn.map((b) => html`<li>${b.code} — ${b.title}</li>`)}
                  </ul>`
                : null
            }`
    }
  </section>`;
}

export interface ReportFormState {
  readonly message?: string;
  readonly contact?: string;
  readonly error?: string;
  readonly sent?: boolean;
}

function reportBlock(ctx: PageContext, page: ConsumerPage, form: ReportFormState): SafeHtml {
  const action = href(ctx, `${consumerPath(page.key)}/bao-cao`);
  return html`<section aria-labelledby="report-h" id="bao-cao">
    <h2 id="report-h">${tr(ctx, 'portal.report.title')}</h2>
    ${form.sent ? html`<p class="notice ok" role="status">${tr(ctx, 'portal.report.thanks')}</p>` : null}
    ${form.error ? html`<p class="notice danger" role="alert">${form.error}</p>` : null}
    <p>${tr(ctx, 'portal.report.intro')}</p>
    <form method="post" action="${action}">
      <label for="message">${tr(ctx, 'portal.report.message')}</label>
      <textarea
        id="message"
        name="message"
        rows="4"
        required
        minlength="${REPORT_MESSAGE_MIN}"
        maxlength="${REPORT_MESSAGE_MAX}"
      >
${form.message ?? ''}</textarea>
      <label for="contact">${tr(ctx, 'portal.report.contact')}</label>
      <input
        id="contact"
        name="contact"
        type="text"
        maxlength="${REPORT_CONTACT_MAX}"
        autocomplete="email"
        value="${form.contact ?? ''}"
        aria-describedby="contact-hint"
      />
      <small id="contact-hint">${tr(ctx, 'portal.report.contactHint')}</small>
      <div class="hp" aria-hidden="true">
        <label for="website">${tr(ctx, 'portal.report.honeypot')}</label
        ><input id="website" name="website" type="text" tabindex="-1" autocomplete="off" />
      </div>
      <button type="submit">${tr(ctx, 'portal.report.submit')}</button>
    </form>
  </section>`;
}

/** schema.org Product for search engines (GS1 Web Vocabulary terms map onto these). */
function productJsonLd(ctx: PageContext, page: ConsumerPage): SafeHtml {
  const p = page.product;
  const abs = (path: string) => `${ctx.publicUrl}${path}`;
  const today = todayInHue();
  const ocop = p.certifications.find(
    (c) => c.kind === 'ocop' && c.ocopStars && (c.validTo === null || c.validTo >= today),
  );
  return jsonLdScript({
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: localName(ctx, p.name, p.nameEn),
    gtin14: p.gtin,
    ...(page.lot !== null ? { productID: `${p.gtin}/${page.lot}` } : {}),
    ...(p.brand ? { brand: { '@type': 'Brand', name: p.brand } } : {}),
    ...(p.description ? { description: p.description } : {}),
    ...(p.images.length > 0 ? { image: p.images.map((i) => abs(i.url)) } : {}),
    url: abs(consumerPath({ gtin: p.gtin, lot: page.lot, serial: null })),
    manufacturer: {
      '@type': 'Organization',
      name: p.producer.name,
      url: abs(`/doanh-nghiep/${p.producer.id}`),
      ...(p.producer.primaryGln ? { globalLocationNumber: p.producer.primaryGln } : {}),
    },
    ...(p.netContent !== null && p.netContentUnit
      ? { weight: { '@type': 'QuantitativeValue', value: p.netContent, unitCode: p.netContentUnit } }
      : {}),
    ...(ocop ? { award: `OCOP ${ocop.ocopStars}★` } : {}),
  });
}

export function consumerPageHtml(ctx: PageContext, page: ConsumerPage, form: ReportFormState = {}): SafeHtml {
  const title = localName(ctx, page.product.name, page.product.nameEn);
  return layout(
    ctx,
    title,
    html`${recallBanner(ctx, page)}${verdictBlock(ctx, page)}${productBlock(ctx, page)}${producerBlock(ctx, page)}${originBlock(ctx, page)}${storyBlock(ctx, page)}${datesBlock(ctx, page)}${standardBlock(ctx, page)}${reportBlock(ctx, page, form)}`,
    html`<meta
        name="description"
        content="${`${title} — ${localName(ctx, page.product.producer.name, page.product.producer.nameEn)}`}"
      />${productJsonLd(ctx, page)}`,
  );
}

// ————— province portal —————

export function homePageHtml(ctx: PageContext, home: PortalHome): SafeHtml {
  const r = home.results;
  const results =
    home.query === ''
      ? null
      : r === null
        ? html`<p>${tr(ctx, 'portal.search.tooShort')}</p>`
        : html`<section aria-labelledby="results-h">
            <h2 id="results-h">${tr(ctx, 'portal.search.results', { q: home.query })}</h2>
            ${r.products.length === 0 && r.organisations.length === 0 ? html`<p>${tr(ctx, 'portal.search.none')}</p>` : null}
            ${
              r.products.length > 0
                ? html`<h3>${tr(ctx, 'portal.search.products')}</h3>
                    <ul class="results">
                      ${r.products.map((p) => html`<li><a href="${href(ctx, `/p/01/${p.gtin}`)}">${localName(ctx, p.name, p.name_en)}</a> — ${p.organisation_name}</li>`)}
                    </ul>`
                : null
            }
            ${
              r.organisations.length > 0
                ? html`<h3>${tr(ctx, 'portal.search.organisations')}</h3>
                    <ul class="results">
                      ${r.organisations.map((o) => html`<li><a href="${href(ctx, `/doanh-nghiep/${encodeURIComponent(o.id)}`)}">${localName(ctx, o.name, o.name_en)}</a>${o.commune_name ? html` — ${o.commune_name}` : null}</li>`)}
                    </ul>`
                : null
            }
          </section>`;
  const count = (n: number, key: string) =>
    html`<li><strong>${formatNumber(ctx.locale, n)}</strong> ${tr(ctx, key)}</li>`;
  return layout(
    ctx,
    tr(ctx, 'portal.home.title'),
    html`<h1>${tr(ctx, 'portal.home.title')}</h1>
      <p>${tr(ctx, 'portal.home.intro')}</p>
      <ul class="counts">
        ${count(home.counts.products, 'portal.home.counts.products')}${count(home.counts.organisations, 'portal.home.counts.organisations')}${count(home.counts.standards, 'portal.home.counts.standards')}
      </ul>
      <form method="get" action="/" role="search" class="search">
        <label for="q">${tr(ctx, 'portal.search.label')}</label>
        <div>
          <input
            id="q"
            name="q"
            type="search"
            maxlength="100"
            value="${home.query}"
            placeholder="${tr(ctx, 'portal.search.placeholder')}"
          />${ctx.locale === 'en' ? html`<input type="hidden" name="lang" value="en" />` : null}<button type="submit">
            ${tr(ctx, 'portal.search.submit')}
          </button>
        </div>
      </form>
      ${results}`,
  );
}

export function businessPageHtml(ctx: PageContext, profile: BusinessProfile): SafeHtml {
  const o = profile.organisation;
  const name = localName(ctx, o.name, o.name_en);
  const province = o.province_code ? provinceName(o.province_code) : undefined;
  const rows: [string, string | null][] = [
    [tr(ctx, 'portal.business.kind'), tr(ctx, `portal.kind.${o.kind}`)],
    [tr(ctx, 'portal.producer.commune'), [o.commune_name, province].filter(Boolean).join(', ') || null],
    [tr(ctx, 'portal.business.gln'), o.primary_gln],
    [tr(ctx, 'portal.business.since'), formatDate(o.created_at)],
  ];
  return layout(
    ctx,
    name,
    html`<h1>${name}</h1>
      <dl class="facts">
        ${rows
          .filter(([, v]) => v)
          .map(
            ([k, v]) =>
              html`<div>
                <dt>${k}</dt>
                <dd>${v}</dd>
              </div>`,
          )}
      </dl>
      <h2>${tr(ctx, 'portal.business.products')}</h2>
      ${
        profile.products.length === 0
          ? html`<p>${tr(ctx, 'portal.business.noProducts')}</p>`
          : html`<ul class="results">
              ${profile.products.map((p) => html`<li><a href="${href(ctx, `/p/01/${p.gtin}`)}">${localName(ctx, p.name, p.name_en)}</a> <span class="code">${p.gtin}</span></li>`)}
            </ul>`
      }`,
  );
}

export function standardsPageHtml(ctx: PageContext, standards: readonly PublishedStandard[]): SafeHtml {
  const groups = new Map<string, { name: string; items: PublishedStandard[] }>();
  for (const s of standards) {
    const list = s.productGroups.length > 0 ? s.productGroups : [{ code: '', name: '', nameEn: '' }];
    for (const g of list) {
      const name = g.code === '' ? tr(ctx, 'portal.standardsPage.other') : localName(ctx, g.name, g.nameEn);
      const entry = groups.get(g.code) ?? { name, items: [] };
      entry.items.push(s);
      groups.set(g.code, entry);
    }
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  return layout(
    ctx,
    tr(ctx, 'portal.standardsPage.title'),
    html`<h1>${tr(ctx, 'portal.standardsPage.title')}</h1>
      <p>${tr(ctx, 'portal.standardsPage.intro')}</p>
      ${standards.length === 0 ? html`<p>${tr(ctx, 'portal.standardsPage.none')}</p>` : null}
      ${ordered.map(
        ([, g]) =>
          html`<section>
            <h2>${g.name}</h2>
            <ul class="results">
              ${g.items.map((s) => html`<li><a href="${href(ctx, `/tieu-chuan/${encodeURIComponent(s.id)}`)}">${s.title[ctx.locale]}</a> <span class="muted">v${s.version}</span></li>`)}
            </ul>
          </section>`,
      )}`,
  );
}

function guideBody(ctx: PageContext, guide: StandardGuide, withLinks: boolean): SafeHtml {
  const profile: StandardProfile = guide.profile;
  const id = encodeURIComponent(guide.id);
  return html`<h1>${guide.title[ctx.locale]}</h1>
    <p class="muted">
      ${profile.id} ·
      ${tr(ctx, 'portal.standards.version', { version: guide.version })}${guide.publishedAt ? html` · ${tr(ctx, 'portal.standardsPage.publishedAt', { date: formatDate(guide.publishedAt) })}` : null}
    </p>
    ${withLinks ? html`<p class="downloads"><a href="${`/tieu-chuan/${id}/ho-so.json`}" download>${tr(ctx, 'portal.standardsPage.downloadJson')}</a> · <a href="${href(ctx, `/tieu-chuan/${id}/in`)}">${tr(ctx, 'portal.standardsPage.print')}</a></p>` : null}
    <dl class="facts">
      <div>
        <dt>${tr(ctx, 'portal.standardsPage.groups')}</dt>
        <dd>${guide.productGroups.map((g) => localName(ctx, g.name, g.nameEn)).join(', ')}</dd>
      </div>
      ${
        profile.basedOn.length > 0
          ? html`<div>
              <dt>${tr(ctx, 'portal.standardsPage.basedOn')}</dt>
              <dd>${profile.basedOn.map((b) => `${b.code} — ${b.title}`).join('; ')}</dd>
            </div>`
          : null
      }
    </dl>
    <h2>${tr(ctx, 'portal.standardsPage.guide')}</h2>
    ${renderGuide(profile.guide[ctx.locale])}
    <h2>${tr(ctx, 'portal.standardsPage.ctes')}</h2>
    <ol>
      ${[...profile.ctes]
        .sort((a, b) => a.order - b.order)
        .map(
          (c) =>
            html`<li>
              <strong>${c.name[ctx.locale]}</strong> (${tr(ctx, `portal.standardsPage.${c.requirement}`)})${
                c.kdes.length > 0
                  ? html`<ul>
                      ${c.kdes.map((k) => html`<li>${k.label ? k.label[ctx.locale] : k.path} — ${tr(ctx, `portal.standardsPage.${k.requirement}`)}</li>`)}
                    </ul>`
                  : null
              }
            </li>`,
        )}
    </ol>
    <p>${tr(ctx, 'portal.standardsPage.retention', { days: formatNumber(ctx.locale, profile.retentionDays) })}</p>`;
}

export function standardPageHtml(ctx: PageContext, guide: StandardGuide): SafeHtml {
  return layout(ctx, guide.title[ctx.locale], guideBody(ctx, guide, true));
}

/** The printable guide: the same content without navigation, laid out for paper by the stylesheet's print rules. */
export function standardPrintHtml(ctx: PageContext, guide: StandardGuide): SafeHtml {
  return html`<!doctype html>
    <html lang="${ctx.locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${guide.title[ctx.locale]}</title>
        <link rel="stylesheet" href="${ctx.stylesheet}" />
        <link rel="icon" href="data:," />
      </head>
      <body class="print">
        <main id="main">
          ${guideBody(ctx, guide, false)}
          <p class="muted">${tr(ctx, 'portal.site')} — ${ctx.publicUrl}/tieu-chuan/${guide.id}</p>
        </main>
      </body>
    </html>`;
}

export function errorPageHtml(ctx: PageContext, status: 400 | 404 | 410): SafeHtml {
  const key = status === 404 ? 'notFound' : status === 410 ? 'gone' : 'badRequest';
  return layout(
    ctx,
    tr(ctx, `portal.${key}.title`),
    html`<h1>${tr(ctx, `portal.${key}.title`)}</h1>
      <p>${tr(ctx, `portal.${key}.body`)}</p>
      <p><a href="${href(ctx, '/')}">${tr(ctx, 'portal.backHome')}</a></p>`,
    raw('<meta name="robots" content="noindex">'),
  );
}

/** One link a resolver offers when several match a scan (GS1-Conformant Resolver 1.2: 300 Multiple Choices). */
export interface ChoiceLink {
  readonly href: string;
  readonly title: string;
  readonly linkType: string;
  readonly hreflang: readonly string[];
}

/** The page a browser sees for a resolver's 300 answer: the matching links to choose from. */
export function choicesPageHtml(ctx: PageContext, description: string | null, links: readonly ChoiceLink[]): SafeHtml {
  return layout(
    ctx,
    tr(ctx, 'portal.choices.title'),
    html`<h1>${description ?? tr(ctx, 'portal.choices.title')}</h1>
      <p>${tr(ctx, 'portal.choices.intro')}</p>
      <ul class="choices">
        ${links.map(
          (l) =>
            html`<li>
              <a href="${safeUrl(l.href)}" rel="alternate">${l.title}</a>
              ${
                l.hreflang.length > 0
                  ? html`<small>${tr(ctx, 'portal.choices.language', { languages: l.hreflang.join(', ') })}</small>`
                  : null
              }
            </li>`,
        )}
      </ul>`,
    raw('<meta name="robots" content="noindex">'),
  );
}
