import { sql, type RawBuilder, type SqlBool } from 'kysely';

/**
 * The rows a scoped caller may list from a table owned by organisations (locations, products): every row of the
 * given organisations plus the single rows a limited delegation names. Null when the scope admits nothing.
 */
export function organisationScope(
  organisations: readonly string[],
  ids: readonly string[] = [],
): RawBuilder<SqlBool> | null {
  const parts: RawBuilder<SqlBool>[] = [];
  if (organisations.length > 0) parts.push(sql<SqlBool>`organisation_id in (${sql.join(organisations)})`);
  if (ids.length > 0) parts.push(sql<SqlBool>`id in (${sql.join(ids)})`);
  return parts.length === 0 ? null : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}
