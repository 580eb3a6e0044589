/** The audit capability's public face: other capabilities record their changes through `recordAudit`. */
export {
  actorFromReference,
  actorOf,
  dailyDigest,
  recordAudit,
  verifyChain,
  type AuditActor,
  type AuditRecord,
  type DailyDigest,
  type Verification,
} from './audit.service.ts';
export { digestOf } from './canonical.ts';
