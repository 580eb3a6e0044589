import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { DemoRegistry } from '../demo/index.ts';
import { SYSTEM } from '../shared/caller.ts';
import type { SurveyAnswers } from './insights.survey.ts';
import { sendSurvey } from './insights.survey.ts';

/**
 * Demo part of the insights: the province's readiness survey, sent to every registered organisation, with the
 * answers of three of them (the plan's targets are pre-filled by the migration; the counters fill at the first
 * refresh the server queues when it starts).
 */
export async function insightsDemo(db: Kysely<DB>, demo: DemoRegistry): Promise<void> {
  const { id } = await sendSurvey(db, SYSTEM, { title: 'Khảo sát mức độ sẵn sàng truy xuất nguồn gốc năm 2026' });
  const answers: [string, SurveyAnswers][] = [
    [
      'an-lo',
      { productGroup: 'agri', products: 2, barcodeUse: 'gtin_qr', records: 'software', vendorSystem: null, needs: [] },
    ],
    [
      'phu-thuan',
      {
        productGroup: 'food',
        products: 5,
        barcodeUse: 'gtin',
        records: 'spreadsheet',
        vendorSystem: 'Phần mềm quản lý kho của đơn vị cung cấp',
        needs: ['connect_vendor', 'stamps'],
      },
    ],
    [
      'me-xung',
      {
        productGroup: 'specialty',
        products: 3,
        barcodeUse: 'none',
        records: 'paper',
        vendorSystem: null,
        needs: ['training'],
      },
    ],
  ];
  for (const [key, a] of answers) {
    const organisationId = demo.organisations.get(key);
    if (!organisationId) continue;
    await db
      .insertInto('insight_survey_response')
      .values({ survey_id: id, organisation_id: organisationId, answers: JSON.stringify(a), submitted_by: null })
      .execute();
  }
}
