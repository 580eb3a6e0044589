/**
 * Federation: the public entry for other capabilities. The national platform sync (first platform: the National
 * Traceability Portal) exposes its health for the province dashboard.
 */
export { nationalSyncHealth, type NationalSyncHealth, type NationalKindHealth } from './national.service.ts';
