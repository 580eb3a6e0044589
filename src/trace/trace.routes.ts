import { Type, type Static } from '@sinclair/typebox';
import type { RoutePlugin } from '../http/context.ts';
import { ERROR_RESPONSES, IdParams, Nullable } from '../http/schemas.ts';
import { dbFor, IDEMPOTENCY_RESPONSES, IdempotencyKeyHeaders } from '../http/idempotency.ts';
import { AppError } from '../shared/errors.ts';
import { fsmaCsvOf, fsmaXlsx, lotExport, productExport } from './export.service.ts';
import { RECALL_ACTIONS } from './recall-actions.ts';
import { recallReportPdf } from './recall-report.ts';
import { listShipments, rejectShipment, SHIPMENT_STATUSES } from './shipments.service.ts';
import {
  acknowledgeRecall,
  closeRecall,
  refreshRecallImpact,
  getRecall,
  listRecalls,
  openRecall,
  RECALL_STEPS,
  recallSpreadsheet,
  recordRecallAction,
  SEVERITIES,
} from './recall.service.ts';
import { massBalance, parseTraceIdentifier, traceBackward, traceForward, MAX_DEPTH_LIMIT } from './trace.service.ts';

const Organisation = Type.Object({ id: Type.String(), name: Type.String() });

const TraceEvent = Type.Object({
  eventID: Type.String(),
  type: Type.String(),
  action: Nullable(Type.String()),
  bizStep: Nullable(Type.String()),
  disposition: Nullable(Type.String()),
  eventTime: Type.String({ format: 'date-time' }),
  bizLocation: Nullable(Type.String()),
  readPoint: Nullable(Type.String()),
  role: Type.String(),
  quantity: Nullable(Type.Number()),
  uom: Nullable(Type.String()),
  organisationId: Type.String(),
  ilmd: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

const TraceNode = Type.Object({
  key: Type.String({ description: 'The identifier, or opaque:N for a node held privately by another organisation' }),
  depth: Type.Integer(),
  opaque: Type.Boolean(),
  heldBy: Type.Optional(Organisation),
  identifier: Type.Optional(Type.String()),
  gtin: Type.Optional(Nullable(Type.String())),
  lot: Type.Optional(Nullable(Type.String())),
  serial: Type.Optional(Nullable(Type.String())),
  isClass: Type.Optional(Type.Boolean()),
  productName: Type.Optional(Nullable(Type.String())),
  container: Type.Optional(Type.Boolean()),
  organisations: Type.Optional(Type.Array(Organisation)),
  events: Type.Optional(Type.Array(TraceEvent)),
});

const TraceResponse = Type.Object({
  direction: Type.Union([Type.Literal('backward'), Type.Literal('forward')]),
  root: Type.String(),
  maxDepth: Type.Integer(),
  truncated: Type.Boolean(),
  nodes: Type.Array(TraceNode),
  edges: Type.Array(
    Type.Object({
      from: Type.String(),
      to: Type.String(),
      kind: Type.String(),
      eventID: Nullable(Type.String()),
      quantity: Nullable(Type.Number()),
      uom: Nullable(Type.String()),
    }),
  ),
  lots: Type.Array(Type.String()),
  organisations: Type.Array(Organisation),
  locations: Type.Array(Type.String()),
  eventCount: Type.Integer(),
});

const IdentifierQuery = {
  id: Type.Optional(Type.String({ maxLength: 2000, description: 'Digital Link, element string, EPC URN or URI' })),
  gtin: Type.Optional(Type.String({ maxLength: 14 })),
  lot: Type.Optional(Type.String({ maxLength: 20 })),
};
const TraceQuery = Type.Object({
  ...IdentifierQuery,
  maxDepth: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DEPTH_LIMIT })),
});
type TraceQuery = Static<typeof TraceQuery>;

const Finding = Type.Object({
  code: Type.String(),
  messageKey: Type.Optional(Type.String()),
  severity: Type.String(),
  subject: Type.String(),
  message: Type.String(),
  details: Type.Record(Type.String(), Nullable(Type.Union([Type.Number(), Type.String()]))),
});
const MassBalanceResponse = Type.Object({
  identifier: Type.String(),
  lot: Type.Object({
    subject: Type.String(),
    unit: Nullable(Type.String()),
    produced: Type.Number(),
    received: Type.Number(),
    shipped: Type.Number(),
    consumed: Type.Number(),
    findings: Type.Array(Finding),
  }),
  transformations: Type.Array(
    Type.Object({
      eventID: Type.String(),
      subject: Type.String(),
      input: Nullable(Type.Number()),
      output: Nullable(Type.Number()),
      unit: Nullable(Type.String()),
      yield: Nullable(Type.Number()),
      findings: Type.Array(Finding),
    }),
  ),
  findings: Type.Array(Finding),
});

