import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { RoutePlugin } from '../http/context.ts';
import { isAppError } from '../shared/errors.ts';
import { t, type Locale } from '../shared/messages.ts';
import { WIDGET_SCRIPT } from './embed-widget.ts';
import { html, raw, type SafeHtml } from './html.ts';
import * as portal from './portal.service.ts';

/**
 * The provincial website widget: `/embed/widget.js` turns `<div data-truyxuat="search">` or
 * `<div data-truyxuat="product" data-gtin=… data-lot=…>` on any site into an iframe of `/embed/search` (product
 * search) or `/embed/p/01/{gtin}[/10/{lot}]` (the product's story). The embed pages are the only ones any site may
 * frame (`frame-ancestors *`); they run no script, show public data only, and open full pages in a new tab.
 */

const HIDDEN = { hide: true } as const;
const LangQuery = Type.Object({
  lang: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')])),
  q: Type.Optional(Type.String({ maxLength: 200 })),
});

const STYLE = raw(`<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:12px;color:#1f2937;background:#fff}
h1{font-size:17px;margin:0 0 8px}h2{font-size:15px;margin:12px 0 6px}form{display:flex;gap:6px}
input{flex:1;padding:7px 9px;border:1px solid #9ca3af;border-radius:6px;font:inherit}
button{padding:7px 12px;border:0;border-radius:6px;background:#1d4ed8;color:#fff;font:inherit}
ul{list-style:none;padding:0;margin:8px 0}li{padding:6px 0;border-bottom:1px solid #e5e7eb}
a{color:#1d4ed8}small{color:#4b5563}.recall{background:#fee2e2;color:#991b1b;padding:8px;border-radius:6px}
ol{padding-left:18px;margin:6px 0}
</style>`);

function send(reply: FastifyReply, locale: Locale, status: number, body: SafeHtml): FastifyReply {
  // Any site may frame these pages; nothing else on the platform may be framed.
  void reply.removeHeader('x-frame-options');
  void reply.header(
    'content-security-policy',
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors *",
  );
  void reply.header('cache-control', 'public, max-age=60');
  const page = html`<!doctype html>
    <html lang="${locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${t(locale, 'federation.embed.title')}</title>
        ${STYLE}
      </head>
      <body>
        ${body}
      </body>
    </html>`;
  return reply.code(status).type('text/html; charset=utf-8').send(page.value);
}

/** `/embed/widget.js`, `/embed/search` and `/embed/p/…`: the provincial website's product search and story. */
export const embedRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db, config } = ctx;
  const full = (path: string) => `${config.publicUrl}${path}`;

  app.get('/embed/widget.js', { schema: HIDDEN }, async (_request, reply) => {
    void reply.header('cache-control', 'public, max-age=3600');
    void reply.header('access-control-allow-origin', '*');
    void reply.header('cross-origin-resource-policy', 'cross-origin');
    return reply.type('text/javascript; charset=utf-8').send(WIDGET_SCRIPT);
  });

  app.get('/embed/search', { schema: { ...HIDDEN, querystring: LangQuery } }, async (request, reply) => {
    const locale: Locale = request.query.lang ?? 'vi';
    const query = request.query.q?.trim() ?? '';
    const home = await portal.portalHome(db, query);
    const products = home.results?.products ?? [];
    const name = (vi: string, en: string | null) => (locale === 'en' && en ? en : vi);
    const results =
      query === ''
        ? null
        : home.results === null
          ? html`<p>${t(locale, 'federation.embed.search.short')}</p>`
          : products.length === 0
            ? html`<p>${t(locale, 'federation.embed.search.none')}</p>`
            : html`<ul>
                ${products.map(
                  (p) =>
                    html`<li>
                      <a href="${full(`/p/01/${p.gtin}?lang=${locale}`)}" target="_blank" rel="noopener"
                        >${name(p.name, p.name_en)}</a
                      ><br /><small>${p.organisation_name} · GTIN ${p.gtin}</small>
                    </li>`,
                )}
              </ul>`;
    return send(
      reply,
      locale,
      200,
      html`<h1>${t(locale, 'federation.embed.title')}</h1>
        <form method="get" action="/embed/search" role="search">
          <input type="hidden" name="lang" value="${locale}" />
          <input
            name="q"
            value="${query}"
            aria-label="${t(locale, 'federation.embed.search.label')}"
            placeholder="${t(locale, 'federation.embed.search.placeholder')}"
          />
          <button type="submit">${t(locale, 'federation.embed.search.submit')}</button>
        </form>
        ${results}`,
    );
  });

  app.get('/embed/p/*', { schema: { ...HIDDEN, querystring: LangQuery } }, async (request, reply) => {
    const locale: Locale = request.query.lang ?? 'vi';
    const path = request.url.split('?')[0]!.slice('/embed/p'.length);
    let page: portal.ConsumerPage;
    try {
      page = await portal.consumerPage(db, portal.parseConsumerPath(path));
    } catch (e) {
      if (isAppError(e) && ['not_found', 'validation', 'gone'].includes(e.code))
        return send(reply, locale, 404, html`<p>${t(locale, 'federation.embed.notFound')}</p>`);
      throw e;
    }
    const name = locale === 'en' && page.product.nameEn ? page.product.nameEn : page.product.name;
    const producer = page.product.producer;
    const recalled = page.recalls.length > 0;
    const story = page.story;
    return send(
      reply,
      locale,
      200,
      html`<h1>${name}</h1>
        <p>
          <small>${t(locale, 'federation.embed.producer')}:</small> ${producer.name}<br />
          <small>GTIN ${page.product.gtin}</small
          >${page.lot ? html` · <small>${t(locale, 'federation.embed.lot')} ${page.lot}</small>` : null}
        </p>
        ${recalled ? html`<p class="recall">${t(locale, 'federation.embed.recall')}</p>` : null}
        <h2>${t(locale, 'federation.embed.story')}</h2>
        ${
          story === null || story.length === 0
            ? html`<p>${t(locale, 'federation.embed.noStory')}</p>`
            : html`<ol>
                ${story.map(
                  (e) =>
                    html`<li>
                      <strong>${t(locale, e.stepKey)}</strong
                      >${e.time ? html` <small>${e.time.slice(0, 10)}</small>` : null}
                      ${e.place ? html`<br /><small>${locale === 'en' && e.place.nameEn ? e.place.nameEn : e.place.name}</small>` : null}
                    </li>`,
                )}
              </ol>`
        }
        <p>
          <a href="${full(`/p${path}?lang=${locale}`)}" target="_blank" rel="noopener"
            >${t(locale, 'federation.embed.more')}</a
          >
        </p>`,
    );
  });
};
