import { CAPTURE_JOB_KIND, processCaptureJob } from '../epcis/capture.service.ts';
import type { JobHandler } from './job.service.ts';

/** Every kind of background job and the service function that runs it. A capability adds its own here. */
export const JOB_HANDLERS: Readonly<Record<string, JobHandler>> = {
  [CAPTURE_JOB_KIND]: processCaptureJob,
};
