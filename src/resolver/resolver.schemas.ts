import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from '../http/schemas.ts';
import type { AlertKind } from './scan-rules.ts';

/** Request and response schemas of the resolver API. */

const LinkFields = {
  linkType: Type.String({ minLength: 1, maxLength: 200, description: 'GS1 Web Vocabulary link type, e.g. gs1:pip' }),
  title: Type.String({ minLength: 1, maxLength: 300 }),
  href: Type.String({ minLength: 1, maxLength: 2000, description: 'Target URL (http or https)' }),
  hreflang: Type.Optional(Type.Array(Type.String({ maxLength: 35 }), { maxItems: 20 })),
  context: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
  mediaType: Type.Optional(Nullable(Type.String({ maxLength: 200, description: 'IANA media type of the target' }))),
  isDefault: Type.Optional(Type.Boolean({ description: 'The default link of its identifier level' })),
  active: Type.Optional(Type.Boolean()),
};

export const LinkCreate = Type.Object(
  {
    identifier: Type.String({
      minLength: 2,
      maxLength: 500,
      description: 'Identifier level as a Digital Link path or URI, e.g. /01/08936…/10/LOT1',
    }),
    ...LinkFields,
  },
  { additionalProperties: false },
);

export const LinkPatch = Type.Partial(Type.Object(LinkFields), { additionalProperties: false });

export const LinkView = Type.Object({
  id: Type.String(),
  organisationId: Type.String(),
  identifier: Type.String(),
  linkType: Type.String(),
  title: Type.String(),
  href: Type.String(),
  hreflang: Type.Array(Type.String()),
  context: Type.Array(Type.String()),
  mediaType: Nullable(Type.String()),
  isDefault: Type.Boolean(),
  active: Type.Boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const LinkTypeView = Type.Object({ linkType: Type.String(), title: Type.String() });

export const WithdrawalCreate = Type.Object(
  {
    identifier: Type.String({ minLength: 2, maxLength: 500 }),
    reason: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);

export const WithdrawalView = Type.Object({
  identifier: Type.String(),
  organisationId: Type.String(),
  reason: Nullable(Type.String()),
  withdrawnAt: DateTime,
});

const AlertKindSchema = Type.Union([
  Type.Literal('unknown_serial'),
  Type.Literal('not_activated'),
  Type.Literal('void_scanned'),
  Type.Literal('many_scans'),
  Type.Literal('many_regions'),
  Type.Literal('unexpected_region'),
  Type.Literal('recalled_lot'),
  Type.Literal('expired'),
]) satisfies { static: AlertKind };
const Severity = Type.Union([Type.Literal('high'), Type.Literal('medium'), Type.Literal('low')]);

export const AlertQuery = Type.Object({
  kind: Type.Optional(AlertKindSchema),
  severity: Type.Optional(Severity),
  gtin: Type.Optional(Type.String({ pattern: '^[0-9]{14}$' })),
  lot: Type.Optional(Type.String({ maxLength: 20 })),
  serial: Type.Optional(Type.String({ maxLength: 20 })),
  acknowledged: Type.Optional(Type.Boolean()),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  until: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

export const AlertView = Type.Object({
  id: Type.String(),
  organisationId: Type.String(),
  kind: AlertKindSchema,
  severity: Severity,
  title: Type.String(),
  gtin: Type.String(),
  lot: Nullable(Type.String()),
  serial: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  createdAt: DateTime,
  acknowledgedAt: Nullable(DateTime),
  acknowledgedBy: Nullable(Type.String()),
});

export const ResolverDescription = Type.Object({
  name: Type.String(),
  resolverRoot: Type.String(),
  supportedPrimaryKeys: Type.Array(Type.String()),
  supportedLinkType: Type.Array(Type.Object({ namespace: Type.String(), prefix: Type.String() })),
  linkTypeDefaultCanBeLinkset: Type.Boolean(),
  linkTypeDefaultCanBeAll: Type.Boolean(),
  supportsLanguageVariants: Type.Boolean(),
  supportsSemanticInterpretation: Type.Boolean(),
  validatesAIcombinations: Type.Boolean(),
  linksetContext: Type.String(),
  activeLinkTypes: Type.Record(Type.String(), Type.Object({ title: Type.String() })),
});
