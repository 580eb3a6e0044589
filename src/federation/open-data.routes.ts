import { Type } from '@sinclair/typebox';
import type { RoutePlugin } from '../http/context.ts';
import { AppError } from '../shared/errors.ts';
import { DATASETS, openDataTable, toCsv } from './open-data.service.ts';

const HIDDEN_PROBLEMS = { 404: Type.Object({}, { additionalProperties: true }) };

/**
 * `/open-data/`: the public, published information as files — `/open-data/{organisations|products|standards}.json`
 * and `.csv` — for the provincial website and anyone who reuses it. No authentication; cached for five minutes.
 */
export const openDataRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/open-data/',
    {
      schema: {
        tags: ['open-data'],
        summary: 'The open datasets (dữ liệu mở) and their files',
        response: {
          200: Type.Object({
            datasets: Type.Array(Type.Object({ name: Type.String(), json: Type.String(), csv: Type.String() })),
            licence: Type.String(),
          }),
        },
      },
    },
    async (_request, reply) => {
      void reply.header('cache-control', 'public, max-age=300');
      return {
        datasets: DATASETS.map((name) => ({ name, json: `/open-data/${name}.json`, csv: `/open-data/${name}.csv` })),
        licence: 'CC BY 4.0',
      };
    },
  );

  app.get(
    '/open-data/:file',
    {
      schema: {
        tags: ['open-data'],
        summary: 'One open dataset as JSON ({name}.json) or CSV ({name}.csv, UTF-8, formula-safe)',
        params: Type.Object({ file: Type.String({ maxLength: 40 }) }),
        response: { 200: Type.Unknown(), ...HIDDEN_PROBLEMS },
      },
    },
    async (request, reply) => {
      const match = /^([a-z]+)\.(json|csv)$/.exec(request.params.file);
      if (!match) throw new AppError('not_found', 'No such open-data file');
      const table = await openDataTable(ctx.db, match[1]!);
      void reply.header('cache-control', 'public, max-age=300');
      void reply.header('access-control-allow-origin', '*');
      if (match[2] === 'csv') {
        void reply.header('content-disposition', `attachment; filename="truyxuat-${table.dataset}.csv"`);
        return reply.type('text/csv; charset=utf-8').send(toCsv(table));
      }
      return reply.type('application/json; charset=utf-8').send(
        JSON.stringify({
          dataset: table.dataset,
          generatedAt: new Date().toISOString(),
          count: table.rows.length,
          items: table.rows,
        }),
      );
    },
  );
};
