import fastifyWebsocket from '@fastify/websocket';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../http/context.ts';
import { Problem } from '../http/schemas.ts';
import { AppError } from '../shared/errors.ts';
import * as capture from './capture.service.ts';
import { EPCIS_CONTEXT, toXml } from './index.ts';
import { queryResultsDocument, type EpcFormat } from './query-document.ts';
import * as query from './query.service.ts';
import type { RawParams } from './query-params.ts';
import { checkEventStreamUpgrade, registerSubscriptionRoutes, serveEventStream } from './subscription.routes.ts';

/**
 * The EPCIS 2.0 REST binding under `/epcis`: capture (jobs), single-event capture, queries, the top-level
 * resources, named queries and discovery. Bodies are read raw (JSON-LD or XML) and handed to the codecs, which
 * bound their size, depth and entities; answers are JSON-LD unless the client accepts only XML.
 */

const JSON_TYPES = ['application/json', 'application/ld+json'];
const XML_TYPES = ['application/xml', 'text/xml'];
const EPC_FORMATS = new Set<EpcFormat>([
  'No_Preference',
  'Always_GS1_Digital_Link',
  'Always_EPC_URN',
  'Never_Translates',
]);

const ERRORS = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 406: Problem, 413: Problem, 415: Problem };

function bodyFormat(request: FastifyRequest): 'json' | 'xml' {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (JSON_TYPES.includes(type)) return 'json';
  if (XML_TYPES.includes(type)) return 'xml';
  throw new AppError('unsupported_media_type', 'Send application/ld+json, application/json or application/xml');
}

/** JSON-LD unless the Accept header prefers XML; 406 when it accepts neither. */
function answerFormat(request: FastifyRequest): 'json' | 'xml' {
  const accept = request.headers.accept;
  if (!accept || accept.includes('*/*') || accept.includes('application/*')) return 'json';
  const types = accept.split(',').map((p) => p.split(';')[0]!.trim().toLowerCase());
  const json = types.findIndex((t) => JSON_TYPES.includes(t));
  const xml = types.findIndex((t) => XML_TYPES.includes(t));
  if (json === -1 && xml === -1)
    throw new AppError('not_acceptable', 'This resource is available as application/ld+json or application/xml');
  if (json === -1) return 'xml';
  if (xml === -1) return 'json';
  return xml < json ? 'xml' : 'json';
}

function epcFormat(request: FastifyRequest): EpcFormat {
  const header = request.headers['gs1-epc-format'];
  return typeof header === 'string' && EPC_FORMATS.has(header as EpcFormat) ? (header as EpcFormat) : 'No_Preference';
}

function setStandardHeaders(reply: FastifyReply): void {
  void reply.header('GS1-EPCIS-Version', '2.0.0');
  void reply.header('GS1-CBV-Version', '2.0.0');
  void reply.header('GS1-EPCIS-Min', '2.0.0');
  void reply.header('GS1-EPCIS-Max', '2.0.0');
  void reply.header('GS1-CBV-Min', '2.0.0');
  void reply.header('GS1-CBV-Max', '2.0.0');
}

function rawParams(request: FastifyRequest): RawParams {
  return request.query as RawParams;
}

function singleString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** `TX-Standards-Behaviour`: warn (the default) or reject; see docs/standards.md. */
function standardsBehaviour(header: unknown): capture.StandardsBehaviour {
  const value = singleString(header)?.trim().toLowerCase();
  if (value === undefined || value === 'warn') return 'warn';
  if (value === 'reject') return 'reject';
  throw new AppError('validation', 'TX-Standards-Behaviour must be warn or reject', {
    fields: [{ field: 'TX-Standards-Behaviour', message: 'warn or reject' }],
  });
}

/**
 * The capture channel the back-office names in `X-Truyxuat-Channel` (web: the guided form sent at once; offline: a
 * record the phone kept and synced later), honoured only for a signed-in person (session cookie): an API key's
 * capture stays `api` (or `provider` under a delegation) whatever it claims. A session without the header is the
 * back-office too, so it counts as `web`.
 */
function clientChannel(request: FastifyRequest): { channel?: capture.CaptureChannel } {
  if (request.caller.kind !== 'user') return {};
  const value = singleString(request.headers['x-truyxuat-channel'])?.trim().toLowerCase();
  if (value === undefined || value === 'web') return { channel: 'web' };
  if (value === 'offline') return { channel: 'offline' };
  throw new AppError('validation', 'X-Truyxuat-Channel must be web or offline', {
    fields: [{ field: 'X-Truyxuat-Channel', message: 'web or offline' }],
  });
}

