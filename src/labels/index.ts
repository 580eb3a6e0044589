/**
 * Labels: serialized stamp batches (unguessable serials with a check symbol, activation to a lot, scratch-off
 * codes), printable label sheets and printer files. The public entry other capabilities use.
 */
export type { StampState, StampBatchState } from './labels.tables.ts';
export { findStamp, recordStampScans, checkVerificationCode, type StampRecord } from './stamp-lookup.service.ts';
export { isValidSerial, normaliseSerial } from './serial.ts';
