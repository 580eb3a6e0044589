/**
 * A small in-process cache with a time to live, for data that changes rarely and is read on every scan (the
 * product, its producer, standard and the lot's story). Entries expire after `ttlMs`; with several instances each
 * keeps its own, so a change shows everywhere within the TTL (plus the grace, when one is given). Recall status and stamp verdicts are never cached.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { expires: number; value: Promise<V>; refreshing?: boolean }>();

  /**
   * `graceMs`: for this long after expiry, a resolved entry is still answered while one reload runs in the
   * background (a change then shows within `ttlMs + graceMs`); scans of a popular product then never wait for the
   * reload together. 0: an expired entry is reloaded before answering.
   */
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
    private readonly graceMs = 0,
  ) {}

  /** The cached value, or `load()`'s (shared by concurrent callers; a failure is not cached). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const at = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > at) return hit.value;
    if (hit && hit.expires + this.graceMs > at && hit.refreshing !== undefined) {
      if (!hit.refreshing) {
        hit.refreshing = true;
        load().then(
          (fresh) => {
            if (this.entries.get(key) === hit) this.entries.set(key, this.settled(Promise.resolve(fresh), this.now()));
          },
          () => {
            hit.refreshing = false; // the next scan tries again; the value in hand stays until the grace ends
          },
        );
      }
      return hit.value;
    }
    if (hit) this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // Oldest first: a Map iterates in insertion order.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const value = load();
    const entry = this.settled(value, at);
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  /** An entry whose `refreshing` flag appears once its value resolved: only a value in hand is served stale. */
  private settled(value: Promise<V>, at: number): { expires: number; value: Promise<V>; refreshing?: boolean } {
    const entry: { expires: number; value: Promise<V>; refreshing?: boolean } = { expires: at + this.ttlMs, value };
    value.then(
      () => {
        entry.refreshing = false;
      },
      () => undefined,
    );
    return entry;
  }

  clear(): void {
    this.entries.clear();
  }
}
