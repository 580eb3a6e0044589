import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DB } from '../db/schema.ts';

/** What route plugins receive: the database handle and configuration, passed explicitly (never decorated). */
export interface AppContext {
  readonly db: Kysely<DB>;
  readonly config: Config;
  /** Wakes the in-process worker after queueing work (embedded mode); absent when workers run elsewhere. */
  readonly onWork?: () => void;
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** A capability's routes: registered with a prefix, given the context in its options. */
export type RoutePlugin = (app: App, options: { ctx: AppContext }) => Promise<void>;
