import { Type } from '@sinclair/typebox';
import type { RoutePlugin } from '../http/context.ts';
import { DateTime, ERROR_RESPONSES, IdParams, Nullable, Page } from '../http/schemas.ts';
import { dbFor, IDEMPOTENCY_RESPONSES, IdempotencyKeyHeaders } from '../http/idempotency.ts';
import { localeFromAcceptLanguage } from '../shared/messages.ts';
import * as labels from './labels.service.ts';

const StampStateSchema = Type.Union([
  Type.Literal('issued'),
  Type.Literal('activated'),
  Type.Literal('scanned'),
  Type.Literal('void'),
]);
const BatchState = Type.Union([
  Type.Literal('issued'),
  Type.Literal('partly_activated'),
  Type.Literal('activated'),
  Type.Literal('void'),
]);
const Layout = Type.Union([Type.Literal('a4-21'), Type.Literal('a4-40'), Type.Literal('a4-65')], {
  description: 'a4-21: 63.5 × 38.1 mm (Avery L7160); a4-40: 45.7 × 25.4 mm (L7654); a4-65: 38.1 × 21.2 mm (L7651)',
});
const Lot = Type.String({ minLength: 1, maxLength: 20, description: 'GS1 AI 10 lot number' });
const Sequence = Type.Integer({ minimum: 1, maximum: labels.MAX_BATCH_QUANTITY });
const RangeQuery = {
  from: Type.Optional(Sequence),
  to: Type.Optional(Sequence),
};

const Batch = Type.Object({
  id: Type.String(),
  organisationId: Type.String(),
  productId: Type.String(),
  productName: Type.String(),
  gtin: Type.String(),
  lot: Nullable(Type.String()),
  quantity: Type.Integer(),
  layout: Layout,
  withVerificationCode: Type.Boolean(),
  state: BatchState,
  counts: Type.Object({
    issued: Type.Integer(),
    activated: Type.Integer(),
    scanned: Type.Integer(),
    void: Type.Integer(),
  }),
  createdAt: DateTime,
  updatedAt: DateTime,
});
const Stamp = Type.Object({
  id: Type.String(),
  sequence: Type.Integer(),
  serial: Type.String(),
  gtin: Type.String(),
  uri: Type.String({ description: 'The GS1 Digital Link the QR code encodes' }),
  lot: Nullable(Type.String()),
  state: StampStateSchema,
  hasVerificationCode: Type.Boolean(),
  activatedAt: Nullable(DateTime),
  firstScannedAt: Nullable(DateTime),
  lastScannedAt: Nullable(DateTime),
  scanCount: Type.Integer(),
});
const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