const RecallResponse = Type.Object({
  id: Type.String(),
  organisationId: Nullable(Type.String()),
  reason: Type.String(),
  severity: Type.String(),
  status: Type.String(),
  mock: Type.Boolean(),
  lots: Type.Array(Type.String()),
  openedAt: Type.String({ format: 'date-time' }),
  closedAt: Nullable(Type.String({ format: 'date-time' })),
  impact: Type.Object({
    lots: Type.Array(
      Type.Object({
        identifier: Type.String(),
        depth: Type.Integer(),
        productName: Nullable(Type.String()),
        organisations: Type.Array(Organisation),
        quantities: Type.Array(Type.Object({ quantity: Type.Number(), uom: Type.String() })),
      }),
    ),
    organisations: Type.Array(Organisation),
    locations: Type.Array(Type.String()),
  }),
  acknowledgements: Type.Array(
    Type.Object({
      organisationId: Type.String(),
      acknowledgedAt: Nullable(Type.String({ format: 'date-time' })),
      note: Nullable(Type.String()),
    }),
  ),
  actions: Type.Array(
    Type.Object({
      id: Type.String(),
      organisationId: Type.String(),
      organisationName: Type.String(),
      lot: Type.String(),
      productName: Nullable(Type.String()),
      action: Type.String({ description: RECALL_ACTIONS.join(', ') }),
      quantity: Type.Number(),
      uom: Type.String(),
      note: Nullable(Type.String()),
      recordedAt: Type.String({ format: 'date-time' }),
    }),
  ),
  timings: Type.Object({
    steps: Type.Array(
      Type.Object({
        step: Type.String({ description: RECALL_STEPS.join(' → ') }),
        at: Nullable(Type.String({ format: 'date-time' })),
        durationMs: Nullable(Type.Number({ description: 'Since the step before it that was reached' })),
      }),
    ),
    totalMs: Type.Number({ description: 'From opened to closed, or to the last step reached' }),
    complete: Type.Boolean(),
  }),
});

const Shipment = Type.Object({
  eventID: Type.String(),
  shippedAt: Type.String({ format: 'date-time' }),
  lot: Type.String(),
  gtin: Nullable(Type.String()),
  productName: Nullable(Type.String()),
  quantity: Nullable(Type.Number()),
  uom: Nullable(Type.String()),
  from: Nullable(Organisation),
  to: Organisation,
  bizTransaction: Nullable(Type.String()),
  status: Type.String({ description: 'confirmed, unconfirmed or rejected' }),
  receipt: Nullable(
    Type.Object({
      eventID: Type.String(),
      receivedAt: Type.String({ format: 'date-time' }),
      quantity: Nullable(Type.Number()),
      uom: Nullable(Type.String()),
    }),
  ),
  rejection: Nullable(Type.Object({ reason: Type.String(), rejectedAt: Type.String({ format: 'date-time' }) })),
  findings: Type.Array(Finding),
});

