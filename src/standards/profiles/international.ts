import type { CteRule, KdeRule, StandardProfile, ValueRule } from '../profile.ts';
import { recommended, required, text } from './common.ts';

/** The international programmes Huế exporters meet: FDA FSMA 204 and GDST 1.2. */

/** A traceability lot code: a GS1 lot (LGTIN, or a Digital Link with AI 10), or a GDST lot class. */
const TLC_PATTERN =
  '^(urn:epc:class:lgtin:.+|https://id\\.gs1\\.org/01/\\d{14}/10/.+|urn:gdst:.+:product:lot:class:.+)$';
const tlcRule = (path: string): ValueRule => ({
  path,
  check: { kind: 'pattern', pattern: TLC_PATTERN },
  severity: 'error',
  description: text('Mã lô truy xuất (TLC) là mã lô GS1', 'The traceability lot code is a GS1 lot identifier'),
});
const quantityKdes = (list: string): KdeRule[] => [
  required(`${list}[].epcClass`),
  required(`${list}[].quantity`),
  required(`${list}[].uom`),
];
const fsmaCte = (
  id: string,
  en: string,
  vi: string,
  bizStep: string,
  eventType: CteRule['eventType'],
  order: number,
  requirement: CteRule['requirement'],
  kdes: KdeRule[],
  anyOf?: string,
): CteRule => ({
  id,
  name: text(vi, en),
  bizStep,
  eventType,
  order,
  party: 'any',
  requirement,
  ...(anyOf ? { anyOf } : {}),
  kdes,
});

export const FSMA_204: StandardProfile = {
  id: 'fsma-204',
  version: 1,
  title: text(
    'FDA FSMA 204 — Quy tắc truy xuất thực phẩm (Hoa Kỳ)',
    'FDA FSMA 204 — Food Traceability Rule (United States)',
  ),
  productGroups: ['agri.fruit-veg', 'agri.fishery', 'food.fish-sauce'],
  basedOn: [
    { kind: 'international', code: '21 CFR Part 1 Subpart S', title: 'FDA Food Traceability Rule (FSMA section 204)' },
  ],
  ctes: [
    fsmaCte(
      'harvesting',
      'Harvesting',
      'Thu hoạch',
      'commissioning',
      'ObjectEvent',
      1,
      'required',
      [
        ...quantityKdes('quantityList'),
        required('bizLocation'),
        required('ilmd.cbvmda:harvestStartDate'),
        recommended('ilmd.cbvmda:fieldName'),
        required('destinationList'),
        required('bizTransactionList'),
      ],
      'origin',
    ),
    fsmaCte(
      'first-land-based-receiving',
      'First land-based receiving',
      'Tiếp nhận đầu tiên trên bờ',
      'arriving',
      'ObjectEvent',
      1,
      'required',
      [
        ...quantityKdes('quantityList'),
        required('bizLocation'),
        required('ilmd.cbvmda:harvestStartDate'),
        required('ilmd.cbvmda:catchArea'),
        required('bizTransactionList'),
      ],
      'origin',
    ),
    fsmaCte('cooling', 'Cooling', 'Làm lạnh', 'storing', 'ObjectEvent', 2, 'optional', [
      ...quantityKdes('quantityList'),
      required('bizLocation'),
      required('bizTransactionList'),
    ]),
    fsmaCte('initial-packing', 'Initial packing', 'Đóng gói ban đầu', 'packing', 'ObjectEvent', 3, 'optional', [
      ...quantityKdes('quantityList'),
      required('bizLocation'),
      required('ilmd.cbvmda:harvestStartDate'),
      required('bizTransactionList'),
    ]),
    fsmaCte('transformation', 'Transformation', 'Chế biến', 'commissioning', 'TransformationEvent', 4, 'optional', [
      ...quantityKdes('inputQuantityList'),
      ...quantityKdes('outputQuantityList'),
      required('bizLocation'),
      required('bizTransactionList'),
    ]),
    fsmaCte('shipping', 'Shipping', 'Xuất hàng', 'shipping', 'ObjectEvent', 5, 'required', [
      ...quantityKdes('quantityList'),
      required('readPoint'),
      required('sourceList'),
      required('destinationList'),
      required('bizTransactionList'),
    ]),
    fsmaCte('receiving', 'Receiving', 'Nhận hàng', 'receiving', 'ObjectEvent', 6, 'recommended', [
      ...quantityKdes('quantityList'),
      required('bizLocation'),
      required('sourceList'),
      required('bizTransactionList'),
    ]),
  ],
  valueRules: [
    tlcRule('quantityList[].epcClass'),
    tlcRule('outputQuantityList[].epcClass'),
    {
      path: 'ilmd.cbvmda:harvestStartDate',
      check: { kind: 'pattern', pattern: '^\\d{4}-\\d{2}-\\d{2}' },
      severity: 'error',
      description: text('Ngày thu hoạch theo ISO 8601', 'Harvest date in ISO 8601'),
    },
  ],
  yields: [],
  publicFields: ['eventTime', 'bizStep', 'quantityList[].epcClass'],
  retentionDays: 730,
  guide: text(
    'Quy tắc truy xuất thực phẩm của FDA (FSMA 204) áp dụng cho thực phẩm trong Danh mục truy xuất (rau quả tươi, cá, giáp xác…) xuất sang Hoa Kỳ. Mỗi sự kiện theo dõi trọng yếu (thu hoạch, làm lạnh, đóng gói ban đầu, tiếp nhận đầu tiên trên bờ, xuất hàng, nhận hàng, chế biến) phải mang mã lô truy xuất (TLC), số lượng và đơn vị, địa điểm, ngày và chứng từ tham chiếu; xuất hàng ghi bên nhận, nhận hàng ghi bên gửi. Hồ sơ phải cung cấp được cho FDA trong 24 giờ dưới dạng bảng tính điện tử và lưu 2 năm.',
    'The FDA Food Traceability Rule (FSMA 204) applies to foods on the Food Traceability List (fresh produce, finfish, crustaceans…) exported to the United States. Each critical tracking event (harvesting, cooling, initial packing, first land-based receiving, shipping, receiving, transformation) must carry the traceability lot code (TLC), quantity and unit of measure, location, date and a reference document; shipping names the immediate recipient, receiving the immediate previous source. Records must reach the FDA within 24 hours as an electronic sortable spreadsheet and are kept 2 years.',
  ),
};

