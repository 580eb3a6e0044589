import { Type } from '@sinclair/typebox';
import type { App, AppContext } from '../http/context.ts';
import { ERROR_RESPONSES } from '../http/schemas.ts';
import { eventTemplate, importEvents } from './import.events.ts';
import { importSheet, importTemplate } from './import.service.ts';
import { readUpload } from './upload.ts';

const Entity = Type.Union([
  Type.Literal('organisations'),
  Type.Literal('locations'),
  Type.Literal('products'),
  Type.Literal('events'),
]);
const EntityParams = Type.Object({ entity: Entity });

const Report = Type.Object({
  entity: Type.String(),
  mode: Type.String(),
  format: Type.String(),
  rows: Type.Integer(),
  valid: Type.Integer(),
  written: Type.Integer(),
  duplicates: Type.Optional(Type.Integer({ description: 'events: rows already captured (same event hash)' })),
  errors: Type.Array(
    Type.Object({
      row: Type.Integer(),
      column: Type.Union([Type.String(), Type.Null()]),
      message: Type.Object({ vi: Type.String(), en: Type.String() }),
    }),
  ),
});

const MIME = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** Bulk import (multipart upload of a CSV or XLSX file) and the templates to fill in. */
export function importRoutes(app: App, ctx: AppContext): void {
  const tags = ['import'];
  app.post(
    '/import/:entity',
    {
      schema: {
        tags,
        summary:
          'Import a CSV or XLSX sheet (multipart field `file`); `events` are captured through EPCIS capture. all-or-nothing: any bad row → 400 with the report, ' +
          'nothing written; valid-rows-only: the valid rows are written and the report lists the others',
        consumes: ['multipart/form-data'],
        params: EntityParams,
        querystring: Type.Object({
          mode: Type.Optional(Type.Union([Type.Literal('all-or-nothing'), Type.Literal('valid-rows-only')])),
          organisationId: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: Report, ...ERROR_RESPONSES, 413: ERROR_RESPONSES[400], 415: ERROR_RESPONSES[400] },
      },
    },
    async (request) => {
      const upload = await readUpload(request);
      if (request.params.entity === 'events')
        return importEvents(ctx.db, request.caller, {
          mode: request.query.mode ?? 'all-or-nothing',
          data: upload.data,
          organisationId: request.query.organisationId,
        });
      return importSheet(ctx.db, request.caller, {
        entity: request.params.entity,
        mode: request.query.mode ?? 'all-or-nothing',
        data: upload.data,
        organisationId: request.query.organisationId,
      });
    },
  );
  for (const format of ['csv', 'xlsx'] as const) {
    app.get(
      `/import/:entity/template.${format}`,
      {
        schema: {
          tags,
          summary: `The ${format.toUpperCase()} template of an import: column names, one example row`,
          params: EntityParams,
          querystring: Type.Object({
            kind: Type.Optional(
              Type.Union([Type.Literal('observation'), Type.Literal('transformation'), Type.Literal('aggregation')], {
                description: 'events: observation (one row, one event; default), transformation or aggregation',
              }),
            ),
          }),
          response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...ERROR_RESPONSES },
        },
      },
      async (request, reply) =>
        reply
          .type(MIME[format])
          .header(
            'content-disposition',
            `attachment; filename="truyxuat-${request.params.entity}${request.query.kind ? `-${request.query.kind}` : ''}.${format}"`,
          )
          .header('x-content-type-options', 'nosniff')
          .send(
            request.params.entity === 'events'
              ? await eventTemplate(format, request.query.kind)
              : await importTemplate(request.params.entity, format),
          ),
    );
  }
}
