import type { Kysely } from 'kysely';
import { loadConfig } from '../config.ts';
import type { DB } from '../db/schema.ts';
import type { DemoRegistry } from '../demo/index.ts';
import { alertsForScans, storeAlerts, thresholdsFrom } from './alerts.service.ts';
import { writeScans, type ScanInput } from './scan-log.ts';

/**
 * The demo's consumer scans of the mè xửng stamps (lot MX-260618) in the days after packing: ordinary scans in Huế,
 * one stamp scanned in Huế, Hồ Chí Minh City and Hà Nội within a day (a copied code), a voided print that reached a
 * shelf, and a serial that was never issued (a counterfeit label). The scan rules run on them at once, so the demo
 * opens with alerts for the kitchen and the province.
 */
export async function scanDemoStamps(db: Kysely<DB>, demo: DemoRegistry): Promise<void> {
  const product = demo.products.get('me-xung');
  if (product === undefined) throw new Error('demo product me-xung is missing');
  const stamps = await db
    .selectFrom('stamp')
    .select(['serial', 'state'])
    .where('gtin', '=', product.gtin)
    .orderBy('sequence')
    .execute();
  const active = stamps.filter((s) => s.state === 'activated').map((s) => s.serial);
  const voided = stamps.find((s) => s.state === 'void')?.serial;
  if (active.length < 4 || voided === undefined) throw new Error('demo stamps of me-xung are missing');
  // d days after the 19 June 2026 shipment of the story, at h o'clock Huế time, on the demo's clock.
  const day = (d: number, h: number) => demo.clock.at(`2026-06-${19 + d}`, `${String(h).padStart(2, '0')}:00`);
  const scan = (serial: string, at: Date, region: string | null, device: ScanInput['device'] = 'phone'): ScanInput => ({
    gtin: product.gtin,
    lot: 'MX-260618',
    serial,
    at,
    region,
    device,
    ipHash: null,
  });
  const scans: ScanInput[] = [
    scan(active[0]!, day(0, 9), '46'),
    scan(active[0]!, day(0, 10), '46', 'tablet'),
    scan(active[1]!, day(1, 15), '46'),
    scan(active[2]!, day(2, 8), null, 'desktop'),
    // One code, three provinces in a day: a copied label.
    scan(active[3]!, day(3, 8), '46'),
    scan(active[3]!, day(3, 13), '79'),
    scan(active[3]!, day(3, 19), '01'),
    // A print voided at packing, scanned in a shop.
    scan(voided, day(4, 11), '48'),
    // A serial never issued: a counterfeit label.
    { ...scan('FAKE0000001', day(5, 17), '79'), lot: 'MX-260618' },
  ];
  const ids = (await writeScans(db, scans, { checkLater: false })).map(Number);
  const candidates = await alertsForScans(
    db,
    String(Math.min(...ids)),
    String(Math.max(...ids)),
    thresholdsFrom(loadConfig()),
  );
  await storeAlerts(db, candidates);
}
