import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../http/context.ts';
import { DateTime, ERROR_RESPONSES, Nullable, Page, Problem } from '../http/schemas.ts';
import { AppError, isAppError } from '../shared/errors.ts';
import { localeFromAcceptLanguage, t, type Locale } from '../shared/messages.ts';
import type { SafeHtml } from './html.ts';
import {
  businessPageHtml,
  consumerPageHtml,
  errorPageHtml,
  homePageHtml,
  href,
  standardPageHtml,
  standardPrintHtml,
  standardsPageHtml,
  type PageContext,
  type ReportFormState,
} from './pages.ts';
import * as portal from './portal.service.ts';

/**
 * The public pages (server-rendered HTML, vi by default, `?lang=en`): the province portal at `/`, the consumer
 * page of a scanned code at `/p/01/{gtin}[/10/{lot}][/21/{serial}]` (the resolver's default link) with its problem
 * report form, business profiles, published standards and their guides, the stylesheet, and the problem-report list
 * for the brand owner and the province at `/api/problem-reports`.
 */

const CSS = readFileSync(new URL('./portal.css', import.meta.url));
const CSS_HASH = createHash('sha256').update(CSS).digest('hex').slice(0, 12);
export const STYLESHEET_PATH = `/static/portal.${CSS_HASH}.css`;

const LangQuery = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 10 })) });
const HIDDEN = { hide: true } as const;
const REPORT_SUFFIX = '/bao-cao';
const SENT_FLAG = 'da-gui';

const ProblemReport = Type.Object({
  id: Type.String(),
  organisationId: Type.String(),
  productId: Type.String(),
  productName: Type.String(),
  gtin: Type.String(),
  lot: Nullable(Type.String()),
  serial: Nullable(Type.String()),
  message: Type.String(),
  contact: Nullable(Type.String()),
  locale: Type.String(),
  createdAt: DateTime,
});

function localeOf(request: FastifyRequest): Locale {
  const lang = (request.query as { lang?: unknown } | undefined)?.lang;
  if (lang === 'en' || lang === 'vi') return lang;
  return localeFromAcceptLanguage(request.headers['accept-language']);
}