/** Serialized stamp batches: order, list, activate to a lot, void, print (PDF) and export (CSV). */
export const labelsRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db, config } = ctx;
  const tags = ['stamps'];

  app.post(
    '/stamp-batches',
    {
      config: { idempotent: true },
      schema: {
        tags,
        headers: IdempotencyKeyHeaders,
        summary: 'Order a batch of serialized stamps for a product of the organisation (optionally for a lot)',
        body: Type.Object({
          productId: Type.String({ minLength: 1, maxLength: 100 }),
          quantity: Type.Integer({ minimum: 1, maximum: labels.MAX_BATCH_QUANTITY }),
          lot: Type.Optional(Lot),
          layout: Type.Optional(Layout),
          withVerificationCode: Type.Optional(
            Type.Boolean({ description: 'Print an 8-digit code under a scratch-off on each label' }),
          ),
        }),
        response: { 201: Batch, ...ERROR_RESPONSES, ...IDEMPOTENCY_RESPONSES },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await labels.orderStampBatch(dbFor(request, db), request.caller, request.body)),
  );

  app.get(
    '/stamp-batches',
    {
      schema: {
        tags,
        summary: 'Stamp batches, latest first, with their stamps counted by state',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          productId: Type.Optional(Type.String({ maxLength: 100 })),
          lot: Type.Optional(Lot),
          state: Type.Optional(BatchState),
        }),
        response: { 200: Page(Batch), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, productId, lot, state } = request.query;
      const page = await labels.listStampBatches(db, request.caller, { limit, offset, productId, lot, state });
      return { ...page, limit, offset };
    },
  );

  app.get(
    '/stamp-batches/:id',
    {
      schema: {
        tags,
        summary: 'A stamp batch with its stamps counted by state',
        params: IdParams,
        response: { 200: Batch, ...ERROR_RESPONSES },
      },
    },
    async (request) => labels.getStampBatch(db, request.caller, request.params.id),
  );

  app.get(
    '/stamp-batches/:id/stamps',
    {
      schema: {
        tags,
        summary: 'The stamps of a batch in sequence order (paged; optionally a state or a range)',
        params: IdParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          state: Type.Optional(StampStateSchema),
          ...RangeQuery,
        }),
        response: { 200: Page(Stamp), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit = 100, offset = 0, state, from, to } = request.query;
      const page = await labels.listStamps(db, request.caller, config.publicUrl, request.params.id, {
        limit,
        offset,
        state,
        from,
        to,
      });
      return { ...page, limit, offset };
    },
  );

  app.get(
    '/stamps',
    {
      schema: {
        tags,
        summary: 'One stamp by GTIN and serial (what its QR Digital Link carries), with its batch',
        description:
          "Answers the caller's own stamps, those of the organisations that delegated `stamps:manage` to it, and " +
          'every stamp for the province; any other stamp is 404, as an unknown one. The GTIN (8, 12, 13 or 14 ' +
          'digits) must have a valid check digit; the serial is matched exactly.',
        querystring: Type.Object({
          gtin: Type.String({ minLength: 1, maxLength: 14, description: 'GTIN-8/12/13/14 (AI 01)' }),
          serial: Type.String({ minLength: 1, maxLength: 20, description: 'The serial (AI 21), exactly as encoded' }),
        }),
        response: {
          200: Type.Composite([Stamp, Type.Object({ batchId: Type.String(), batch: Batch })]),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) =>
      labels.findStampBySerial(db, request.caller, config.publicUrl, request.query.gtin, request.query.serial),
  );

  app.post(
    '/stamp-batches/:id/activate',
    {
      schema: {
        tags,
        summary: 'Activate the whole batch or a range of sequence numbers to a lot (at packing)',
        description:
          'Issued stamps of the range become activated and bound to the lot; an EPCIS commissioning event records ' +
          'their serials with the lot. Void stamps, or stamps activated to another lot, refuse the change (409 ' +
          'naming their ranges in `conflictingRanges`).',
        params: IdParams,
        body: Type.Object({ lot: Type.Optional(Lot), ...RangeQuery }),
        response: { 200: Type.Object({ activated: Type.Integer(), batch: Batch }), ...ERROR_RESPONSES },
      },
    },
    async (request) => labels.activateStamps(db, request.caller, request.params.id, request.body),
  );

  app.post(
    '/stamp-batches/:id/void',
    {
      schema: {
        tags,
        summary: 'Void the whole batch or a range of sequence numbers (spoiled or lost stamps); void is final',
        params: IdParams,
        body: Type.Object(RangeQuery),
        response: { 200: Type.Object({ voided: Type.Integer(), batch: Batch }), ...ERROR_RESPONSES },
      },
    },
    async (request) => labels.voidStamps(db, request.caller, request.params.id, request.body),
  );

  app.get(
    '/stamp-batches/:id/labels.pdf',
    {
      schema: {
        tags,
        summary: 'Printable A4 label sheets of the batch (void stamps left out), in its layout or another',
        params: IdParams,
        querystring: Type.Object({
          layout: Type.Optional(Layout),
          lang: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')])),
          ...RangeQuery,
        }),
        response: { 200: Binary, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { lang, ...query } = request.query;
      const locale = lang ?? localeFromAcceptLanguage(request.headers['accept-language']);
      const { filename, pdf } = await labels.stampLabelsPdf(
        db,
        request.caller,
        config.publicUrl,
        request.params.id,
        query,
        locale,
      );
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(pdf);
    },
  );

  app.get(
    '/stamp-batches/:id/stamps.csv',
    {
      schema: {
        tags,
        summary: 'The batch for industrial printers: serial, Digital Link, element string, lot, code (CSV)',
        params: IdParams,
        querystring: Type.Object(RangeQuery),
        response: { 200: Binary, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { filename, csv } = await labels.stampsCsvFile(
        db,
        request.caller,
        config.publicUrl,
        request.params.id,
        request.query,
      );
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(csv);
    },
  );
};
