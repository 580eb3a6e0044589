import {
  PostgresDialect,
  type PostgresDialectConfig,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';
import { currentScope, scopeSettings, type DbScope } from './scope.ts';

/** The database role the application's queries run as: not the tables' owner, not a superuser, no BYPASSRLS. */
export const APP_ROLE = 'truyxuat_app';

export interface ScopedDialectOptions {
  /** Run as this role (the application); absent: the session's own role (the tables' owner). */
  readonly role?: string;
  /** Always this scope (migrations); absent: the scope of the running work (`currentScope()`). */
  readonly fixedScope?: DbScope;
}

/** The `pg.Pool` figures the idle lists read to stay fair to waiters (pg-pool's public getters). */
interface PgPool {
  connect(): Promise<PgClient>;
  end(): Promise<void>;
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options?: { readonly max?: number };
}

interface PgClient {
  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  release(destroy?: boolean | Error): void;
  once(event: 'error' | 'end', listener: () => void): unknown;
}

/**
 * PostgreSQL (and PGlite) through `pg`, with row-level security applied on every connection: before each statement
 * the connection's role and `truyxuat.scope` / `truyxuat.orgs` settings are brought to those of the work that runs
 * it (the handle's role, the scope of `currentScope()`), in one `set_config` statement when they differ.
 *
 * A released connection is kept on an idle list of the settings it carries, and a connection is taken from the
 * list of the scope that asks for it: anonymous requests (`none`), public reads (`system`) and each business keep
 * their own warm connections, so switching scopes costs no round trip in the steady state. (The switch cannot ride
 * in the statement's own round trip: the extended protocol that carries parameters takes one command per Parse, and
 * `pg` does not pipeline.) Connections return to `pg`'s pool whenever someone waits on it, when another scope needs
 * one and the pool is full, and after a second of idleness, so the lists never starve the pool or hold a connection
 * for long.
 *
 * The settings are tracked per `pg` client, shared by every handle on the pool (the owner's and the application's),
 * and forgotten when a transaction that may have changed them rolls back: a statement never runs with another
 * scope's settings.
 */
export class ScopedPostgresDialect extends PostgresDialect {
  constructor(config: PostgresDialectConfig, options: ScopedDialectOptions) {
    const pool = config.pool;
    super({
      ...config,
      pool: async () => new ScopedPool(typeof pool === 'function' ? await pool() : pool, options),
    });
  }
}

/** What a `pg` client carries now: `role|scope|orgs`, undefined when unknown. */
interface ClientState {
  applied: string | undefined;
  /** Inside a transaction whose rollback would revert a switch made in it. */
  inTransaction: boolean;
  switchedInTransaction: boolean;
  /** A statement of the current lease set or reset settings itself. */
  changedByHand: boolean;
  /** The connection failed or closed: it goes back to pg to be discarded, never to a list. */
  broken: boolean;
}

const states = new WeakMap<PgClient, ClientState>();

function stateOf(client: PgClient): ClientState {
  let state = states.get(client);
  if (!state) {
    const created: ClientState = {
      applied: undefined,
      inTransaction: false,
      switchedInTransaction: false,
      broken: false,
      changedByHand: false,
    };
    const broken = () => {
      created.broken = true;
    };
    client.once('error', broken);
    client.once('end', broken);
    states.set(client, (state = created));
  }
  return state;
}

interface Idle {
  readonly client: PgClient;
  readonly since: number;
}

interface Waiter {
  readonly key: string;
  readonly resolve: (client: PgClient) => void;
  readonly reject: (error: unknown) => void;
  /** Times a later waiter of the released connection's scope was served first. */
  bypassed: number;
}

const IDLE_MS = 1_000;
/** A waiter of another scope is passed over at most this often before it gets the next connection. */
const MAX_BYPASS = 2;

/**
 * Idle connections by the settings they carry, one set per `pg` pool, shared by every handle on it. When the pool
 * is exhausted, work waits here rather than in `pg`'s queue, so a released connection goes to a waiter of its own
 * scope first (a waiter of another scope is passed over at most twice).
 */
class IdleLists {
  readonly #pool: PgPool;
  readonly #byKey = new Map<string, Idle[]>();
  readonly #waiters: Waiter[] = [];
  #count = 0;
  #sweeper: NodeJS.Timeout | undefined;
  #ending = false;

  constructor(pool: PgPool) {
    this.#pool = pool;
  }

  get #room(): boolean {
    return this.#pool.idleCount > 0 || this.#pool.totalCount < (this.#pool.options?.max ?? 10);
  }

  async take(key: string): Promise<PgClient> {
    const own = this.#byKey.get(key)?.pop();
    if (own) {
      this.#count -= 1;
      if (!stateOf(own.client).broken) return own.client;
      own.client.release(true);
      return this.take(key);
    }
    if (this.#room || this.#ending) return this.#pool.connect();
    if (this.#count > 0) {
      // The pool is full and every free connection sits on another scope's list: take the longest-idle one.
      let oldest: Idle[] | undefined;
      for (const list of this.#byKey.values()) {
        if (list.length > 0 && (!oldest || list[0]!.since < oldest[0]!.since)) oldest = list;
      }
      this.#count -= 1;
      const client = oldest!.shift()!.client;
      if (!stateOf(client).broken) return client;
      client.release(true);
      return this.take(key);
    }
    return new Promise<PgClient>((resolve, reject) => this.#waiters.push({ key, resolve, reject, bypassed: 0 }));
  }

  give(client: PgClient, key: string | undefined, discard = false): void {
    if (discard || stateOf(client).broken) {
      client.release(true);
      this.#serveFromPool();
      return;
    }
    if (this.#waiters.length > 0) {
      const oldest = this.#waiters[0]!;
      let chosen = 0;
      if (key !== undefined && oldest.key !== key && oldest.bypassed < MAX_BYPASS) {
        const same = this.#waiters.findIndex((w) => w.key === key);
        if (same > 0) {
          chosen = same;
          oldest.bypassed += 1;
        }
      }
      this.#waiters.splice(chosen, 1)[0]!.resolve(client);
      return;
    }
    if (key === undefined || this.#ending || this.#pool.waitingCount > 0) {
      client.release();
      return;
    }
    let list = this.#byKey.get(key);
    if (!list) this.#byKey.set(key, (list = []));
    list.push({ client, since: Date.now() });
    this.#count += 1;
    this.#sweeper ??= setInterval(() => this.#sweep(), IDLE_MS).unref();
  }

  /** A discarded connection left room in the pool: the oldest waiter gets a new one. */
  #serveFromPool(): void {
    const waiter = this.#waiters.shift();
    if (waiter) this.#pool.connect().then(waiter.resolve, waiter.reject);
  }

  /** Hands connections idle for longer than a second back to the pool (which closes them after its own timeout). */
  #sweep(): void {
    const before = Date.now() - IDLE_MS;
    for (const list of this.#byKey.values()) {
      while (list.length > 0 && list[0]!.since <= before) {
        list.shift()!.client.release();
        this.#count -= 1;
      }
    }
    if (this.#count === 0) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }

  async end(): Promise<void> {
    this.#ending = true;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error('the database pool is closing'));
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    for (const list of this.#byKey.values()) for (const idle of list.splice(0)) idle.client.release();
    this.#count = 0;
    await this.#pool.end();
  }
}

const idleLists = new WeakMap<PgPool, IdleLists>();

function idleListsOf(pool: PgPool): IdleLists {
  let lists = idleLists.get(pool);
  if (!lists) idleLists.set(pool, (lists = new IdleLists(pool)));
  return lists;
}

/** The settings key the running work wants on a connection of this handle. */
function wantedSettings(options: ScopedDialectOptions): { key: string; role: string; scope: string; orgs: string } {
  const { scope, orgs } = scopeSettings(options.fixedScope ?? currentScope());
  const role = options.role ?? 'none';
  return { key: `${role}|${scope}|${orgs}`, role, scope, orgs };
}

/** The pool one handle sees: connections come from (and go back to) the idle list of the work's scope. */
class ScopedPool implements PostgresPool {
  readonly #lists: IdleLists;
  readonly #options: ScopedDialectOptions;
  readonly #clients = new WeakMap<PgClient, ScopedClient>();

  constructor(pool: PostgresPool, options: ScopedDialectOptions) {
    this.#lists = idleListsOf(pool as unknown as PgPool);
    this.#options = options;
  }

  async connect(): Promise<PostgresPoolClient> {
    const client = await this.#lists.take(wantedSettings(this.#options).key);
    let scoped = this.#clients.get(client);
    if (!scoped) this.#clients.set(client, (scoped = new ScopedClient(client, this.#lists, this.#options)));
    // Kysely only sends text with parameters (no cursor is configured), the one form `query` implements.
    return scoped as unknown as PostgresPoolClient;
  }

  end(): Promise<void> {
    return this.#lists.end();
  }
}

const BEGIN = /^\s*(begin|start\s+transaction)\b/i;
const COMMIT = /^\s*(commit|end)\b/i;
const ROLLBACK = /^\s*(rollback|abort)\b/i;
/** A statement that changes session settings itself: what the connection carries afterwards is unknown. */
const SETS = /^\s*(set|reset|discard)\b|\bset_config\s*\(/i;

class ScopedClient {
  readonly #client: PgClient;
  readonly #lists: IdleLists;
  readonly #options: ScopedDialectOptions;

  constructor(client: PgClient, lists: IdleLists, options: ScopedDialectOptions) {
    this.#client = client;
    this.#lists = lists;
    this.#options = options;
  }

  async query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    const state = stateOf(this.#client);
    const wanted = wantedSettings(this.#options);
    if (wanted.key !== state.applied) {
      state.applied = undefined;
      await this.#client.query(
        `select set_config('role', $1, false), set_config('truyxuat.scope', $2, false), set_config('truyxuat.orgs', $3, false)`,
        [wanted.role, wanted.scope, wanted.orgs],
      );
      state.applied = wanted.key;
      if (state.inTransaction) state.switchedInTransaction = true;
    }
    if (BEGIN.test(sql)) {
      state.inTransaction = true;
      state.switchedInTransaction = false;
      return this.#client.query<R>(sql, parameters);
    }
    const ends = COMMIT.test(sql) ? 'commit' : ROLLBACK.test(sql) ? 'rollback' : undefined;
    // `rollback to savepoint` reverts settings made after the savepoint: forget them, stay in the transaction.
    const partial = ends === 'rollback' && /^\s*rollback\s+to\b/i.test(sql);
    let committed = false;
    try {
      const result = await this.#client.query<R>(sql, parameters);
      committed = ends === 'commit' && result.command === 'COMMIT';
      return result;
    } finally {
      if (ends !== undefined && !committed && (state.switchedInTransaction || !state.inTransaction)) {
        state.applied = undefined;
      }
      // Settings changed by hand stay for the rest of this lease (its holder asked for them); the connection is
      // brought back to a known scope before anyone else uses it.
      if (SETS.test(sql)) state.changedByHand = true;
      if (ends !== undefined && !partial) {
        state.inTransaction = false;
        state.switchedInTransaction = false;
      }
    }
  }

  release(discard?: boolean): void {
    const state = stateOf(this.#client);
    if (state.changedByHand) {
      state.changedByHand = false;
      state.applied = undefined;
    }
    // A connection released inside a transaction (an error path) goes back to pg as it is, never to a list.
    this.#lists.give(this.#client, state.inTransaction ? undefined : state.applied, discard === true);
  }
}
