/**
 * The resolver: GS1-Conformant Resolver for the Digital Links printed on products, the scan log, and the
 * counterfeit and anomaly alerts drawn from it. The public entry other capabilities use.
 */
export { verifyScan, type StampVerdict } from './verify.service.ts';
export { recordScan, scanLogFor, SCAN_CHECK_KIND, type ScanInput } from './scan-log.ts';
export { deviceClassOf, type DeviceClass } from './scan-source.ts';
export { ALERT_KINDS, type AlertKind, type AlertSeverity } from './scan-rules.ts';
