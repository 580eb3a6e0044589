import { describe, expect, it } from 'vitest';
import { runSoak } from '../scripts/soak.ts';

/**
 * The soak (scripts/soak.ts) for about 20 seconds: the real server (and worker on PostgreSQL) under capture, scans
 * and queries at once. Only the no-loss invariants are asserted, never timings: every acknowledged capture
 * finished, its events are queryable and stored exactly once, every acknowledged scan is in the scan log.
 * Runs on PostgreSQL when TEST_DATABASE_URL is set, on the embedded database otherwise.
 */
describe('soak', () => {
  it('loses nothing under capture, scans and queries at once', async () => {
    const report = await runSoak({
      seconds: 20,
      sampleSeconds: 5,
      clients: { capture: 2, scan: 2, query: 1 },
      log: () => {},
      ...(process.env.TEST_DATABASE_URL ? { databaseUrl: process.env.TEST_DATABASE_URL } : {}),
    });
    expect(report.counts.capturesAcknowledged).toBeGreaterThan(0);
    expect(report.counts.scansAcknowledged).toBeGreaterThan(0);
    expect(report.totals.query.ok).toBeGreaterThan(0);
    expect(report.firstErrors).toEqual({});
    expect(report.losses).toEqual({
      capturesNotDone: 0,
      eventsMissingFromQuery: 0,
      eventsQueriedTwice: 0,
      eventsMissingInStore: 0,
      eventsStoredTwice: 0,
      scansMissing: 0,
    });
    expect(report.counts.eventsQueryable).toBe(report.counts.eventsAcknowledged);
    expect(report.counts.eventsStored).toBe(report.counts.eventsAcknowledged);
    expect(report.counts.scansLogged).toBe(report.counts.scansAcknowledged);
    // Memory was sampled from the child process.
    expect(report.samples.length).toBeGreaterThan(1);
  }, 600_000);
});
