import { Type } from '@sinclair/typebox';
import { Nullable } from '../http/schemas.ts';

/** A finding of a standard's evaluation (`Finding` of evaluate.ts) as the API returns it. */
export const Finding = Type.Object({
  code: Type.String(),
  severity: Type.String(),
  cte: Type.String(),
  eventIndex: Nullable(Type.Integer()),
  field: Nullable(Type.String()),
  messageKey: Type.String(),
  details: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()])),
});
