import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App, AppContext, RoutePlugin } from '../http/context.ts';
import { ERROR_RESPONSES, IdParams, Page, Problem } from '../http/schemas.ts';
import { aiTable } from '../identifiers/index.ts';
import { isProvinceCode } from '../registry/admin-units.ts';
import { AppError } from '../shared/errors.ts';
import { choicesPage, errorPage } from '../portal/index.ts';
import { localeFromAcceptLanguage } from '../shared/messages.ts';
import * as alerts from './alerts.service.ts';
import { linkHeaderOf, linksetDocument, type Resolution } from './decision.ts';
import { GS1_LINK_TYPES, GS1_VOC } from './link-types.ts';
import * as links from './links.service.ts';
import { acceptedLanguages, acceptedMediaTypes, LINKSET_MEDIA_TYPE, prefersHtml, wantsLinkset } from './negotiation.ts';
import { resolveDigitalLink, type ResolutionResult } from './resolution.service.ts';
import {
  AlertQuery,
  AlertView,
  LinkCreate,
  LinkPatch,
  LinkTypeView,
  LinkView,
  ResolverDescription,
  WithdrawalCreate,
  WithdrawalView,
} from './resolver.schemas.ts';
import { scanLogFor } from './scan-log.ts';
import { deviceClassOf, IpHasher, regionOf } from './scan-source.ts';

/** GS1's JSON-LD context that turns a resolver's linkset into JSON-LD (GS1-Conformant Resolver 1.2 artefacts). */
export const LINKSET_CONTEXT = 'https://ref.gs1.org/standards/resolver/linkset-context';
const JSONLD_CONTEXT_REL = 'http://www.w3.org/ns/json-ld#context';

/** The primary keys a Digital Link may start with (the AI table's `dlpkey` entries). */
const PRIMARY_KEYS = [...aiTable.values()].filter((e) => e.dlPrimaryKey !== null).map((e) => e.ai);

const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';

/**
 * The resolver at the root of the host: one route per Digital Link primary key (`/01/*`, `/414/*`, …), one for a
 * compressed Digital Link (a single path segment), and `/.well-known/gs1resolver`. Every answer allows any origin
 * (CORS) and exposes its `Link` header. The scans of registered products are recorded through the buffered scan
 * log, which is written out when the application closes.
 *
 * CORS is set here rather than with @fastify/cors: that plugin adds a catch-all `OPTIONS *` route, which from a
 * root-level plugin would answer preflight requests for the whole application (the API included).
 */
