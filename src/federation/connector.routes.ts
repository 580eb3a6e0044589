import { Type } from '@sinclair/typebox';
import type { RoutePlugin } from '../http/context.ts';
import { DateTime, ERROR_RESPONSES, IdParams, Nullable } from '../http/schemas.ts';
import * as connectors from './connector.service.ts';

/** Credentials are write-only: given on create or change, never in an answer. */
export const CredentialInput = Type.Object(
  {
    kind: Type.Union([Type.Literal('none'), Type.Literal('bearer'), Type.Literal('basic')]),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'bearer: the token or API key' })),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    password: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false, description: 'Stored encrypted; never returned' },
);

export const StoredCredential = Type.Object({
  kind: Type.String({ description: 'none, bearer or basic' }),
  stored: Type.Boolean(),
});

const Connector = Type.Object({
  id: Type.String(),
  organisationId: Type.String({ description: 'The organisation the captured events are recorded for' }),
  organisationName: Type.String(),
  name: Type.String(),
  endpointUrl: Type.String(),
  query: Type.Record(Type.String(), Type.String()),
  credential: StoredCredential,
  intervalSeconds: Type.Integer(),
  perPage: Type.Integer(),
  enabled: Type.Boolean(),
  cursor: Type.Object({
    since: Nullable(Type.String({ description: 'GE_recordTime of the current pass' })),
    midQuery: Type.Boolean({ description: 'A pass stopped between pages and resumes at its next page' }),
  }),
  running: Type.Boolean(),
  lastRunAt: Nullable(DateTime),
  lastSuccessAt: Nullable(DateTime),
  lastError: Nullable(Type.String()),
  consecutiveFailures: Type.Integer(),
  createdAt: DateTime,
  mode: Type.String({ description: 'pull (polled on a schedule) or subscribe (the remote delivers by webhook)' }),
  subscription: Nullable(
    Type.Object({
      active: Type.Boolean({ description: 'The remote holds our subscription' }),
      subscribedAt: Nullable(DateTime),
      error: Nullable(Type.String({ description: 'Why the last subscribe or unsubscribe failed' })),
      inboxUrl: Nullable(Type.String({ description: 'The dest the remote delivers to' })),
    }),
  ),
});

const ConnectorRun = Type.Object({
  id: Type.String(),
  connectorId: Type.String(),
  trigger: Type.String({ description: 'schedule or manual' }),
  status: Type.String({ description: 'running, ok or failed' }),
  startedAt: DateTime,
  finishedAt: Nullable(DateTime),
  pages: Type.Integer(),
  fetched: Type.Integer(),
  stored: Type.Integer(),
  duplicates: Type.Integer(),
  resumed: Type.Boolean({ description: 'The run continued a pass a failed run left between pages' }),
  error: Nullable(Type.String()),
  conflicts: Type.Integer({ description: 'Events left out: this node holds a different event under their eventID' }),
  conflictDetail: Type.Array(Type.Object({ eventID: Type.String(), message: Type.String() }), {
    description: 'The first 100 of them',
  }),
});

const ConnectorFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  endpointUrl: Type.String({
    maxLength: 2000,
    description: 'EPCIS 2.0 query endpoint: …/epcis/events or …/epcis/queries/{name}/events',
  }),
  query: Type.Optional(
    Type.Record(Type.String(), Type.String({ maxLength: 2000 }), {
      description:
        'EPCIS query parameters (e.g. EQ_bizStep, MATCH_anyEPCClass); GE_recordTime and paging are the connector’s',
    }),
  ),
  credential: Type.Optional(CredentialInput),
  intervalSeconds: Type.Integer({ minimum: 60, maximum: 604800 }),
  perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  enabled: Type.Optional(Type.Boolean()),
};

const TAGS = ['federation'];