/** `/api/trace`: backward and forward traces and the mass balance of a lot; `/api/recalls`. */
export const traceRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db } = ctx;
  const schema = (summary: string) => ({
    tags: ['trace'],
    summary,
    querystring: TraceQuery,
    response: { 200: TraceResponse, ...ERROR_RESPONSES },
  });
  const options = (q: TraceQuery) => (q.maxDepth !== undefined ? { maxDepth: q.maxDepth } : {});

  app.get(
    '/trace/back',
    { schema: schema('One step back and every step before: inputs, suppliers, origins') },
    async (request) => traceBackward(db, request.caller, parseTraceIdentifier(request.query), options(request.query)),
  );
  app.get(
    '/trace/forward',
    { schema: schema('One step forward and every step after: outputs, customers, shipments') },
    async (request) => traceForward(db, request.caller, parseTraceIdentifier(request.query), options(request.query)),
  );
  app.get(
    '/trace/mass-balance',
    {
      schema: {
        tags: ['trace'],
        summary: 'Mass balance of a lot: its transformations against the expected yield, shipped against available',
        querystring: Type.Object({
          ...IdentifierQuery,
          minYield: Type.Optional(Type.Number({ minimum: 0 })),
          maxYield: Type.Optional(Type.Number({ minimum: 0 })),
        }),
        response: { 200: MassBalanceResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { minYield, maxYield } = request.query;
      if ((minYield === undefined) !== (maxYield === undefined) || (minYield ?? 0) > (maxYield ?? 0))
        throw new AppError('validation', 'Give both minYield and maxYield, minYield ≤ maxYield', {
          fields: [{ field: 'minYield', message: 'give both, minYield ≤ maxYield' }],
        });
      const yieldRange =
        minYield !== undefined && maxYield !== undefined ? { min: minYield, max: maxYield } : undefined;
      return massBalance(db, request.caller, parseTraceIdentifier(request.query), { yieldRange });
    },
  );

  const ExportQuery = Type.Object({
    ...IdentifierQuery,
    from: Type.Optional(Type.String({ format: 'date-time', description: 'With gtin and no lot: events from' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'With gtin and no lot: events before' })),
  });
  // A lot (any identifier, or gtin + lot) exports its traces; a GTIN without lot, its events in [from, to).
  const exported = (caller: Parameters<typeof lotExport>[1], q: Static<typeof ExportQuery>) =>
    q.gtin && !q.lot && !q.id
      ? productExport(db, caller, {
          gtin: q.gtin,
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to) : undefined,
        })
      : lotExport(db, caller, parseTraceIdentifier(q));
  const exportFile = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(-80) || 'lot';
  app.get(
    '/trace/export.xlsx',
    {
      schema: {
        tags: ['trace'],
        summary: 'FSMA 204-style sortable spreadsheet of a lot: one sheet per critical tracking event (XLSX)',
        querystring: ExportQuery,
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const result = await exported(request.caller, request.query);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="trace-${exportFile(result.root)}.xlsx"`)
        .send(await fsmaXlsx(result));
    },
  );
  app.get(
    '/trace/export.csv',
    {
      schema: {
        tags: ['trace'],
        summary: 'FSMA 204-style sortable spreadsheet of a lot as one CSV (a column names the critical tracking event)',
        querystring: ExportQuery,
        response: { 200: Type.String(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const result = await exported(request.caller, request.query);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="trace-${exportFile(result.root)}.csv"`)
        .send(fsmaCsvOf(result));
    },
  );

  app.get(
    '/trace/shipments',
    {
      schema: {
        tags: ['trace'],
        summary: 'Shipments the caller sent or was sent, confirmed by a receipt or not, with quantity mismatches',
        querystring: Type.Object({
          status: Type.Optional(Type.Union(SHIPMENT_STATUSES.map((v) => Type.Literal(v)))),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }),
        response: { 200: Type.Array(Shipment), ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      listShipments(db, request.caller, {
        ...(request.query.status ? { status: request.query.status } : {}),
        ...(request.query.limit ? { limit: request.query.limit } : {}),
      }),
  );

  app.post(
    '/trace/shipments/rejections',
    {
      config: { idempotent: true },
      schema: {
        headers: IdempotencyKeyHeaders,
        tags: ['trace'],
        summary: 'The receiver rejects a shipment of a lot (its shipping event), with a reason; the sender is told',
        body: Type.Object({
          eventID: Type.String({ minLength: 1, maxLength: 2000 }),
          lot: Type.String({ minLength: 1, maxLength: 2000, description: 'Any identifier form of the shipped lot' }),
          reason: Type.String({ minLength: 1, maxLength: 2000 }),
        }),
        response: { 201: Shipment, ...ERROR_RESPONSES, ...IDEMPOTENCY_RESPONSES },
      },
    },
    async (request, reply) => {
      const lot = parseTraceIdentifier({ id: request.body.lot });
      return reply.status(201).send(await rejectShipment(dbFor(request, db), request.caller, { ...request.body, lot }));
    },
  );

  app.get(
    '/recalls',
    {
      schema: {
        tags: ['recall'],
        summary: 'Recalls the caller opened or is affected by (every recall for the province)',
        response: { 200: Type.Array(RecallResponse), ...ERROR_RESPONSES },
      },
    },
    async (request) => listRecalls(db, request.caller),
  );
  app.post(
    '/recalls',
    {
      config: { idempotent: true },
      schema: {
        headers: IdempotencyKeyHeaders,
        tags: ['recall'],
        summary: 'Open a recall for lots (any identifier form); the impact is their forward trace over the province',
        body: Type.Object({
          lots: Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { minItems: 1, maxItems: 100 }),
          reason: Type.String({ minLength: 1, maxLength: 2000 }),
          severity: Type.Union(SEVERITIES.map((v) => Type.Literal(v))),
          mock: Type.Optional(Type.Boolean()),
        }),
        response: { 201: RecallResponse, ...ERROR_RESPONSES, ...IDEMPOTENCY_RESPONSES },
      },
    },
    async (request, reply) => {
      const lots = request.body.lots.map((id) => parseTraceIdentifier({ id }));
      const recall = await openRecall(dbFor(request, db), request.caller, { ...request.body, lots });
      return reply.status(201).send(recall);
    },
  );
  app.get(
    '/recalls/:id',
    {
      schema: {
        tags: ['recall'],
        summary: 'One recall',
        params: IdParams,
        response: { 200: RecallResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => getRecall(db, request.caller, request.params.id),
  );
  app.post(
    '/recalls/:id/acknowledgements',
    {
      schema: {
        tags: ['recall'],
        summary: 'An affected organisation acknowledges the recall',
        params: IdParams,
        body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }),
        response: { 200: RecallResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => acknowledgeRecall(db, request.caller, request.params.id, request.body),
  );
  app.post(
    '/recalls/:id/actions',
    {
      config: { idempotent: true },
      schema: {
        headers: IdempotencyKeyHeaders,
        tags: ['recall'],
        summary: 'An affected organisation records what it did with a lot it holds (within the recorded quantity)',
        params: IdParams,
        body: Type.Object({
          lot: Type.String({
            minLength: 1,
            maxLength: 2000,
            description: 'Any identifier form of a lot of the impact',
          }),
          action: Type.Union(RECALL_ACTIONS.map((v) => Type.Literal(v))),
          quantity: Type.Number({ exclusiveMinimum: 0, maximum: 1e12 }),
          uom: Type.String({ minLength: 1, maxLength: 3, description: 'UN/ECE Rec 20 code: KGM, LTR, H87 …' }),
          note: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: { 201: RecallResponse, ...ERROR_RESPONSES, ...IDEMPOTENCY_RESPONSES },
      },
    },
    async (request, reply) => {
      const lot = parseTraceIdentifier({ id: request.body.lot });
      return reply
        .status(201)
        .send(
          await recordRecallAction(dbFor(request, db), request.caller, request.params.id, { ...request.body, lot }),
        );
    },
  );
  app.get(
    '/recalls/:id/export.xlsx',
    {
      schema: {
        tags: ['recall'],
        summary: 'The FSMA 204-style spreadsheet of the recalled lots (XLSX); the first one stops its stopwatch step',
        params: IdParams,
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const exported = await recallSpreadsheet(db, request.caller, request.params.id);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="recall-${request.params.id}.xlsx"`)
        .send(await fsmaXlsx(exported));
    },
  );
  app.get(
    '/recalls/:id/report.pdf',
    {
      schema: {
        tags: ['recall'],
        summary: 'The report of a recall as PDF: lots, impact, acknowledgements, timings (Vietnamese; ?lang=en)',
        params: IdParams,
        querystring: Type.Object({ lang: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')])) }),
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const recall = await getRecall(db, request.caller, request.params.id);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="recall-${request.params.id}.pdf"`)
        .send(await recallReportPdf(recall, request.query.lang ?? 'vi'));
    },
  );
  app.post(
    '/recalls/:id/close',
    {
      // Closing twice is refused (409); with a key, a retry of a close that was done gets its answer instead.
      config: { idempotent: true },
      schema: {
        headers: IdempotencyKeyHeaders,
        tags: ['recall'],
        summary: 'Close a recall (its opener or the province)',
        params: IdParams,
        response: { 200: RecallResponse, ...ERROR_RESPONSES, ...IDEMPOTENCY_RESPONSES },
      },
    },
    async (request) => closeRecall(dbFor(request, db), request.caller, request.params.id),
  );
  app.post(
    '/recalls/:id/impact',
    {
      schema: {
        tags: ['recall'],
        summary:
          'Bring the impact up to date with the events recorded since it was computed (its opener or the province); ' +
          'newly reached organisations are notified. It also happens by itself a little after such events are captured.',
        params: IdParams,
        response: { 200: RecallResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => refreshRecallImpact(db, request.caller, request.params.id),
  );
};