export const resolverRoutes: RoutePlugin = async (app, { ctx }) => {
  const scans = scanLogFor(ctx.db, {
    ...(ctx.onWork ? { onFlushed: ctx.onWork } : {}),
    onError: (error) => app.log.error({ err: error }, 'scan log write failed; scans kept for the next attempt'),
  });
  app.addHook('onClose', async () => scans.close());
  app.addHook('onSend', async (_request, reply) => {
    void reply.header('access-control-allow-origin', '*');
    void reply.header('access-control-expose-headers', 'Link, Location, Content-Type, Content-Language');
    void reply.header('cross-origin-resource-policy', 'cross-origin');
  });
  const hasher = new IpHasher();

  /** `compressedOnly`: the path is one segment, which is a Digital Link only if it decompresses. */
  const answer = async (request: FastifyRequest, reply: FastifyReply, compressedOnly = false) => {
    const raw = request.raw.url ?? request.url;
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const query = q < 0 ? '' : raw.slice(q + 1);
    const acceptHeader = request.headers.accept;
    const result = await resolveDigitalLink(ctx.db, ctx.config, path, {
      languages: acceptedLanguages(request.headers['accept-language']),
      accept: acceptedMediaTypes(acceptHeader),
      acceptsLinkset: wantsLinkset(acceptHeader),
      query,
      locale: localeFromAcceptLanguage(request.headers['accept-language']),
    });
    if (compressedOnly && !result.target.ok) throw notFoundAt(request);
    void reply.header('vary', 'Accept, Accept-Language');
    setLinkHeader(reply, ctx, result);
    const { resolution } = result;
    if (
      result.scanned &&
      request.method === 'GET' &&
      (resolution.kind === 'redirect' || resolution.kind === 'walkUp' || resolution.kind === 'choices')
    ) {
      const region = regionOf(
        {
          query: result.target.ok ? result.target.params.get('region') : undefined,
          header: headerValue(request, ctx.config.scanRegionHeader),
        },
        isProvinceCode,
      );
      const { gtin, lot, serial, stampId } = result.scanned;
      await scans.record({
        gtin,
        ...(lot !== undefined ? { lot } : {}),
        ...(serial !== undefined ? { serial } : {}),
        at: new Date(),
        region,
        device: deviceClassOf(request.headers['user-agent']),
        ipHash: hasher.hash(request.ip),
        stampId,
      });
    }
    return sendResolution(request, reply, ctx, result);
  };

  const options = (_request: FastifyRequest, reply: FastifyReply) =>
    reply
      .status(204)
      .header('allow', ALLOWED_METHODS)
      .header('access-control-allow-methods', ALLOWED_METHODS)
      .header('access-control-allow-headers', 'Accept, Accept-Language, Content-Type')
      .header('access-control-max-age', '86400')
      .send();

  const schema = {
    tags: ['resolver'],
    summary: 'GS1 Digital Link resolution (307 one link, 300 several, 200 linkset, 404, 400, 410)',
    response: { 200: LinksetSchema, 300: LinksetSchema, 400: Problem, 404: Problem, 410: Problem },
  };
  for (const ai of PRIMARY_KEYS) {
    // Every primary key resolves alike: the API documentation shows the GTIN route only, so that it stays small
    // enough for a browser to render (each route repeats the linkset schema).
    app.get(`/${ai}/*`, { schema: ai === '01' ? schema : { ...schema, hide: true } }, (request, reply) =>
      answer(request, reply),
    );
    app.options(`/${ai}/*`, { schema: { hide: true } }, options);
  }
  // A compressed Digital Link is one base64url segment (optionally followed by a slash).
  for (const route of ['/:compressed', '/:compressed/']) {
    app.get(route, { schema: { ...schema, hide: true } }, async (request, reply) => {
      const segment = (request.params as { compressed: string }).compressed;
      if (!/^[A-Za-z0-9_-]{4,}$/.test(segment)) throw notFoundAt(request);
      return answer(request, reply, true);
    });
    app.options(route, { schema: { hide: true } }, (request, reply) => {
      const segment = (request.params as { compressed: string }).compressed;
      if (!/^[A-Za-z0-9_-]{4,}$/.test(segment)) throw notFoundAt(request);
      return options(request, reply);
    });
  }

  app.get(
    '/.well-known/gs1resolver',
    {
      schema: {
        tags: ['resolver'],
        summary: 'Resolver description file (GS1-Conformant Resolver 1.2 §"resolver description file")',
        response: { 200: ResolverDescription },
      },
    },
    async () => describeResolver(ctx),
  );
  app.options('/.well-known/gs1resolver', { schema: { hide: true } }, options);
};

function notFoundAt(request: FastifyRequest): AppError {
  return new AppError('not_found', `No resource at ${request.method} ${request.url.split('?')[0]}`);
}

