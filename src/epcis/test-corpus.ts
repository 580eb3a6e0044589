import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Paths into the public conformance corpora (`../shared/conformance/` next to the repository). */
export const CONFORMANCE = path.resolve(import.meta.dirname, '../../../shared/conformance');
export const HASH_VECTORS = path.join(CONFORMANCE, 'epcis-event-hash-vectors');
export const OPENEPCIS = path.join(CONFORMANCE, 'openepcis-test-resources');
export const GS1_EPCIS = path.join(CONFORMANCE, 'gs1-epcis');

export interface ManifestEntry {
  path: string;
  format: 'json' | 'xml';
  kind: string;
  expected?: string;
  pairedWith?: string;
  referenceEventHashes?: string[];
}

export function manifest(root: string): ManifestEntry[] {
  return (JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8')) as { files: ManifestEntry[] }).files;
}

export function listFiles(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort();
}
