import fastifyMultipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { RoutePlugin } from '../http/context.ts';
import { DateTime, ERROR_RESPONSES, Nullable, Problem } from '../http/schemas.ts';
import { readUpload } from '../registry/upload.ts';
import * as photos from './event-photo.service.ts';

const EventPhoto = Type.Object({
  id: Type.String(),
  photoId: Type.String(),
  eventId: Type.String(),
  mediaId: Type.String(),
  url: Type.String(),
  contentType: Type.String(),
  byteSize: Type.Integer(),
  capturedAt: Nullable(DateTime),
  uploadedAt: DateTime,
});

const EventParams = Type.Object({ eventId: Type.String({ minLength: 1, maxLength: 500 }) });

/**
 * Photos attached to events (`/api/events/{eventID}/photos`). Multipart parsing is registered for this plugin only,
 * with the platform's upload limit (413 above it).
 */
export const eventPhotoRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db } = ctx;
  await app.register(fastifyMultipart, {
    limits: { fileSize: ctx.config.maxUploadBytes, files: 1, fields: 5, fieldSize: 1_000, parts: 6 },
  });
  const tags = ['events'];

  app.post(
    '/events/:eventId/photos',
    {
      schema: {
        tags,
        summary:
          'Attach a photo to an event the caller owns (multipart: `file` JPEG/PNG/WebP, `photoId` chosen by the ' +
          'device, optional `capturedAt`); the same photoId again answers 200 with the photo already stored',
        consumes: ['multipart/form-data'],
        params: EventParams,
        response: { 200: EventPhoto, 201: EventPhoto, ...ERROR_RESPONSES, 413: Problem, 415: Problem },
      },
    },
    async (request, reply) => {
      const upload = await readUpload(request);
      const result = await photos.attachEventPhoto(db, request.caller, request.params.eventId, {
        photoId: upload.fields.photoId,
        data: upload.data,
        filename: upload.filename,
        capturedAt: upload.fields.capturedAt,
      });
      return reply.status(result.created ? 201 : 200).send(result.photo);
    },
  );

  app.get(
    '/events/:eventId/photos',
    {
      schema: {
        tags,
        summary: 'The photos of an event (its owner, or the province)',
        params: EventParams,
        response: { 200: Type.Array(EventPhoto), ...ERROR_RESPONSES },
      },
    },
    async (request) => photos.listEventPhotos(db, request.caller, request.params.eventId),
  );

  app.get(
    '/lot-photos',
    {
      schema: {
        tags,
        summary: 'Photos of the events that mention a lot: the caller’s own events, or every one for the province',
        querystring: Type.Object({
          gtin: Type.String({ pattern: '^[0-9]{8,14}$' }),
          lot: Type.String({ minLength: 1, maxLength: 20 }),
        }),
        response: {
          200: Type.Array(
            Type.Composite([EventPhoto, Type.Object({ eventTime: DateTime, bizStep: Nullable(Type.String()) })]),
          ),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) =>
      photos.listLotPhotos(db, request.caller, { gtin: request.query.gtin.padStart(14, '0'), lot: request.query.lot }),
  );
};