const VESSEL = 'ilmd.cbvmda:vesselCatchInformationList.cbvmda:vesselCatchInformation[]';
const gdstCte = (
  id: string,
  en: string,
  vi: string,
  bizStep: string,
  eventType: CteRule['eventType'],
  order: number,
  requirement: CteRule['requirement'],
  kdes: KdeRule[],
  anyOf?: string,
): CteRule => ({
  ...fsmaCte(id, en, vi, bizStep, eventType, order, requirement, kdes, anyOf),
  party: order <= 1 ? 'fisher' : 'any',
});
const GDST_BASE: KdeRule[] = [required('gdst:productOwner'), required('cbvmda:informationProvider')];

export const GDST_1_2: StandardProfile = {
  id: 'gdst-1-2',
  version: 1,
  title: text(
    'GDST 1.2 — Truy xuất thủy sản (Global Dialogue on Seafood Traceability)',
    'GDST 1.2 — Seafood traceability',
  ),
  productGroups: ['agri.fishery', 'food.fish-sauce'],
  basedOn: [
    {
      kind: 'international',
      code: 'GDST 1.2',
      title: 'GDST Standards and Guidelines for Interoperable Seafood Traceability Systems',
    },
  ],
  ctes: [
    gdstCte(
      'fishing',
      'Fishing',
      'Đánh bắt',
      'urn:gdst:bizStep:fishingEvent',
      'ObjectEvent',
      1,
      'required',
      [
        ...GDST_BASE,
        required('ilmd.cbvmda:lotNumber'),
        required('ilmd.cbvmda:productionMethodForFishAndSeafoodCode'),
        required('ilmd.cbvmda:vesselCatchInformationList'),
        required('gdst:humanWelfarePolicy'),
      ],
      'origin',
    ),
    gdstCte(
      'farm-harvest',
      'Farm harvest',
      'Thu hoạch nuôi trồng',
      'urn:gdst:bizStep:farmHarvest',
      'TransformationEvent',
      1,
      'required',
      [...GDST_BASE, required('ilmd.cbvmda:lotNumber'), required('ilmd.cbvmda:productionMethodForFishAndSeafoodCode')],
      'origin',
    ),
    gdstCte('hatching', 'Hatching', 'Ương giống', 'urn:gdst:bizStep:hatching', 'ObjectEvent', 0, 'optional', [
      required('ilmd.cbvmda:lotNumber'),
      required('ilmd.gdst:broodstockSource'),
    ]),
    gdstCte('feedmill', 'Feed production', 'Sản xuất thức ăn', 'commissioning', 'ObjectEvent', 0, 'optional', [
      ...GDST_BASE,
      required('ilmd.cbvmda:lotNumber'),
      required('ilmd.gdst:proteinSource'),
    ]),
    gdstCte(
      'transshipment',
      'Transshipment',
      'Chuyển tải',
      'urn:gdst:bizStep:transshipment',
      'ObjectEvent',
      2,
      'optional',
      [...GDST_BASE],
    ),
    gdstCte('landing', 'Landing', 'Cập cảng', 'urn:gdst:bizStep:landing', 'ObjectEvent', 3, 'optional', [
      ...GDST_BASE,
      required('bizLocation'),
    ]),
    gdstCte('processing', 'Processing', 'Chế biến', 'commissioning', 'TransformationEvent', 4, 'optional', [
      ...GDST_BASE,
      required('ilmd.cbvmda:lotNumber'),
    ]),
    gdstCte(
      'commingling',
      'Commingling',
      'Gộp lô',
      'urn:gdst:bizStep:commingling',
      'TransformationEvent',
      4,
      'optional',
      [...GDST_BASE, required('ilmd.cbvmda:lotNumber')],
    ),
    gdstCte('shipping', 'Shipping', 'Xuất hàng', 'shipping', 'ObjectEvent', 5, 'required', [
      ...GDST_BASE,
      required('sourceList'),
      required('destinationList'),
    ]),
    gdstCte('receiving', 'Receiving', 'Nhận hàng', 'receiving', 'ObjectEvent', 6, 'recommended', [
      ...GDST_BASE,
      required('sourceList'),
      required('destinationList'),
    ]),
  ],
  valueRules: [
    {
      path: 'ilmd.gdst:broodstockSource',
      check: { kind: 'oneOf', values: ['Domestic', 'Wild Sources'] },
      severity: 'error',
      description: text('Nguồn cá bố mẹ: Domestic hoặc Wild Sources', 'Broodstock source: Domestic or Wild Sources'),
    },
    {
      path: 'ilmd.cbvmda:productionMethodForFishAndSeafoodCode',
      ctes: ['fishing'],
      check: { kind: 'oneOf', values: ['MARINE_FISHERY'] },
      severity: 'error',
      description: text('Đánh bắt: MARINE_FISHERY', 'Fishing: MARINE_FISHERY'),
    },
    {
      path: 'ilmd.cbvmda:productionMethodForFishAndSeafoodCode',
      ctes: ['farm-harvest'],
      check: { kind: 'oneOf', values: ['AQUACULTURE'] },
      severity: 'error',
      description: text('Nuôi trồng: AQUACULTURE', 'Farm harvest: AQUACULTURE'),
    },
    {
      path: 'gdst:humanWelfarePolicy',
      check: { kind: 'oneOf', values: ['None', 'Internal', '3P Audit'] },
      severity: 'error',
      description: text(
        'Chính sách phúc lợi người lao động: None, Internal hoặc 3P Audit',
        'Human welfare policy: None, Internal or 3P Audit',
      ),
    },
    {
      path: 'ilmd.cbvmda:certificationList.certification[].gdst:certificationType',
      check: { kind: 'pattern', pattern: '^urn:gdst:certType:.*$' },
      severity: 'error',
      description: text(
        'Loại chứng nhận là URN urn:gdst:certType:…',
        'Certification type is a urn:gdst:certType:… URN',
      ),
    },
    {
      path: `${VESSEL}.gdst:imoNumber`,
      check: { kind: 'pattern', pattern: '^IMO[0-9]{7,8}$' },
      severity: 'error',
      description: text('Số IMO của tàu dạng IMO1234567', 'Vessel IMO number written IMO1234567'),
    },
    {
      path: `${VESSEL}.cbvmda:vesselFlagState`,
      check: { kind: 'pattern', pattern: '^[A-Z]{2}$' },
      severity: 'error',
      description: text('Quốc gia treo cờ: mã ISO 3166 hai chữ', 'Flag state: a two-letter ISO 3166 code'),
    },
    {
      path: `${VESSEL}.cbvmda:catchArea`,
      check: { kind: 'pattern', pattern: '^urn:gdst:fao:.*$' },
      severity: 'error',
      description: text('Vùng khai thác theo mã FAO', 'Catch area as a FAO area'),
    },
    {
      path: 'ilmd.cbvmda:countryOfOrigin',
      check: { kind: 'pattern', pattern: '^[A-Z]{2}$' },
      severity: 'error',
      description: text('Nước xuất xứ: mã ISO 3166 hai chữ', 'Country of origin: a two-letter ISO 3166 code'),
    },
    {
      path: 'quantityList[].uom',
      check: { kind: 'pattern', pattern: '^[A-Z0-9]{2,3}$' },
      severity: 'error',
      description: text('Đơn vị đo theo UN/ECE Rec 20', 'Unit of measure as a UN/ECE Rec 20 code'),
    },
  ],
  yields: [],
  publicFields: [
    'eventTime',
    'bizStep',
    'ilmd.cbvmda:productionMethodForFishAndSeafoodCode',
    `${VESSEL}.cbvmda:catchArea`,
  ],
  retentionDays: 730,
  guide: text(
    'GDST 1.2 là hồ sơ EPCIS cho thủy sản: mỗi sự kiện mang chủ sở hữu sản phẩm (gdst:productOwner) và bên cung cấp thông tin; nguồn gốc là một sự kiện đánh bắt (với thông tin tàu: số IMO, quốc gia treo cờ, vùng khai thác FAO) hoặc thu hoạch nuôi trồng (phương thức AQUACULTURE); ương giống ghi nguồn cá bố mẹ, sản xuất thức ăn ghi nguồn protein; các bên công bố chính sách phúc lợi người lao động. Hệ thống phải trả lời truy xuất qua resolver và điểm cuối EPCIS của hai bên.',
    'GDST 1.2 is an EPCIS profile for seafood: every event names its product owner (gdst:productOwner) and information provider; the origin is a fishing event (with vessel data: IMO number, flag state, FAO catch area) or a farm harvest (production method AQUACULTURE); hatching records the broodstock source, feed production the protein source; parties declare a human welfare policy. Systems must answer traces across two parties’ resolvers and EPCIS endpoints.',
  ),
};