/** `/api/federation/connectors`: pull connectors to remote EPCIS 2.0 query endpoints, their run log and run-now. */
export const connectorRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db } = ctx;

  app.get(
    '/federation/connectors',
    {
      schema: {
        tags: TAGS,
        summary: 'Pull connectors of the caller’s organisation (all of them for the province)',
        response: { 200: Type.Array(Connector), ...ERROR_RESPONSES },
      },
    },
    async (request) => connectors.listConnectors(db, request.caller),
  );

  app.post(
    '/federation/connectors',
    {
      schema: {
        tags: TAGS,
        summary: 'Register a pull connector; its first run is queued at once',
        body: Type.Object(
          {
            ...ConnectorFields,
            organisationId: Type.Optional(Type.String({ maxLength: 100 })),
            mode: Type.Optional(
              Type.Union([Type.Literal('pull'), Type.Literal('subscribe')], {
                description:
                  'subscribe: create an EPCIS subscription on the remote named query (endpointUrl …/queries/{name}/events) delivering to this node',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: Connector, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const created = await connectors.createConnector(db, request.caller, request.body, ctx.config);
      ctx.onWork?.();
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/federation/connectors/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'One pull connector',
        params: IdParams,
        response: { 200: Connector, ...ERROR_RESPONSES },
      },
    },
    async (request) => connectors.getConnector(db, request.caller, request.params.id),
  );

  app.patch(
    '/federation/connectors/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Change a pull connector (a new endpoint or query starts its cursor again)',
        params: IdParams,
        body: Type.Partial(Type.Object(ConnectorFields), { additionalProperties: false }),
        response: { 200: Connector, ...ERROR_RESPONSES },
      },
    },
    async (request) => connectors.updateConnector(db, request.caller, request.params.id, request.body, ctx.config),
  );

  app.delete(
    '/federation/connectors/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Remove a pull connector and its run log (captured events stay)',
        params: IdParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await connectors.deleteConnector(db, request.caller, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/federation/connectors/:id/runs',
    {
      schema: {
        tags: TAGS,
        summary: 'The run log of a connector, newest first',
        params: IdParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
        response: { 200: Type.Array(ConnectorRun), ...ERROR_RESPONSES },
      },
    },
    async (request) => connectors.listConnectorRuns(db, request.caller, request.params.id, request.query.limit),
  );

  // The inbox a subscribing connector's remote delivers to. No caller: the GS1-Signature (HMAC-SHA256 of the exact
  // body under the connector's signature token) is the authentication, so the body is read as bytes.
  await app.register(async (inbox) => {
    inbox.addContentTypeParser(
      ['application/json', 'application/ld+json'],
      { parseAs: 'buffer', bodyLimit: 64 * 1024 * 1024 },
      (_request, body, done) => done(null, body),
    );
    inbox.post(
      '/federation/connectors/:id/inbox',
      {
        config: { publicForm: true },
        schema: {
          tags: TAGS,
          summary: 'Deliveries of the remote subscription of a subscribing connector (EPCISQueryDocument, signed)',
          params: IdParams,
          response: {
            202: Type.Object({
              accepted: Type.Boolean({ description: 'Kept; the worker captures it and logs a run' }),
              events: Type.Integer(),
            }),
            ...ERROR_RESPONSES,
          },
        },
      },
      async (request, reply) => {
        const signature = request.headers['gs1-signature'];
        const receipt = await connectors.receiveInbox(
          db,
          (request.params as { id: string }).id,
          request.body as Buffer,
          typeof signature === 'string' ? signature : undefined,
        );
        ctx.onWork?.();
        return reply.code(202).send(receipt);
      },
    );
  });

  app.post(
    '/federation/connectors/:id/run',
    {
      schema: {
        tags: TAGS,
        summary: 'Run the connector now and answer with the run (409 while another run holds it)',
        params: IdParams,
        response: { 200: ConnectorRun, ...ERROR_RESPONSES },
      },
    },
    async (request) => connectors.runConnectorNow(db, request.caller, request.params.id),
  );
};
