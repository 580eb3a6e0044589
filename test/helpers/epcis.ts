import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { JOB_HANDLERS } from '../../src/jobs/handlers.ts';
import { startWorker } from '../../src/jobs/job.service.ts';
import type { TestApp } from './app.ts';

export const CONFORMANCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/conformance');

export function conformanceFile(relative: string): Buffer {
  return fs.readFileSync(path.join(CONFORMANCE, relative));
}

export function contentTypeOf(file: string): string {
  return file.endsWith('.xml') ? 'application/xml' : 'application/ld+json';
}

/** Runs queued jobs in this process until none is left. */
export async function drainJobs(t: TestApp): Promise<number> {
  const worker = startWorker(
    t.db,
    { handlers: JOB_HANDLERS, backoffMs: () => 0, onError: (e) => console.error('JOBERR', e) },
    false,
  );
  let n = 0;
  while (await worker.runOnce()) n++;
  return n;
}

export interface CaptureOutcome {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly job?: Record<string, unknown>;
}

/** POSTs a document to /epcis/capture; on 202 runs the worker and returns the finished capture job. */
export async function capture(
  t: TestApp,
  headers: Record<string, string>,
  body: string | Buffer,
  contentType = 'application/ld+json',
  extraHeaders: Record<string, string> = {},
  url = '/epcis/capture',
): Promise<CaptureOutcome> {
  const r = await t.app.inject({
    method: 'POST',
    url,
    headers: { ...headers, ...extraHeaders, 'content-type': contentType },
    payload: body,
  });
  const parsed = r.body === '' ? {} : r.json<Record<string, unknown>>();
  if (r.statusCode !== 202) return { status: r.statusCode, body: parsed };
  await drainJobs(t);
  const location = r.headers.location as string;
  expect(location).toMatch(/^\/epcis\/capture\//);
  const job = await t.app.inject({ url: location, headers });
  expect(job.statusCode).toBe(200);
  return { status: 202, body: parsed, job: job.json() };
}

/** GET /epcis/events with the given query string; returns the event list and the next-page link. */
export async function queryEvents(
  t: TestApp,
  headers: Record<string, string>,
  params: Record<string, string | string[]> | string,
): Promise<{
  status: number;
  events: Record<string, unknown>[];
  next: string | undefined;
  body: Record<string, unknown>;
}> {
  const search =
    typeof params === 'string'
      ? params
      : new URLSearchParams(
          Object.entries(params).flatMap(([k, v]): [string, string][] =>
            Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]],
          ),
        ).toString();
  const r = await t.app.inject({ url: `/epcis/events${search ? `?${search}` : ''}`, headers });
  const body = r.json<Record<string, unknown>>();
  const events =
    r.statusCode === 200
      ? (
          ((body.epcisBody as Record<string, unknown>).queryResults as Record<string, unknown>).resultsBody as {
            eventList: Record<string, unknown>[];
          }
        ).eventList
      : [];
  const link = r.headers.link as string | undefined;
  const next = link ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
  return { status: r.statusCode, events, next, body };
}