function perPage(request: FastifyRequest): number | undefined {
  const raw = singleString((request.query as Record<string, unknown>).perPage);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new AppError('validation', 'perPage must be a positive integer', {
      problemType: 'epcisException:QueryParameterException',
    });
  }
  return n;
}

export const epcisRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db, config } = ctx;
  const captureFileLimit = config.maxBodyBytes;

  // Raw bodies: the codecs parse them with their own bounds (size, depth, no DTD).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    [...JSON_TYPES, ...XML_TYPES],
    { parseAs: 'buffer', bodyLimit: captureFileLimit },
    (_request, body, done) => done(null, body),
  );
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: captureFileLimit }, (_request, _body, done) =>
    done(
      new AppError('unsupported_media_type', 'Send application/ld+json, application/json or application/xml'),
      undefined,
    ),
  );

  app.addHook('onSend', async (_request, reply) => setStandardHeaders(reply));

  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  registerSubscriptionRoutes(app, ctx);

  async function sendEvents(
    request: FastifyRequest,
    reply: FastifyReply,
    page: query.QueryPage,
    queryName?: string,
  ): Promise<FastifyReply> {
    const format = answerFormat(request);
    const { document, namespaces } = queryResultsDocument(
      page.events.map((e) => ({ document: e.document, recordTime: e.recordTime, namespaces: e.namespaces })),
      { format: epcFormat(request), ...(queryName ? { queryName } : {}) },
    );
    if (page.nextPageToken) {
      const url = new URL(request.url, 'http://localhost');
      url.searchParams.set('nextPageToken', page.nextPageToken);
      void reply.header('Link', `<${url.pathname}${url.search}>; rel="next"`);
    }
    if (format === 'xml') {
      // GS1-CBV-XML-Format (REST binding): standard CBV values as URNs on request, Web URIs otherwise.
      const cbvFormat = request.headers['gs1-cbv-xml-format'] === 'Always_URN' ? 'urn' : 'webUri';
      return reply.type('application/xml; charset=utf-8').send(toXml(document, namespaces, { cbvFormat }));
    }
    return reply.type('application/ld+json; charset=utf-8').send(JSON.stringify(document));
  }

  const queryOptions = (request: FastifyRequest) => {
    const q = request.query as Record<string, unknown>;
    const token = singleString(q.nextPageToken);
    const onBehalfOf = singleString(q.onBehalfOf);
    const n = perPage(request);
    return {
      ...(token ? { nextPageToken: token } : {}),
      ...(onBehalfOf ? { onBehalfOf } : {}),
      ...(n ? { perPage: n } : {}),
    };
  };

  app.get(
    '/',
    { schema: { tags: ['epcis'], summary: 'EPCIS 2.0 discovery: the resources this server offers' } },
    async () => ({
      '@context': 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      type: 'Collection',
      member: [
        'capture',
        'events',
        'eventTypes',
        'epcs',
        'bizSteps',
        'bizLocations',
        'readPoints',
        'dispositions',
        'queries',
      ],
    }),
  );

  app.get(
    '/context.jsonld',
    { schema: { tags: ['epcis'], summary: 'The EPCIS 2.0 JSON-LD context, served from the bundled copy' } },
    async (_request, reply) =>
      reply
        .type('application/ld+json; charset=utf-8')
        .header('cache-control', 'public, max-age=86400')
        .send(JSON.stringify(EPCIS_CONTEXT)),
  );

  app.options(
    '/capture',
    { schema: { tags: ['epcis'], summary: 'Capture limits and behaviour' } },
    async (_request, reply) =>
      reply
        .status(204)
        .header('Allow', 'OPTIONS, GET, POST')
        .header('GS1-EPCIS-Capture-Limit', String(capture.CAPTURE_EVENT_LIMIT))
        .header('GS1-EPCIS-Capture-File-Size-Limit', String(captureFileLimit))
        .header('GS1-Capture-Error-Behaviour', 'rollback, proceed')
        .send(),
  );

  app.post(
    '/capture',
    {
      schema: {
        tags: ['epcis'],
        summary: 'Capture an EPCISDocument or EPCISQueryDocument (JSON-LD or XML); answers 202 with the capture job',
        description:
          'Header GS1-Capture-Error-Behaviour: rollback (default, all or nothing) or proceed. Header TX-Standards-Behaviour: warn (default: findings against the products’ standards listed as the job’s warnings) or reject (a missing required key data element refuses the capture). Query onBehalfOf: an organisation that delegated capture to the caller.',
        response: { 202: Type.Object({ captureID: Type.String() }), ...ERRORS },
      },
    },
    async (request, reply) => {
      const behaviourHeader = singleString(request.headers['gs1-capture-error-behaviour']);
      if (behaviourHeader !== undefined && behaviourHeader !== 'rollback' && behaviourHeader !== 'proceed') {
        throw new AppError('validation', 'GS1-Capture-Error-Behaviour must be rollback or proceed');
      }
      const onBehalfOf = singleString((request.query as Record<string, unknown>).onBehalfOf);
      const { captureId } = await capture.submitCapture(db, request.caller, {
        body: request.body as Buffer,
        format: bodyFormat(request),
        errorBehaviour: behaviourHeader ?? 'rollback',
        standardsBehaviour: standardsBehaviour(request.headers['tx-standards-behaviour']),
        ...(onBehalfOf ? { onBehalfOf } : {}),
        ...clientChannel(request),
      });
      ctx.onWork?.();
      return reply.status(202).header('Location', `/epcis/capture/${captureId}`).send({ captureID: captureId });
    },
  );

  app.get(
    '/capture',
    { schema: { tags: ['epcis'], summary: 'Capture jobs of the caller’s organisation' } },
    async (request) => capture.listCaptureJobs(db, request.caller),
  );

  app.get(
    '/capture/:captureID',
    {
      schema: {
        tags: ['epcis'],
        summary: 'One capture job',
        params: Type.Object({ captureID: Type.String({ maxLength: 100 }) }),
      },
    },
    async (request) => capture.getCaptureJob(db, request.caller, request.params.captureID),
  );

  app.post(
    '/events',
    {
      schema: {
        tags: ['epcis'],
        summary: 'Capture one event (or a document) synchronously; 201 with the event’s Location',
        response: {
          201: Type.Object({ eventIDs: Type.Array(Type.String()), stored: Type.Integer(), duplicates: Type.Integer() }),
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const format = bodyFormat(request);
      let body = request.body as Buffer;
      if (format === 'json') body = wrapSingleEvent(body);
      const onBehalfOf = singleString((request.query as Record<string, unknown>).onBehalfOf);
      const result = await capture.captureNow(db, request.caller, {
        body,
        format,
        standardsBehaviour: standardsBehaviour(request.headers['tx-standards-behaviour']),
        ...(onBehalfOf ? { onBehalfOf } : {}),
        ...clientChannel(request),
      });
      const first = result.eventIds[0];
      if (first) void reply.header('Location', `/epcis/events/${encodeURIComponent(first)}`);
      return reply
        .status(201)
        .send({ eventIDs: [...result.eventIds], stored: result.stored, duplicates: result.duplicates });
    },
  );

  app.get(
    '/events',
    { schema: { tags: ['epcis'], summary: 'Query events with the EPCIS 2.0 query parameters' } },
    async (request, reply) =>
      sendEvents(
        request,
        reply,
        await query.queryEvents(db, request.caller, rawParams(request), queryOptions(request)),
      ),
  );

  app.get(
    '/events/:eventID',
    {
      schema: {
        tags: ['epcis'],
        summary: 'One event by its eventID',
        params: Type.Object({ eventID: Type.String({ maxLength: 500 }) }),
      },
    },
    async (request, reply) => {
      const event = await query.getEvent(db, request.caller, request.params.eventID);
      return sendEvents(request, reply, { events: [event], nextPageToken: null });
    },
  );

  const resources = [
    ['eventTypes', 'eventType'],
    ['bizSteps', 'EQ_bizStep'],
    ['bizLocations', 'EQ_bizLocation'],
    ['readPoints', 'EQ_readPoint'],
    ['dispositions', 'EQ_disposition'],
    ['epcs', 'MATCH_anyEPC'],
  ] as const;
  for (const [resource, parameter] of resources) {
    app.get(
      `/${resource}`,
      { schema: { tags: ['epcis'], summary: `The ${resource} in the events you may see` } },
      async (request, reply) => {
        const after = singleString((request.query as Record<string, unknown>).nextPageToken) ?? null;
        const { members, next } = await query.listResource(db, request.caller, resource, perPage(request), after);
        if (next)
          void reply.header('Link', `</epcis/${resource}?nextPageToken=${encodeURIComponent(next)}>; rel="next"`);
        return {
          '@context': 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
          type: 'Collection',
          member: members,
        };
      },
    );
    app.get(
      `/${resource}/:value`,
      { schema: { tags: ['epcis'], params: Type.Object({ value: Type.String({ maxLength: 500 }) }) } },
      async (request) => ({
        type: 'Collection',
        member: ['events'],
        value: request.params.value,
      }),
    );
    app.get(
      `/${resource}/:value/events`,
      {
        schema: {
          tags: ['epcis'],
          summary: `Events for one of the ${resource}`,
          params: Type.Object({ value: Type.String({ maxLength: 500 }) }),
        },
      },
      async (request, reply) => {
        const params = { ...(request.query as Record<string, string | string[]>) } as Record<
          string,
          string | readonly string[]
        >;
        params[parameter] = request.params.value;
        return sendEvents(request, reply, await query.queryEvents(db, request.caller, params, queryOptions(request)));
      },
    );
  }

  app.get(
    '/queries',
    { schema: { tags: ['epcis'], summary: 'Named queries of the caller’s organisation' } },
    async (request) => query.listNamedQueries(db, request.caller),
  );

  app.post('/queries', { schema: { tags: ['epcis'], summary: 'Create a named query' } }, async (request, reply) => {
    let body: unknown;
    try {
      body = JSON.parse((request.body as Buffer).toString('utf8'));
    } catch {
      throw new AppError('validation', 'The body must be JSON: {"name": …, "query": {…}}');
    }
    const b = body as { name?: unknown; query?: unknown };
    if (typeof b.name !== 'string' || typeof b.query !== 'object' || b.query === null || Array.isArray(b.query)) {
      throw new AppError('validation', 'The body must be {"name": string, "query": object}');
    }
    await query.createNamedQuery(db, request.caller, b.name, b.query as Record<string, unknown>);
    return reply
      .status(201)
      .header('Location', `/epcis/queries/${encodeURIComponent(b.name)}`)
      .send();
  });

  app.get(
    '/queries/:queryName',
    { schema: { tags: ['epcis'], params: Type.Object({ queryName: Type.String({ maxLength: 100 }) }) } },
    async (request) => ({
      name: request.params.queryName,
      query: await query.getNamedQuery(db, request.caller, request.params.queryName),
    }),
  );

  app.delete(
    '/queries/:queryName',
    { schema: { tags: ['epcis'], params: Type.Object({ queryName: Type.String({ maxLength: 100 }) }) } },
    async (request, reply) => {
      await query.deleteNamedQuery(db, request.caller, request.params.queryName);
      return reply.status(204).send();
    },
  );

  app.route({
    method: 'GET',
    url: '/queries/:queryName/events',
    schema: {
      tags: ['epcis'],
      summary: 'Run a named query, or subscribe to it over a WebSocket (stream=true or the schedule parameters)',
      params: Type.Object({ queryName: Type.String({ maxLength: 100 }) }),
    },
    preValidation: async (request) => checkEventStreamUpgrade(ctx, request, epcFormat(request)),
    handler: async (request, reply) => {
      const stored = await query.getNamedQuery(db, request.caller, request.params.queryName);
      const page = await query.queryEvents(db, request.caller, stored, queryOptions(request));
      return sendEvents(request, reply, page, request.params.queryName);
    },
    wsHandler: (socket, request) => serveEventStream(ctx, socket, request),
  });
};

/** `POST /events` takes a bare event too: wrap it in an EPCISDocument so one code path validates it. */
function wrapSingleEvent(body: Buffer): Buffer {
  const text = body.toString('utf8').replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{')) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return body; // the codec reports the syntax error with its position
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return body;
  const o = parsed as Record<string, unknown>;
  if (o.type === 'EPCISDocument' || o.type === 'EPCISQueryDocument') return body;
  const { '@context': context, ...event } = o;
  return Buffer.from(
    JSON.stringify({
      '@context': context ?? 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: new Date().toISOString(),
      epcisBody: { eventList: [event] },
    }),
  );
}
