import { Type } from '@sinclair/typebox';
import type { RoutePlugin } from '../http/context.ts';
import { DateTime, ERROR_RESPONSES, IdParams, Nullable } from '../http/schemas.ts';
import { parseTraceIdentifier } from '../trace/index.ts';
import { CredentialInput, StoredCredential } from './connector.routes.ts';
import * as crossNode from './cross-node.service.ts';

const RemoteNode = Type.Object({
  id: Type.String(),
  name: Type.String(),
  baseUrl: Type.String({ description: 'Root of the node: its Digital Link resolver answers at {baseUrl}/01/…' }),
  companyPrefixes: Type.Array(Type.String(), { description: 'GS1 company prefixes whose lots this node serves' }),
  credential: StoredCredential,
  createdAt: DateTime,
  updatedAt: DateTime,
});

const RemoteNodeFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  baseUrl: Type.String({ maxLength: 2000 }),
  companyPrefixes: Type.Array(Type.String({ pattern: '^[0-9]{4,12}$' }), { maxItems: 200 }),
  credential: Type.Optional(CredentialInput),
};

const AnsweringNode = Type.Object({ id: Type.String(), name: Type.String(), baseUrl: Type.String() });

const CrossNodeTrace = Type.Object({
  local: Type.Unknown({ description: 'The local trace, as GET /api/trace/backward or /forward answers it' }),
  remote: Type.Object({
    nodes: Type.Array(
      Type.Object({
        key: Type.String(),
        identifier: Type.String(),
        gtin: Nullable(Type.String()),
        lot: Nullable(Type.String()),
        depth: Type.Integer(),
        answeredBy: AnsweringNode,
        lastKnownAt: Nullable(
          Type.String({
            description: 'Set when the node could not be asked: its last known answer, from that time, is shown',
          }),
        ),
        events: Type.Array(
          Type.Object({
            eventID: Nullable(Type.String()),
            type: Type.String(),
            action: Nullable(Type.String()),
            bizStep: Nullable(Type.String()),
            disposition: Nullable(Type.String()),
            eventTime: Nullable(Type.String()),
            bizLocation: Nullable(Type.String()),
            readPoint: Nullable(Type.String()),
            role: Type.String(),
            quantity: Nullable(Type.Number()),
            uom: Nullable(Type.String()),
          }),
        ),
      }),
    ),
    edges: Type.Array(
      Type.Object({
        from: Type.String(),
        to: Type.String(),
        kind: Type.String(),
        eventID: Nullable(Type.String()),
        answeredBy: AnsweringNode,
      }),
    ),
    lookups: Type.Array(
      Type.Object({
        identifier: Type.String(),
        node: AnsweringNode,
        status: Type.String({ description: 'answered, no_link or failed' }),
        eventCount: Type.Integer(),
        error: Nullable(Type.String()),
        lastKnownAt: Nullable(
          Type.String({ description: 'A failed lookup answered from the node’s last known answer of that time' }),
        ),
      }),
    ),
    truncated: Type.Boolean(),
  }),
});

const TAGS = ['federation'];

/** `/api/federation/nodes` (remote EPCIS nodes, the province's) and `/api/federation/trace` (cross-node trace). */
export const crossNodeRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db } = ctx;

  app.get(
    '/federation/nodes',
    {
      schema: {
        tags: TAGS,
        summary: 'Remote EPCIS nodes a cross-node trace may ask (credentials never shown)',
        response: { 200: Type.Array(RemoteNode), ...ERROR_RESPONSES },
      },
    },
    async (request) => crossNode.listRemoteNodes(db, request.caller),
  );

  app.post(
    '/federation/nodes',
    {
      schema: {
        tags: TAGS,
        summary: 'Configure a remote EPCIS node (province)',
        body: Type.Object(RemoteNodeFields, { additionalProperties: false }),
        response: { 201: RemoteNode, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => reply.code(201).send(await crossNode.createRemoteNode(db, request.caller, request.body)),
  );

  app.patch(
    '/federation/nodes/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Change a remote node (a credential given replaces the stored one)',
        params: IdParams,
        body: Type.Partial(Type.Object(RemoteNodeFields), { additionalProperties: false }),
        response: { 200: RemoteNode, ...ERROR_RESPONSES },
      },
    },
    async (request) => crossNode.updateRemoteNode(db, request.caller, request.params.id, request.body),
  );

  app.delete(
    '/federation/nodes/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Remove a remote node',
        params: IdParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await crossNode.deleteRemoteNode(db, request.caller, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/federation/trace',
    {
      schema: {
        tags: TAGS,
        summary: 'Trace that continues on remote nodes through their resolver’s gs1:epcis link',
        querystring: Type.Object({
          id: Type.Optional(Type.String({ maxLength: 500, description: 'Digital Link, element string or EPC URN' })),
          gtin: Type.Optional(Type.String({ maxLength: 14 })),
          lot: Type.Optional(Type.String({ maxLength: 20 })),
          direction: Type.Optional(Type.Union([Type.Literal('backward'), Type.Literal('forward')])),
          maxDepth: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        }),
        response: { 200: CrossNodeTrace, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      crossNode.traceAcrossNodes(
        db,
        request.caller,
        parseTraceIdentifier(request.query),
        request.query.direction ?? 'backward',
        request.query.maxDepth !== undefined ? { maxDepth: request.query.maxDepth } : {},
      ),
  );
};