function headerValue(request: FastifyRequest, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const LinksetSchema = Type.Object(
  { linkset: Type.Array(Type.Object({ anchor: Type.String() }, { additionalProperties: true })) },
  { description: 'RFC 9264 linkset (application/linkset+json)' },
);

/** `Link` on every answer: the linkset, GS1's JSON-LD context for it, and the uncompressed URI of a compressed request. */
function setLinkHeader(reply: FastifyReply, ctx: AppContext, result: ResolutionResult): void {
  if (!result.target.ok) return;
  const root = ctx.config.publicUrl;
  const parts = [
    `<${root}${result.target.identifier}?linkType=linkset>; rel="linkset"; type="${LINKSET_MEDIA_TYPE}"`,
    `<${LINKSET_CONTEXT}>; rel="${JSONLD_CONTEXT_REL}"; type="application/ld+json"`,
  ];
  if (result.target.uncompressed !== null) parts.push(`<${result.target.uncompressed}>; rel="owl:sameAs"`);
  void reply.header('link', parts.join(', '));
}

/**
 * A browser (HTML ranked first, as a phone's camera app opens a scanned link) gets the portal's pages for the answers
 * that are not redirects, with the same status; every other client gets the linkset or a problem document.
 */
function sendPage(reply: FastifyReply, status: 300 | 400 | 404 | 410, body: string) {
  return reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
}

function sendResolution(request: FastifyRequest, reply: FastifyReply, ctx: AppContext, result: ResolutionResult) {
  const root = ctx.config.publicUrl;
  const { resolution, target } = result;
  if (
    prefersHtml(request.headers.accept) &&
    resolution.kind !== 'redirect' &&
    resolution.kind !== 'walkUp' &&
    resolution.kind !== 'linkset'
  ) {
    const page = {
      locale: localeFromAcceptLanguage(request.headers['accept-language']),
      path: (request.raw.url ?? request.url).split('?')[0]!,
      publicUrl: root,
    };
    if (resolution.kind === 'choices') {
      const existing = reply.getHeader('link');
      void reply.header('link', [existing, linkHeaderOf(resolution.links)].filter(Boolean).join(', '));
      const description = result.levels.find((l) => l.description !== null)?.description ?? null;
      return sendPage(reply, 300, choicesPage(page, description, resolution.links));
    }
    const status = resolution.kind === 'badRequest' ? 400 : resolution.kind === 'gone' ? 410 : 404;
    return sendPage(reply, status, errorPage(page, status));
  }
  switch (resolution.kind) {
    case 'badRequest':
      throw new AppError('validation', `Not a valid GS1 Digital Link: ${resolution.message}`);
    case 'notFound':
      throw new AppError(
        'not_found',
        resolution.reason === 'noSuchLinkType'
          ? `No link of type ${resolution.linkType ?? ''} for this identifier`
          : 'This identifier is not known to the resolver',
      );
    case 'gone':
      throw new AppError(
        'gone',
        `${resolution.identifier} was withdrawn${resolution.reason ? `: ${resolution.reason}` : ''}`,
      );
    case 'linkset':
      if (resolution.deprecatedAll) void reply.header('deprecation', 'true');
      return reply
        .status(200)
        .header('cache-control', 'public, max-age=60')
        .type(LINKSET_MEDIA_TYPE)
        .send(JSON.stringify(linksetDocument(resolution.levels, root)));
    case 'redirect':
    case 'walkUp': {
      // Every link available for the request travels in `Link` too (GS1 DL 1.1 resolution §8.7, "the full list").
      const all = result.levels.flatMap((l) => l.links);
      if (all.length > 0)
        void reply.header('link', [reply.getHeader('link'), linkHeaderOf(all)].filter(Boolean).join(', '));
      return reply.status(307).header('cache-control', 'no-store').header('location', resolution.location).send();
    }
    case 'choices': {
      const anchor = `${root}${target.ok ? target.identifier : ''}`;
      const document = { linkset: [{ anchor, ...groupByType(resolution.links) }] };
      const existing = reply.getHeader('link');
      void reply.header('link', [existing, linkHeaderOf(resolution.links)].filter(Boolean).join(', '));
      return reply
        .status(300)
        .header('cache-control', 'no-store')
        .type(LINKSET_MEDIA_TYPE)
        .send(JSON.stringify(document));
    }
  }
}

function groupByType(list: Extract<Resolution, { kind: 'choices' }>['links']) {
  const doc = linksetDocument(
    [{ identifier: '', description: null, links: list.map((l) => ({ ...l, isDefault: false })) }],
    '',
  );
  const { anchor: _anchor, ...rest } = doc.linkset[0]!;
  return rest;
}

/** The resolver description file (GS1-Conformant Resolver 1.2 §"resolver description file"). */
function describeResolver(ctx: AppContext) {
  return {
    name: 'truyxuat — GS1 Digital Link resolver',
    resolverRoot: ctx.config.publicUrl,
    supportedPrimaryKeys: PRIMARY_KEYS,
    supportedLinkType: [{ namespace: GS1_VOC, prefix: 'gs1:' }],
    linkTypeDefaultCanBeLinkset: false,
    linkTypeDefaultCanBeAll: false,
    supportsLanguageVariants: true,
    supportsSemanticInterpretation: false,
    validatesAIcombinations: true,
    linksetContext: LINKSET_CONTEXT,
    activeLinkTypes: Object.fromEntries([...GS1_LINK_TYPES].map(([curie, title]) => [curie, { title }])),
  };
}

/** `/api/resolver/...` (link management, withdrawals, the link-type list) and `/api/alerts`. */
export const resolverApiRoutes: RoutePlugin = async (app, { ctx }) => {
  linkRoutes(app, ctx);
  alertRoutes(app, ctx);
};

function linkRoutes(app: App, ctx: AppContext): void {
  const tags = ['resolver'];
  const db = ctx.db;
  app.get(
    '/resolver/link-types',
    {
      schema: {
        tags,
        summary: 'The GS1 Web Vocabulary link types a link may have (public)',
        response: { 200: Type.Array(LinkTypeView) },
      },
    },
    async () => [...GS1_LINK_TYPES].map(([linkType, title]) => ({ linkType, title })),
  );
  app.get(
    '/resolver/links',
    {
      schema: {
        tags,
        summary: "Links of the caller's products and locations, or of one identifier level",
        querystring: Type.Object({
          identifier: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 200: Page(LinkView), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { identifier, limit = 50, offset = 0 } = request.query;
      const result = await links.listLinks(db, request.caller, { identifier, limit, offset });
      return { ...result, limit, offset };
    },
  );
  app.post(
    '/resolver/links',
    {
      schema: {
        tags,
        summary: 'Publish a link for an identifier level of one of your products (GTIN) or locations (GLN)',
        body: LinkCreate,
        response: { 201: LinkView, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => reply.status(201).send(await links.createLink(db, request.caller, request.body)),
  );
  app.get(
    '/resolver/links/:id',
    { schema: { tags, params: IdParams, response: { 200: LinkView, ...ERROR_RESPONSES } } },
    async (request) => links.getLink(db, request.caller, request.params.id),
  );
  app.patch(
    '/resolver/links/:id',
    { schema: { tags, params: IdParams, body: LinkPatch, response: { 200: LinkView, ...ERROR_RESPONSES } } },
    async (request) => links.updateLink(db, request.caller, request.params.id, request.body),
  );
  app.delete(
    '/resolver/links/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      await links.deleteLink(db, request.caller, request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/resolver/withdrawals',
    {
      schema: {
        tags,
        summary: 'Identifier levels withdrawn (the resolver answers 410 Gone for them)',
        response: { 200: Type.Array(WithdrawalView), ...ERROR_RESPONSES },
      },
    },
    async (request) => links.listWithdrawals(db, request.caller),
  );
  app.post(
    '/resolver/withdrawals',
    {
      schema: {
        tags,
        summary: 'Withdraw an identifier level (and everything below it)',
        body: WithdrawalCreate,
        response: { 201: WithdrawalView, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => reply.status(201).send(await links.withdrawIdentifier(db, request.caller, request.body)),
  );
  app.delete(
    '/resolver/withdrawals',
    {
      schema: {
        tags,
        summary: 'Take a withdrawal back',
        querystring: Type.Object({ identifier: Type.String({ minLength: 1, maxLength: 500 }) }),
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await links.restoreIdentifier(db, request.caller, request.query.identifier);
      return reply.status(204).send(null);
    },
  );
}

function alertRoutes(app: App, ctx: AppContext): void {
  const tags = ['alerts'];
  const db = ctx.db;
  app.get(
    '/alerts',
    {
      schema: {
        tags,
        summary: 'Scan alerts: of your products (brand owner), or all of them (province)',
        querystring: AlertQuery,
        response: { 200: Page(AlertView), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, since, until, ...filters } = request.query;
      const result = await alerts.listAlerts(
        db,
        request.caller,
        {
          ...filters,
          ...(since ? { since: new Date(since) } : {}),
          ...(until ? { until: new Date(until) } : {}),
          limit,
          offset,
        },
        localeFromAcceptLanguage(request.headers['accept-language']),
      );
      return { ...result, limit, offset };
    },
  );
  app.get(
    '/alerts/:id',
    { schema: { tags, params: IdParams, response: { 200: AlertView, ...ERROR_RESPONSES } } },
    async (request) =>
      alerts.getAlert(
        db,
        request.caller,
        request.params.id,
        localeFromAcceptLanguage(request.headers['accept-language']),
      ),
  );
  app.post(
    '/alerts/:id/acknowledge',
    { schema: { tags, params: IdParams, response: { 200: AlertView, ...ERROR_RESPONSES } } },
    async (request) =>
      alerts.acknowledgeAlert(
        db,
        request.caller,
        request.params.id,
        localeFromAcceptLanguage(request.headers['accept-language']),
      ),
  );
}
