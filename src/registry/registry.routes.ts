import fastifyMultipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { App, RoutePlugin } from '../http/context.ts';
import { ERROR_RESPONSES, IdParams, Page, PageQuery } from '../http/schemas.ts';
import { PROVINCES } from './admin-units.ts';
import * as locations from './location.service.ts';
import { readMedia } from './media.service.ts';
import * as organisations from './organisation.service.ts';
import * as groups from './product-group.service.ts';
import * as products from './product.service.ts';
import {
  Binary,
  Certification,
  CertificationCreate,
  CertificationPatch,
  Location,
  LocationCreate,
  LocationKind,
  LocationPatch,
  Organisation,
  OrganisationCreate,
  OrganisationKind,
  OrganisationPatch,
  OrganisationStatus,
  Product,
  ProductCreate,
  ProductGroup,
  ProductGroupCreate,
  ProductGroupPatch,
  ProductPatch,
  ProductStandard,
  ProductStandardBinding,
  Province,
  PublicProduct,
  SortQuery,
  Training,
  TrainingCreate,
  TrainingPatch,
  Unit,
} from './registry.schemas.ts';
import { UNITS } from './registry.rules.ts';
import * as trainings from './training.service.ts';
import { importRoutes } from './import.routes.ts';
import { readUpload } from './upload.ts';

/**
 * The registry API: organisations, locations, product groups, products (images, certifications), training sessions,
 * uploaded media and reference lists. Multipart parsing is registered here, for this plugin only.
 */
export const registryRoutes: RoutePlugin = async (app, { ctx }) => {
  await app.register(fastifyMultipart, {
    limits: { fileSize: ctx.config.maxUploadBytes, files: 1, fields: 10, fieldSize: 10_000, parts: 12 },
  });
  organisationRoutes(app, ctx.db);
  locationRoutes(app, ctx.db);
  productGroupRoutes(app, ctx.db);
  productRoutes(app, ctx.db);
  trainingRoutes(app, ctx.db);
  referenceRoutes(app, ctx.db);
  importRoutes(app, ctx);
};

type Db = Parameters<typeof organisations.getOrganisation>[0];

const page = <T>(result: { items: T[]; total: number }, limit: number, offset: number) => ({
  ...result,
  limit,
  offset,
});