export const portalRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db } = ctx;
  const pageContext = (request: FastifyRequest): PageContext => ({
    locale: localeOf(request),
    path: request.url.split('?')[0]!,
    stylesheet: STYLESHEET_PATH,
    publicUrl: ctx.config.publicUrl,
  });

  const send = (reply: FastifyReply, status: number, page: SafeHtml, cache: string) =>
    reply
      .status(status)
      .header('cache-control', cache)
      .header('vary', 'Accept-Language')
      .type('text/html; charset=utf-8')
      .send(page.value);

  /** Renders a page; absent things and malformed addresses get the friendly HTML pages, never JSON. */
  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    cache: string,
    render: (pc: PageContext) => Promise<SafeHtml>,
  ) {
    const pc = pageContext(request);
    try {
      return await send(reply, 200, await render(pc), cache);
    } catch (e) {
      if (isAppError(e) && (e.code === 'not_found' || e.code === 'validation')) {
        const status = e.code === 'not_found' ? 404 : 400;
        return send(reply, status, errorPageHtml(pc, status), 'no-store');
      }
      throw e;
    }
  }

  // Forms post `application/x-www-form-urlencoded`; parsed here only, into a flat record of strings, small bodies.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_request, body, done) => {
      const form: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(body as string)) if (!(k in form)) form[k] = v;
      done(null, form);
    },
  );

  app.get(
    '/static/portal.:hash',
    { schema: { ...HIDDEN, params: Type.Object({ hash: Type.String({ maxLength: 40 }) }) } },
    async (request, reply) => {
      if (request.params.hash !== `${CSS_HASH}.css`) throw new AppError('not_found', 'No such stylesheet');
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .type('text/css; charset=utf-8')
        .send(CSS);
    },
  );

  app.get(
    '/',
    {
      schema: {
        ...HIDDEN,
        querystring: Type.Object({
          lang: LangQuery.properties.lang,
          q: Type.Optional(Type.String({ maxLength: 200 })),
        }),
      },
    },
    async (request, reply) => {
      const q = request.query.q ?? '';
      return page(request, reply, q === '' ? 'public, max-age=60' : 'public, max-age=30', async (pc) =>
        homePageHtml(pc, await portal.portalHome(db, q)),
      );
    },
  );

  app.get(
    '/doanh-nghiep/:id',
    { schema: { ...HIDDEN, querystring: LangQuery, params: Type.Object({ id: Type.String({ maxLength: 200 }) }) } },
    async (request, reply) =>
      page(request, reply, 'public, max-age=300', async (pc) =>
        businessPageHtml(pc, await portal.businessProfile(db, request.params.id)),
      ),
  );

  app.get('/tieu-chuan', { schema: { ...HIDDEN, querystring: LangQuery } }, async (request, reply) =>
    page(request, reply, 'public, max-age=300', async (pc) =>
      standardsPageHtml(pc, await portal.publishedStandards(db)),
    ),
  );

  const StandardParams = Type.Object({ id: Type.String({ maxLength: 200 }) });
  app.get(
    '/tieu-chuan/:id',
    { schema: { ...HIDDEN, querystring: LangQuery, params: StandardParams } },
    async (request, reply) =>
      page(request, reply, 'public, max-age=300', async (pc) =>
        standardPageHtml(pc, await portal.standardGuide(db, request.params.id)),
      ),
  );
  app.get(
    '/tieu-chuan/:id/in',
    { schema: { ...HIDDEN, querystring: LangQuery, params: StandardParams } },
    async (request, reply) =>
      page(request, reply, 'public, max-age=300', async (pc) =>
        standardPrintHtml(pc, await portal.standardGuide(db, request.params.id)),
      ),
  );
  app.get('/tieu-chuan/:id/ho-so.json', { schema: { ...HIDDEN, params: StandardParams } }, async (request, reply) => {
    let guide;
    try {
      guide = await portal.standardGuide(db, request.params.id);
    } catch (e) {
      if (isAppError(e) && e.code === 'not_found')
        return send(reply, 404, errorPageHtml(pageContext(request), 404), 'no-store');
      throw e;
    }
    return reply
      .header('cache-control', 'public, max-age=300')
      .header('content-disposition', `attachment; filename="${guide.profileId}-v${guide.version}.json"`)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(guide.profile, null, 2));
  });

  const ConsumerQuery = Type.Object({
    lang: LangQuery.properties.lang,
    'bao-cao': Type.Optional(Type.String({ maxLength: 20 })),
  });

  app.get('/p/*', { schema: { ...HIDDEN, querystring: ConsumerQuery } }, async (request, reply) => {
    const path = request.url.split('?')[0]!.slice('/p'.length);
    if (path.endsWith(REPORT_SUFFIX)) {
      const target = `/p${path.slice(0, -REPORT_SUFFIX.length)}`;
      return reply.redirect(`${href(pageContext(request), target)}#bao-cao`, 303);
    }
    const sent = request.query['bao-cao'] === SENT_FLAG;
    return page(request, reply, 'no-store', async (pc) => {
      const data = await portal.consumerPage(db, portal.parseConsumerPath(path));
      return consumerPageHtml(pc, data, { sent });
    });
  });

  const ReportBody = Type.Object(
    {
      message: Type.Optional(Type.String({ maxLength: 10_000 })),
      contact: Type.Optional(Type.String({ maxLength: 1_000 })),
      website: Type.Optional(Type.String({ maxLength: 1_000 })),
    },
    { additionalProperties: true },
  );

  app.post(
    '/p/*',
    { schema: { ...HIDDEN, querystring: ConsumerQuery, body: ReportBody }, config: { publicForm: true } },
    async (request, reply) => {
      const pc = pageContext(request);
      const path = request.url.split('?')[0]!.slice('/p'.length);
      if (!path.endsWith(REPORT_SUFFIX)) return send(reply, 404, errorPageHtml(pc, 404), 'no-store');
      const body = request.body;
      const form: ReportFormState = { message: body.message ?? '', contact: body.contact ?? '' };
      let key: portal.ConsumerKey;
      try {
        key = portal.parseConsumerPath(path.slice(0, -REPORT_SUFFIX.length));
      } catch {
        return send(reply, 400, errorPageHtml(pc, 400), 'no-store');
      }
      const again = async (status: number, error: string) => {
        const data = await portal.consumerPage(db, key);
        return send(reply, status, consumerPageHtml(pc, data, { ...form, error }), 'no-store');
      };
      try {
        await portal.reportProblem(db, key, {
          message: form.message ?? '',
          contact: form.contact ?? '',
          website: body.website ?? '',
          locale: pc.locale,
          ip: request.ip,
        });
      } catch (e) {
        if (!isAppError(e)) throw e;
        if (e.code === 'not_found') return send(reply, 404, errorPageHtml(pc, 404), 'no-store');
        if (e.code === 'rate_limited') {
          void reply.header('retry-after', '3600');
          return again(429, t(pc.locale, 'portal.report.rateLimited'));
        }
        if (e.code === 'validation') {
          const text = e.fields
            .map((f) =>
              t(pc.locale, f.messageKey ?? f.message, {
                min: portal.REPORT_MESSAGE_MIN,
                max: f.field === 'contact' ? portal.REPORT_CONTACT_MAX : portal.REPORT_MESSAGE_MAX,
              }),
            )
            .join(' ');
          return again(400, text);
        }
        throw e;
      }
      const target = `/p${path.slice(0, -REPORT_SUFFIX.length)}`;
      return reply.redirect(`${href(pc, target, { 'bao-cao': SENT_FLAG })}#bao-cao`, 303);
    },
  );

  app.get(
    '/api/problem-reports',
    {
      schema: {
        tags: ['portal'],
        summary: 'Problem reports consumers sent from the consumer page (the brand owner’s, or all for the province)',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 200: Page(ProblemReport), ...ERROR_RESPONSES, 429: Problem },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const offset = request.query.offset ?? 0;
      const result = await portal.listProblemReports(db, request.caller, { limit, offset });
      return { ...result, limit, offset };
    },
  );
};
