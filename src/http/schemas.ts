import { Type, type Static, type TNull, type TSchema, type TUnion } from '@sinclair/typebox';

/** Schemas shared by many routes. */

export const HealthResponse = Type.Object({ status: Type.Literal('ok') });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true, description: 'RFC 7807 problem document' },
);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export type IdParams = Static<typeof IdParams>;

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Search, ignoring Vietnamese diacritics' })),
};

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });

const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean']);

/**
 * A schema or null. A scalar schema becomes `type: [T, "null"]` rather than `anyOf`: the API's validator coerces
 * types, and in an `anyOf` it coerces in the first branch that could take the value, so a `null` sent to clear a
 * number became 0 and a cleared text became "". With the type list, a value of either type is taken as it is.
 */
export const Nullable = <T extends TSchema>(schema: T): TUnion<[T, TNull]> => {
  const type = (schema as { type?: unknown }).type;
  if (typeof type === 'string' && SCALAR_TYPES.has(type) && !('const' in schema) && !('enum' in schema)) {
    return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] }) as unknown as TUnion<[T, TNull]>;
  }
  return Type.Union([schema, Type.Null()]);
};

export const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });

/** Error responses every authenticated route may give. */
export const ERROR_RESPONSES = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };
