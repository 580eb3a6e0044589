import { Type, type TLiteral } from '@sinclair/typebox';
import { DateTime, Nullable } from '../http/schemas.ts';
import { CERTIFICATION_KINDS, LOCATION_KINDS, ORGANISATION_KINDS, ORGANISATION_STATUSES } from './registry.rules.ts';

/** TypeBox schemas of the registry API (request and response). */

// The mapped tuple keeps each literal type (a plain map would widen the union to never in the type provider).
const literals = <const T extends readonly string[]>(values: T) => {
  const schemas = values.map((v) => Type.Literal(v)) as { -readonly [K in keyof T]: TLiteral<T[K]> };
  return Type.Union(schemas);
};

/** `sort=name` or `sort=-name`, limited to a whitelist of fields. */
export const SortQuery = (keys: readonly string[]) =>
  Type.Optional(
    Type.Union(
      keys.flatMap((k) => [Type.Literal(k), Type.Literal(`-${k}`)]),
      { description: `Sort by ${keys.join(', ')}; prefix - for descending` },
    ),
  );

const Text = (max = 500) => Type.String({ maxLength: max });
const OptText = (max = 500) => Type.Optional(Nullable(Text(max)));

export const OrganisationKind = literals(ORGANISATION_KINDS);
export const OrganisationStatus = literals(ORGANISATION_STATUSES);

const organisationFields = {
  name: Type.String({ minLength: 1, maxLength: 500 }),
  nameEn: OptText(),
  taxCode: Type.Optional(Nullable(Type.String({ maxLength: 20, description: 'MST: 10 digits, or 10 digits -NNN' }))),
  kind: OrganisationKind,
  gs1CompanyPrefix: Type.Optional(Nullable(Type.String({ maxLength: 12 }))),
  primaryGln: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
  address: OptText(),
  provinceCode: Type.Optional(Nullable(Type.String({ maxLength: 2, description: 'Huế is 46' }))),
  communeCode: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
  communeName: OptText(),
  contactName: OptText(),
  contactEmail: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  contactPhone: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
  usesBarcodes: Type.Optional(Type.Boolean()),
  status: Type.Optional(OrganisationStatus),
};

export const OrganisationCreate = Type.Object(organisationFields, { additionalProperties: false });
export const OrganisationPatch = Type.Partial(Type.Object(organisationFields), { additionalProperties: false });

/** The full record (own organisation, delegating organisations, the province) or a public profile. */
export const Organisation = Type.Object({
  visibility: Type.Union([Type.Literal('full'), Type.Literal('public')]),
  id: Type.String(),
  name: Type.String(),
  nameEn: Nullable(Type.String()),
  kind: Type.String(),
  provinceCode: Nullable(Type.String()),
  communeName: Nullable(Type.String()),
  primaryGln: Nullable(Type.String()),
  taxCode: Type.Optional(Nullable(Type.String())),
  gs1CompanyPrefix: Type.Optional(Nullable(Type.String())),
  address: Type.Optional(Nullable(Type.String())),
  communeCode: Type.Optional(Nullable(Type.String())),
  contactName: Type.Optional(Nullable(Type.String())),
  contactEmail: Type.Optional(Nullable(Type.String())),
  contactPhone: Type.Optional(Nullable(Type.String())),
  usesBarcodes: Type.Optional(Type.Boolean()),
  status: Type.Optional(Type.String()),
  createdAt: Type.Optional(DateTime),
  updatedAt: Type.Optional(DateTime),
});

export const LocationKind = literals(LOCATION_KINDS);

const locationFields = {
  gln: Type.String({ maxLength: 20, description: 'GLN, 13 digits with its check digit' }),
  name: Type.String({ minLength: 1, maxLength: 500 }),
  nameEn: OptText(),
  kind: LocationKind,
  latitude: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
  longitude: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
  growingAreaCode: Type.Optional(Nullable(Type.String({ maxLength: 30, description: 'VN-<province>OR-NNNN' }))),
  packingHouseCode: Type.Optional(Nullable(Type.String({ maxLength: 30, description: 'VN-<province>PH-NNNN' }))),
  parentId: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  address: OptText(),
  provinceCode: Type.Optional(Nullable(Type.String({ maxLength: 2 }))),
  communeCode: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
  communeName: OptText(),
};

export const LocationCreate = Type.Object(
  { ...locationFields, organisationId: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
);
export const LocationPatch = Type.Partial(
  Type.Object({ ...locationFields, status: literals(['active', 'archived'] as const) }),
  { additionalProperties: false },
);

export const Location = Type.Object({
  id: Type.String(),
  organisationId: Type.String(),
  gln: Type.String(),
  name: Type.String(),
  nameEn: Nullable(Type.String()),
  kind: Type.String(),
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
  growingAreaCode: Nullable(Type.String()),
  packingHouseCode: Nullable(Type.String()),
  parentId: Nullable(Type.String()),
  address: Nullable(Type.String()),
  provinceCode: Nullable(Type.String()),
  communeCode: Nullable(Type.String()),
  communeName: Nullable(Type.String()),
  status: Type.String(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const ProductGroup = Type.Object({
  code: Type.String(),
  parentCode: Nullable(Type.String()),
  name: Type.String(),
  nameEn: Type.String(),
  sortOrder: Type.Integer(),
  active: Type.Boolean(),
});

const productGroupFields = {
  parentCode: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  nameEn: Type.String({ minLength: 1, maxLength: 200 }),
  sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  active: Type.Optional(Type.Boolean()),
};
export const ProductGroupCreate = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 60 }), ...productGroupFields },
  { additionalProperties: false },
);
export const ProductGroupPatch = Type.Partial(Type.Object(productGroupFields), { additionalProperties: false });