function organisationRoutes(app: App, db: Db): void {
  const tags = ['organisations'];
  app.get(
    '/organisations',
    {
      schema: {
        tags,
        summary: 'Organisations: full records of those the caller may see, public profiles of other active ones',
        querystring: Type.Object({
          ...PageQuery,
          sort: SortQuery(['name', 'createdAt', 'kind', 'status', 'taxCode']),
          kind: Type.Optional(OrganisationKind),
          status: Type.Optional(OrganisationStatus),
        }),
        response: { 200: Page(Organisation), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, q, sort, kind, status } = request.query;
      return page(
        await organisations.listOrganisations(db, request.caller, { limit, offset, search: q, sort, kind, status }),
        limit,
        offset,
      );
    },
  );
  app.post(
    '/organisations',
    {
      schema: {
        tags,
        summary: 'Register an organisation (province)',
        body: OrganisationCreate,
        response: { 201: Organisation, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await organisations.createOrganisation(db, request.caller, request.body)),
  );
  app.get(
    '/organisations/:id',
    { schema: { tags, params: IdParams, response: { 200: Organisation, ...ERROR_RESPONSES } } },
    async (request) => organisations.getOrganisation(db, request.caller, request.params.id),
  );
  app.patch(
    '/organisations/:id',
    {
      schema: {
        tags,
        summary: 'Change an organisation (its own record; the province approves or suspends)',
        params: IdParams,
        body: OrganisationPatch,
        response: { 200: Organisation, ...ERROR_RESPONSES },
      },
    },
    async (request) => organisations.updateOrganisation(db, request.caller, request.params.id, request.body),
  );
}

function locationRoutes(app: App, db: Db): void {
  const tags = ['locations'];
  app.get(
    '/locations',
    {
      schema: {
        tags,
        summary: 'Locations of the organisations the caller may see',
        querystring: Type.Object({
          ...PageQuery,
          sort: SortQuery(['name', 'gln', 'kind', 'createdAt']),
          organisationId: Type.Optional(Type.String({ maxLength: 100 })),
          kind: Type.Optional(LocationKind),
          status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('archived')])),
          parentId: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: Page(Location), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, q, ...rest } = request.query;
      return page(
        await locations.listLocations(db, request.caller, { limit, offset, search: q, ...rest }),
        limit,
        offset,
      );
    },
  );
  app.post(
    '/locations',
    { schema: { tags, body: LocationCreate, response: { 201: Location, ...ERROR_RESPONSES } } },
    async (request, reply) => reply.status(201).send(await locations.createLocation(db, request.caller, request.body)),
  );
  app.get(
    '/locations/:id',
    { schema: { tags, params: IdParams, response: { 200: Location, ...ERROR_RESPONSES } } },
    async (request) => locations.getLocation(db, request.caller, request.params.id),
  );
  app.patch(
    '/locations/:id',
    { schema: { tags, params: IdParams, body: LocationPatch, response: { 200: Location, ...ERROR_RESPONSES } } },
    async (request) => locations.updateLocation(db, request.caller, request.params.id, request.body),
  );
  app.delete(
    '/locations/:id',
    {
      schema: {
        tags,
        summary: 'Archive a location (never deleted: events refer to it)',
        params: IdParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await locations.archiveLocation(db, request.caller, request.params.id);
      return reply.status(204).send(null);
    },
  );
}

function productGroupRoutes(app: App, db: Db): void {
  const tags = ['product-groups'];
  const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 60 }) });
  app.get(
    '/product-groups',
    {
      schema: {
        tags,
        summary: 'Product groups of the provincial plan and their sub-groups (public)',
        querystring: Type.Object({ q: PageQuery.q, includeInactive: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Array(ProductGroup), ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      groups.listProductGroups(db, {
        search: request.query.q,
        includeInactive: request.query.includeInactive ?? false,
      }),
  );
  app.get(
    '/product-groups/:code',
    { schema: { tags, params: CodeParams, response: { 200: ProductGroup, ...ERROR_RESPONSES } } },
    async (request) => groups.getProductGroup(db, request.params.code),
  );
  app.post(
    '/product-groups',
    { schema: { tags, body: ProductGroupCreate, response: { 201: ProductGroup, ...ERROR_RESPONSES } } },
    async (request, reply) => reply.status(201).send(await groups.createProductGroup(db, request.caller, request.body)),
  );
  app.patch(
    '/product-groups/:code',
    {
      schema: {
        tags,
        params: CodeParams,
        body: ProductGroupPatch,
        response: { 200: ProductGroup, ...ERROR_RESPONSES },
      },
    },
    async (request) => groups.updateProductGroup(db, request.caller, request.params.code, request.body),
  );
}

function productRoutes(app: App, db: Db): void {
  const tags = ['products'];
  const CertParams = Type.Object({ id: IdParams.properties.id, certificationId: IdParams.properties.id });
  const ImageParams = Type.Object({ id: IdParams.properties.id, mediaId: IdParams.properties.id });
  app.get(
    '/products',
    {
      schema: {
        tags,
        summary: 'Products of the organisations the caller may see',
        querystring: Type.Object({
          ...PageQuery,
          sort: SortQuery(['name', 'gtin', 'groupCode', 'createdAt']),
          organisationId: Type.Optional(Type.String({ maxLength: 100 })),
          groupCode: Type.Optional(Type.String({ maxLength: 60, description: 'A group and its sub-groups' })),
          status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('archived')])),
        }),
        response: { 200: Page(Product), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, q, ...rest } = request.query;
      return page(
        await products.listProducts(db, request.caller, { limit, offset, search: q, ...rest }),
        limit,
        offset,
      );
    },
  );
  app.post(
    '/products',
    { schema: { tags, body: ProductCreate, response: { 201: Product, ...ERROR_RESPONSES } } },
    async (request, reply) => reply.status(201).send(await products.createProduct(db, request.caller, request.body)),
  );
  app.get(
    '/products/:id',
    { schema: { tags, params: IdParams, response: { 200: Product, ...ERROR_RESPONSES } } },
    async (request) => products.getProduct(db, request.caller, request.params.id),
  );
  app.patch(
    '/products/:id',
    { schema: { tags, params: IdParams, body: ProductPatch, response: { 200: Product, ...ERROR_RESPONSES } } },
    async (request) => products.updateProduct(db, request.caller, request.params.id, request.body),
  );
  app.delete(
    '/products/:id',
    {
      schema: {
        tags,
        summary: 'Archive a product (never deleted: printed codes refer to it)',
        params: IdParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await products.archiveProduct(db, request.caller, request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/products/:id/standard',
    {
      schema: {
        tags,
        summary: 'The base standard version the product answers to (bound, or its product group’s current one)',
        params: IdParams,
        response: { 200: ProductStandard, ...ERROR_RESPONSES },
      },
    },
    async (request) => products.getProductStandard(db, request.caller, request.params.id),
  );
  app.put(
    '/products/:id/standard',
    {
      schema: {
        tags,
        summary: 'Bind the product to a published standard version (null: follow its group); lots are re-scored',
        params: IdParams,
        body: ProductStandardBinding,
        response: { 200: ProductStandard, ...ERROR_RESPONSES },
      },
    },
    async (request) => products.setProductStandard(db, request.caller, request.params.id, request.body.standardId),
  );
  app.post(
    '/products/:id/images',
    {
      schema: {
        tags,
        summary: 'Upload an image (multipart field `file`: JPEG, PNG or WebP; optional field `alt`)',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: Product, ...ERROR_RESPONSES, 413: ERROR_RESPONSES[400], 415: ERROR_RESPONSES[400] },
      },
    },
    async (request, reply) => {
      const upload = await readUpload(request);
      const product = await products.addProductImage(db, request.caller, request.params.id, {
        data: upload.data,
        filename: upload.filename,
        alt: upload.fields.alt,
      });
      return reply.status(201).send(product);
    },
  );
  app.delete(
    '/products/:id/images/:mediaId',
    { schema: { tags, params: ImageParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      await products.removeProductImage(db, request.caller, request.params.id, request.params.mediaId);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/products/:id/certifications',
    {
      schema: {
        tags,
        params: IdParams,
        body: CertificationCreate,
        response: { 201: Certification, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await products.addCertification(db, request.caller, request.params.id, request.body)),
  );
  app.patch(
    '/products/:id/certifications/:certificationId',
    {
      schema: {
        tags,
        params: CertParams,
        body: CertificationPatch,
        response: { 200: Certification, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      products.updateCertification(db, request.caller, request.params.id, request.params.certificationId, request.body),
  );
  app.delete(
    '/products/:id/certifications/:certificationId',
    { schema: { tags, params: CertParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      await products.removeCertification(db, request.caller, request.params.id, request.params.certificationId);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/products/:id/certifications/:certificationId/document',
    {
      schema: {
        tags,
        summary: 'Upload the certificate document (multipart field `file`: PDF, JPEG, PNG or WebP)',
        consumes: ['multipart/form-data'],
        params: CertParams,
        response: { 200: Certification, ...ERROR_RESPONSES, 413: ERROR_RESPONSES[400], 415: ERROR_RESPONSES[400] },
      },
    },
    async (request) => {
      const upload = await readUpload(request);
      return products.attachCertificationDocument(
        db,
        request.caller,
        request.params.id,
        request.params.certificationId,
        {
          data: upload.data,
          filename: upload.filename,
        },
      );
    },
  );
  app.get(
    '/public/products/:gtin',
    {
      schema: {
        tags,
        summary: 'The public face of a product (anyone): name, images, producer profile, certifications',
        params: Type.Object({ gtin: Type.String({ minLength: 8, maxLength: 14, pattern: '^[0-9]+$' }) }),
        response: { 200: PublicProduct, ...ERROR_RESPONSES },
      },
    },
    async (request) => products.getPublicProduct(db, request.params.gtin),
  );
  app.get(
    '/media/:id',
    {
      schema: {
        tags: ['media'],
        summary: 'An uploaded image or document, with its sniffed content type',
        params: IdParams,
        response: { 200: Binary, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const media = await readMedia(db, request.caller, request.params.id);
      return reply
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', 'inline')
        .header('etag', `"${media.sha256}"`)
        .header('cache-control', media.public ? 'public, max-age=86400' : 'private, no-store')
        .type(media.contentType)
        .send(media.data);
    },
  );
}

function trainingRoutes(app: App, db: Db): void {
  const tags = ['trainings'];
  const AttendanceParams = Type.Object({ id: IdParams.properties.id, organisationId: IdParams.properties.id });
  app.get(
    '/trainings',
    {
      schema: {
        tags,
        summary: 'Training sessions (attendance: all for the province, the caller’s own otherwise)',
        querystring: Type.Object({
          ...PageQuery,
          sort: SortQuery(['heldOn', 'title']),
          organisationId: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: Page(Training), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, q, ...rest } = request.query;
      return page(
        await trainings.listTrainings(db, request.caller, { limit, offset, search: q, ...rest }),
        limit,
        offset,
      );
    },
  );
  app.post(
    '/trainings',
    { schema: { tags, body: TrainingCreate, response: { 201: Training, ...ERROR_RESPONSES } } },
    async (request, reply) => reply.status(201).send(await trainings.createTraining(db, request.caller, request.body)),
  );
  app.get(
    '/trainings/:id',
    { schema: { tags, params: IdParams, response: { 200: Training, ...ERROR_RESPONSES } } },
    async (request) => trainings.getTraining(db, request.caller, request.params.id),
  );
  app.patch(
    '/trainings/:id',
    { schema: { tags, params: IdParams, body: TrainingPatch, response: { 200: Training, ...ERROR_RESPONSES } } },
    async (request) => trainings.updateTraining(db, request.caller, request.params.id, request.body),
  );
  app.delete(
    '/trainings/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      await trainings.deleteTraining(db, request.caller, request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.put(
    '/trainings/:id/attendance/:organisationId',
    {
      schema: {
        tags,
        summary: 'Record how many people of an organisation attended',
        params: AttendanceParams,
        body: Type.Object({ attendees: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: { 200: Training, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      trainings.recordAttendance(
        db,
        request.caller,
        request.params.id,
        request.params.organisationId,
        request.body.attendees,
      ),
  );
  app.delete(
    '/trainings/:id/attendance/:organisationId',
    { schema: { tags, params: AttendanceParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      await trainings.removeAttendance(db, request.caller, request.params.id, request.params.organisationId);
      return reply.status(204).send(null);
    },
  );
}

function referenceRoutes(app: App, _db: Db): void {
  const tags = ['reference'];
  app.get(
    '/admin-units/provinces',
    {
      schema: {
        tags,
        summary: 'The 34 provincial-level units after the July 2025 reform, with their official codes',
        response: { 200: Type.Array(Province) },
      },
    },
    async () => PROVINCES.map((p) => ({ ...p })),
  );
  app.get(
    '/units',
    {
      schema: {
        tags,
        summary: 'Units of measure accepted for net content (UN/ECE Recommendation 20 codes)',
        response: { 200: Type.Array(Unit) },
      },
    },
    async () => Object.entries(UNITS).map(([code, names]) => ({ code, name: names.vi, nameEn: names.en })),
  );
}
