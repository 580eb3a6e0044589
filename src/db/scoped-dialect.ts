import {
  CompiledQuery,
  PostgresDialect,
  type DatabaseConnection,
  type Driver,
  type PostgresDialectConfig,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { currentScope, scopeSettings, type DbScope } from './scope.ts';

/** The database role the application's queries run as: not the tables' owner, not a superuser, no BYPASSRLS. */
export const APP_ROLE = 'truyxuat_app';

export interface ScopedDialectOptions {
  /** `SET ROLE` to this role on every connection before its first query (the application); absent: stay the owner. */
  readonly role?: string;
  /** Always this scope (migrations); absent: the scope of the running work (`currentScope()`). */
  readonly fixedScope?: DbScope;
}

/**
 * PostgreSQL (and PGlite) through `pg`, with row-level security applied on every connection: each connection
 * switches to the application role once, and before each statement its `truyxuat.scope` / `truyxuat.orgs`
 * settings are brought to the scope of the work that runs it. The settings are remembered per connection, so a
 * connection that keeps serving the same scope pays one string comparison per statement and no round trip.
 */
export class ScopedPostgresDialect extends PostgresDialect {
  readonly #options: ScopedDialectOptions;

  constructor(config: PostgresDialectConfig, options: ScopedDialectOptions) {
    super(config);
    this.#options = options;
  }

  override createDriver(): Driver {
    return new ScopedDriver(super.createDriver(), this.#options);
  }
}

class ScopedDriver implements Driver {
  readonly #inner: Driver;
  readonly #options: ScopedDialectOptions;
  readonly #wrapped = new WeakMap<DatabaseConnection, ScopedConnection>();

  constructor(inner: Driver, options: ScopedDialectOptions) {
    this.#inner = inner;
    this.#options = options;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.#inner.acquireConnection();
    let connection = this.#wrapped.get(inner);
    if (!connection) {
      connection = new ScopedConnection(inner, this.#options);
      this.#wrapped.set(inner, connection);
    }
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const scoped = connection as ScopedConnection;
    await scoped.applyScope();
    await this.#inner.beginTransaction(scoped.inner, settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const scoped = connection as ScopedConnection;
    try {
      await this.#inner.commitTransaction(scoped.inner);
    } catch (e) {
      scoped.forgetScope(); // an aborted transaction rolled back the settings made in it
      throw e;
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const scoped = connection as ScopedConnection;
    scoped.forgetScope(); // settings changed inside the transaction revert with it
    await this.#inner.rollbackTransaction(scoped.inner);
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await this.#inner.savepoint!((connection as ScopedConnection).inner, name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    const scoped = connection as ScopedConnection;
    scoped.forgetScope();
    await this.#inner.rollbackToSavepoint!(scoped.inner, name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await this.#inner.releaseSavepoint!((connection as ScopedConnection).inner, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection((connection as ScopedConnection).inner);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}

class ScopedConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  readonly #options: ScopedDialectOptions;
  #roleSet = false;
  /** `scope|orgs` as last set on this connection; undefined when unknown. */
  #applied: string | undefined;

  constructor(inner: DatabaseConnection, options: ScopedDialectOptions) {
    this.inner = inner;
    this.#options = options;
  }

  forgetScope(): void {
    this.#applied = undefined;
  }

  async applyScope(): Promise<void> {
    if (!this.#roleSet && this.#options.role !== undefined) {
      await this.inner.executeQuery(CompiledQuery.raw(`set role ${this.#options.role}`));
      this.#roleSet = true;
    }
    const settings = scopeSettings(this.#options.fixedScope ?? currentScope());
    const key = `${settings.scope}|${settings.orgs}`;
    if (key === this.#applied) return;
    this.#applied = undefined;
    await this.inner.executeQuery(
      CompiledQuery.raw(`select set_config('truyxuat.scope', $1, false), set_config('truyxuat.orgs', $2, false)`, [
        settings.scope,
        settings.orgs,
      ]),
    );
    this.#applied = key;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    await this.applyScope();
    return this.inner.executeQuery<R>(compiledQuery);
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    await this.applyScope();
    yield* this.inner.streamQuery<R>(compiledQuery, chunkSize);
  }
}