const DateOnly = Type.String({ maxLength: 10, description: 'YYYY-MM-DD' });

const certificationFields = {
  kind: literals(CERTIFICATION_KINDS),
  number: OptText(),
  issuer: OptText(),
  ocopStars: Type.Optional(Nullable(Type.Integer({ description: 'OCOP only: 3 to 5' }))),
  validFrom: Type.Optional(Nullable(DateOnly)),
  validTo: Type.Optional(Nullable(DateOnly)),
};
export const CertificationCreate = Type.Object(certificationFields, { additionalProperties: false });
export const CertificationPatch = Type.Partial(Type.Object(certificationFields), { additionalProperties: false });

export const Certification = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  number: Nullable(Type.String()),
  issuer: Nullable(Type.String()),
  ocopStars: Nullable(Type.Integer()),
  validFrom: Nullable(Type.String()),
  validTo: Nullable(Type.String()),
  documentUrl: Nullable(Type.String()),
});

export const ProductImage = Type.Object({
  mediaId: Type.String(),
  url: Type.String(),
  contentType: Type.String(),
  alt: Nullable(Type.String()),
  position: Type.Integer(),
});

const productFields = {
  gtin: Type.String({ maxLength: 20, description: 'GTIN-8/12/13/14 with its check digit; stored as 14 digits' }),
  name: Type.String({ minLength: 1, maxLength: 500 }),
  nameEn: OptText(),
  brand: OptText(),
  groupCode: Type.String({ maxLength: 60 }),
  netContent: Type.Optional(Nullable(Type.Number())),
  netContentUnit: Type.Optional(Nullable(Type.String({ maxLength: 3, description: 'UN/ECE Rec 20 code' }))),
  shelfLifeDays: Type.Optional(Nullable(Type.Integer())),
  description: OptText(5000),
};

export const ProductCreate = Type.Object(
  {
    ...productFields,
    organisationId: Type.Optional(Type.String({ maxLength: 100 })),
    certifications: Type.Optional(Type.Array(CertificationCreate, { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export const ProductPatch = Type.Partial(
  Type.Object({ ...productFields, status: literals(['active', 'archived'] as const) }),
  { additionalProperties: false },
);

export const Product = Type.Object({
  id: Type.String(),
  organisationId: Type.String(),
  gtin: Type.String(),
  name: Type.String(),
  nameEn: Nullable(Type.String()),
  brand: Nullable(Type.String()),
  groupCode: Type.String(),
  netContent: Nullable(Type.Number()),
  netContentUnit: Nullable(Type.String()),
  shelfLifeDays: Nullable(Type.Integer()),
  description: Nullable(Type.String()),
  status: Type.String(),
  images: Type.Array(ProductImage),
  certifications: Type.Array(Certification),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const PublicProduct = Type.Object({
  gtin: Type.String(),
  name: Type.String(),
  nameEn: Nullable(Type.String()),
  brand: Nullable(Type.String()),
  groupCode: Type.String(),
  netContent: Nullable(Type.Number()),
  netContentUnit: Nullable(Type.String()),
  shelfLifeDays: Nullable(Type.Integer()),
  description: Nullable(Type.String()),
  images: Type.Array(ProductImage),
  certifications: Type.Array(Type.Omit(Certification, ['id', 'documentUrl'])),
  producer: Organisation,
});

const trainingFields = {
  title: Type.String({ minLength: 1, maxLength: 500 }),
  heldOn: DateOnly,
  place: OptText(),
  organiser: OptText(),
  topic: OptText(),
};
export const TrainingCreate = Type.Object(trainingFields, { additionalProperties: false });
export const TrainingPatch = Type.Partial(Type.Object(trainingFields), { additionalProperties: false });

export const Training = Type.Object({
  id: Type.String(),
  title: Type.String(),
  heldOn: Type.String(),
  place: Nullable(Type.String()),
  organiser: Nullable(Type.String()),
  topic: Nullable(Type.String()),
  attendance: Type.Array(
    Type.Object({ organisationId: Type.String(), organisationName: Type.String(), attendees: Type.Integer() }),
  ),
  organisationCount: Type.Integer(),
  attendeeCount: Type.Integer(),
});

export const Province = Type.Object({ code: Type.String(), name: Type.String(), city: Type.Boolean() });

export const Unit = Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() });

export const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

/** The base standard a product answers to (docs/standards.md): a bound version, or its group's current one. */
export const ProductStandard = Type.Object({
  standardId: Nullable(Type.String()),
  version: Nullable(Type.Integer()),
  status: Nullable(Type.String()),
  bound: Type.Boolean(),
  title: Nullable(Type.Object({ vi: Type.String(), en: Type.String() })),
});
export const ProductStandardBinding = Type.Object({
  standardId: Nullable(Type.String({ minLength: 1, maxLength: 200, description: 'null: follow the group' })),
});
