import type { StandardProfile } from '../profile.ts';
import {
  CIRCULAR_02,
  CIRCULAR_17,
  DECREE_37,
  GS1_GTS,
  PROVINCE_TCCS,
  PUBLIC_BASE,
  RETENTION_FRESH,
  RETENTION_PROCESSED,
  dateRule,
  growingAreaRule,
  origin,
  packing,
  packingHouseRule,
  processing,
  receiving,
  recommended,
  required,
  shipping,
  text,
  unitsRule,
} from './common.ts';

/**
 * The province's base standards (TCCS) for Huế's product groups, each on the national standard REQUIREMENTS §3
 * names for it. KDEs of the province use the platform namespace `tx:`; dates are `YYYY-MM-DD`.
 */

const MASS = ['KGM', 'TNE', 'GRM'];

export const FRUIT_VEG: StandardProfile = {
  id: 'tccs-hue-fruit-veg',
  version: 1,
  title: text(
    'TCCS truy xuất nguồn gốc rau, củ, quả tươi (thanh trà, bưởi)',
    'Traceability of fresh fruit and vegetables (pomelo)',
  ),
  productGroups: ['agri.fruit-veg'],
  basedOn: [
    {
      kind: 'TCVN',
      code: 'TCVN 12827:2023',
      title: 'Truy xuất nguồn gốc — Yêu cầu đối với chuỗi cung ứng rau, quả tươi',
    },
    CIRCULAR_17,
    GS1_GTS,
  ],
  ctes: [
    origin('harvesting', text('Thu hoạch', 'Harvesting'), 'grower', [
      required('ilmd.tx:harvestDate'),
      recommended('$location.growingAreaCode'),
      recommended('certificationInfo'),
    ]),
    packing(2, 'packer', 'required', [recommended('$location.packingHouseCode')]),
    shipping(3),
    receiving(4),
  ],
  valueRules: [
    unitsRule([...MASS, 'H87']),
    dateRule('ilmd.tx:harvestDate', ['harvesting']),
    growingAreaRule(['harvesting']),
    packingHouseRule(['packing']),
  ],
  yields: [],
  publicFields: [...PUBLIC_BASE, 'ilmd.tx:harvestDate', '$location.growingAreaCode'],
  retentionDays: RETENTION_FRESH,
  guide: text(
    'Mỗi bên trong chuỗi xác định nhà cung cấp và khách hàng trực tiếp của mình (TCVN 12827:2023). Khi thu hoạch thanh trà, ghi lô thu hoạch với ngày thu hoạch và vườn (địa điểm GLN); nếu vườn có mã số vùng trồng (VN-<tỉnh>OR-0000) hoặc chứng nhận VietGAP, khai báo trên địa điểm và sự kiện. Cơ sở đóng gói ghi sự kiện đóng gói tại cơ sở có mã số cơ sở đóng gói; mỗi lần xuất hàng ghi bên nhận. Hồ sơ lưu ít nhất 6 tháng.',
    'Each party identifies its immediate supplier and customer (TCVN 12827:2023). At harvest, record the harvested lot with its harvest date and orchard (a GLN location); where the orchard has a growing-area code (VN-<province>OR-0000) or a VietGAP certificate, declare it on the location and the event. The packing house records the packing at a site carrying its packing-house code; every shipment names its receiver. Records are kept at least 6 months.',
  ),
};

export const FISHERY_FISH_SAUCE: StandardProfile = {
  id: 'tccs-hue-fishery-fish-sauce',
  version: 1,
  title: text(
    'TCCS truy xuất nguồn gốc thủy sản và nước mắm, tôm chua',
    'Traceability of fishery products, fish sauce and fermented shrimp',
  ),
  productGroups: ['agri.fishery', 'food.fish-sauce'],
  basedOn: [
    { kind: 'TCVN', code: 'TCVN 13991:2024', title: 'Truy xuất nguồn gốc — Yêu cầu đối với chuỗi cung ứng thủy sản' },
    CIRCULAR_17,
    GS1_GTS,
  ],
  ctes: [
    origin('catch', text('Đánh bắt / thu hoạch thủy sản', 'Catch or harvest'), 'fisher', [
      required('ilmd.tx:fish'),
      recommended('ilmd.tx:catchArea'),
    ]),
    processing('fermentation', text('Chế biến (ủ chượp, lên men)', 'Processing (fermentation)'), 2, [
      required('ilmd.tx:bestBefore'),
      recommended('ilmd.tx:protein'),
    ]),
    packing(3, 'packer', 'recommended'),
    shipping(4),
    receiving(5),
  ],
  valueRules: [
    unitsRule([...MASS, 'LTR', 'MLT', 'H87']),
    dateRule('ilmd.tx:bestBefore', ['fermentation']),
    {
      path: 'ilmd.tx:saltRatio',
      ctes: ['catch'],
      check: { kind: 'pattern', pattern: '^\\d+(\\.\\d+)?:\\d+(\\.\\d+)?$' },
      severity: 'warning',
      description: text('Tỉ lệ cá:muối dạng 3:1', 'Fish-to-salt ratio written 3:1'),
    },
  ],
  yields: [],
  publicFields: [...PUBLIC_BASE, 'ilmd.tx:fish', 'ilmd.tx:protein', 'ilmd.tx:bestBefore'],
  retentionDays: RETENTION_PROCESSED,
  guide: text(
    'Theo TCVN 13991:2024, mỗi lô thủy sản được nhận diện từ khi cập bến hoặc thu hoạch: ghi loài (ví dụ cá cơm than), khối lượng, nơi cập bến và vùng khai thác. Mẻ chượp là một sự kiện chế biến nối các lô cá đầu vào với lô nước mắm đầu ra, ghi hạn sử dụng và độ đạm. Đóng chai và xuất hàng ghi bên nhận. Hồ sơ lưu 2 năm.',
    'Under TCVN 13991:2024 every fishery lot is identified from landing or harvest: record the species (for example anchovy), weight, landing place and catch area. A fermentation batch is a processing event linking the input fish lots to the output fish-sauce lot, with its best-before date and protein content. Bottling and shipping name the receiver. Records are kept 2 years.',
  ),
};

export const MEAT: StandardProfile = {
  id: 'tccs-hue-meat',
  version: 1,
  title: text('TCCS truy xuất nguồn gốc thịt và sản phẩm chăn nuôi', 'Traceability of meat and livestock products'),
  productGroups: ['agri.meat'],
  basedOn: [
    { kind: 'TCVN', code: 'TCVN 13166', title: 'Truy xuất nguồn gốc — Chuỗi cung ứng thịt (bộ tiêu chuẩn)' },
    CIRCULAR_17,
    GS1_GTS,
  ],
  ctes: [
    origin('rearing', text('Xuất chuồng', 'Leaving the farm'), 'farmer', [
      required('ilmd.tx:species'),
      required('ilmd.tx:veterinaryCertificate'),
    ]),
    {
      id: 'slaughtering',
      name: text('Giết mổ', 'Slaughtering'),
      bizStep: 'killing',
      eventType: 'TransformationEvent',
      order: 2,
      party: 'processor',
      requirement: 'required',
      kdes: [
        required('bizLocation'),
        required('inputQuantityList'),
        required('outputQuantityList'),
        required('ilmd.tx:inspectionMark'),
      ],
    },
    packing(3, 'processor', 'recommended'),
    shipping(4),
    receiving(5),
  ],
  valueRules: [unitsRule([...MASS, 'H87'])],
  yields: [{ cte: 'slaughtering', min: 0.6, max: 0.82, severity: 'warning' }],
  publicFields: [...PUBLIC_BASE, 'ilmd.tx:species', 'ilmd.tx:inspectionMark'],
  retentionDays: RETENTION_PROCESSED,
  guide: text(
    'Bộ TCVN 13166 theo dõi gia súc, gia cầm từ trang trại đến điểm bán. Khi xuất chuồng ghi loài và giấy chứng nhận kiểm dịch; cơ sở giết mổ ghi sự kiện giết mổ nối lô vật nuôi với lô thịt, dấu kiểm soát giết mổ và khối lượng (tỉ lệ thịt xẻ trên khối lượng sống dự kiến 60–82%). Xuất hàng ghi bên nhận. Hồ sơ lưu 2 năm (thịt đông lạnh).',
    'The TCVN 13166 series follows livestock and poultry from farm to sale. When animals leave the farm record the species and the veterinary (quarantine) certificate; the slaughterhouse records a slaughtering event linking the animal lot to the meat lot, with its inspection mark and weights (carcass over live weight expected at 60–82%). Shipping names the receiver. Records are kept 2 years (frozen meat).',
  ),
};

export const HONEY: StandardProfile = {
  id: 'tccs-hue-honey',
  version: 1,
  title: text('TCCS truy xuất nguồn gốc mật ong', 'Traceability of honey'),
  productGroups: ['agri.honey'],
  basedOn: [
    { kind: 'TCVN', code: 'TCVN 13843:2023', title: 'Truy xuất nguồn gốc — Yêu cầu đối với chuỗi cung ứng mật ong' },
    CIRCULAR_17,
    GS1_GTS,
  ],
  ctes: [
    origin('harvesting', text('Quay mật', 'Honey harvest'), 'farmer', [
      required('ilmd.tx:harvestDate'),
      required('ilmd.tx:floralSource'),
      recommended('ilmd.tx:moisturePercent'),
    ]),
    processing('processing', text('Lọc, hạ thủy phần, đóng chai', 'Filtering, drying and bottling'), 2, [
      required('ilmd.tx:bestBefore'),
    ]),
    shipping(3),
    receiving(4),
  ],
  valueRules: [
    unitsRule([...MASS, 'LTR', 'H87']),
    dateRule('ilmd.tx:harvestDate', ['harvesting']),
    dateRule('ilmd.tx:bestBefore', ['processing']),
    {
      path: 'ilmd.tx:moisturePercent',
      check: { kind: 'range', min: 0, max: 20 },
      severity: 'error',
      description: text('Thủy phần mật ong không quá 20%', 'Honey moisture at most 20%'),
    },
  ],
  yields: [{ cte: 'processing', min: 0.85, max: 1, severity: 'warning' }],
  publicFields: [...PUBLIC_BASE, 'ilmd.tx:floralSource', 'ilmd.tx:harvestDate'],
  retentionDays: RETENTION_PROCESSED,
  guide: text(
    'Theo TCVN 13843:2023, mỗi mẻ quay mật là một lô: ghi ngày quay, nguồn hoa và vị trí đặt đàn ong; nên ghi thủy phần (không quá 20%). Khi lọc, hạ thủy phần và đóng chai, ghi sự kiện chế biến nối các lô mật thô với lô thành phẩm; khối lượng đầu ra dự kiến 85–100% đầu vào. Hồ sơ lưu 2 năm.',
    'Under TCVN 13843:2023 each extraction is a lot: record the date, floral source and apiary location; moisture (at most 20%) should be recorded. Filtering, drying and bottling are a processing event linking raw honey lots to the finished lot; output is expected at 85–100% of input. Records are kept 2 years.',
  ),
};

export const PACKAGED_FOOD: StandardProfile = {
  id: 'tccs-hue-packaged-food',
  version: 1,
  title: text(
    'TCCS truy xuất nguồn gốc thực phẩm chế biến đóng gói (mè xửng, ruốc)',
    'Traceability of packaged processed food (sesame candy, shrimp floss)',
  ),
  productGroups: ['food.packaged', 'food.confectionery'],
  basedOn: [CIRCULAR_02, DECREE_37, GS1_GTS],
  ctes: [
    processing('production', text('Sản xuất mẻ', 'Batch production'), 2, [
      required('ilmd.tx:productionDate'),
      required('ilmd.tx:bestBefore'),
    ]),
    packing(3, 'processor', 'recommended'),
    shipping(4),
    receiving(5),
  ],
  valueRules: [
    unitsRule([...MASS, 'H87']),
    dateRule('ilmd.tx:productionDate', ['production']),
    dateRule('ilmd.tx:bestBefore', ['production']),
  ],
  yields: [{ cte: 'production', min: 0.7, max: 1, severity: 'warning' }],
  publicFields: [...PUBLIC_BASE, 'ilmd.tx:productionDate', 'ilmd.tx:bestBefore'],
  retentionDays: RETENTION_PROCESSED,
  guide: text(
    'Thông tư 02/2024 và Nghị định 37/2026 yêu cầu mỗi công đoạn có mã truy vết sản phẩm, mã địa điểm và thời gian, cùng ngày sản xuất và hạn sử dụng. Mỗi mẻ sản xuất là một sự kiện chế biến nêu các lô nguyên liệu đầu vào (mè, đường, mạch nha, giữ hóa đơn của nhà cung cấp) cùng ngày sản xuất và hạn sử dụng; xuất hàng ghi bên nhận. Hồ sơ lưu 2 năm.',
    'Circular 02/2024 and Decree 37/2026 require each stage to carry a product trace code, a location trace code and a time, plus production date and shelf life. Each batch is a processing event naming its input ingredient lots (sesame, sugar, malt; keep the supplier’s invoice) with its production and best-before dates; shipping names the receiver. Records are kept 2 years.',
  ),
};

export const RICE: StandardProfile = {
  id: 'tccs-hue-rice',
  version: 1,
  title: text('TCCS truy xuất nguồn gốc lúa gạo (gạo hữu cơ An Lỗ)', 'Traceability of rice (An Lỗ organic rice)'),
  productGroups: ['agri.rice'],
  basedOn: [CIRCULAR_17, GS1_GTS, PROVINCE_TCCS('TCCS-HUE-GAO', 'Quy trình lúa gạo hữu cơ HTX An Lỗ')],
  ctes: [
    origin('harvesting', text('Thu hoạch lúa', 'Paddy harvest'), 'grower', [
      required('ilmd.tx:harvestDate'),
      required('ilmd.tx:variety'),
      recommended('$location.growingAreaCode'),
      recommended('certificationInfo'),
    ]),
    processing('milling', text('Xay xát', 'Milling'), 2, [required('ilmd.tx:bestBefore')]),
    packing(3, 'processor', 'required'),
    shipping(4),
    receiving(5),
  ],
  valueRules: [
    unitsRule(MASS),
    dateRule('ilmd.tx:harvestDate', ['harvesting']),
    dateRule('ilmd.tx:bestBefore', ['milling']),
    growingAreaRule(['harvesting']),
  ],
  yields: [{ cte: 'milling', min: 0.6, max: 0.72, severity: 'error' }],
  publicFields: [...PUBLIC_BASE, 'ilmd.tx:variety', 'ilmd.tx:harvestDate'],
  retentionDays: RETENTION_PROCESSED,
  guide: text(
    'Mỗi ruộng (địa điểm GLN) thu hoạch thành một lô lúa với ngày thu hoạch và giống; nếu có mã số vùng trồng hoặc chứng nhận hữu cơ, khai báo. Xay xát là sự kiện chế biến: tỉ lệ gạo trên lúa dự kiến 60–72%, ngoài khoảng này là dấu hiệu trộn lúa không rõ nguồn. Đóng bao và xuất hàng ghi bên nhận. Hồ sơ lưu 2 năm.',
    'Each field (a GLN location) is harvested as a paddy lot with its harvest date and variety; declare its growing-area code or organic certificate where it has one. Milling is a processing event: rice over paddy is expected at 60–72%; outside that range suggests paddy of unknown origin was mixed in. Bagging and shipping name the receiver. Records are kept 2 years.',
  ),
};

export const LOTUS: StandardProfile = {
  id: 'tccs-hue-lotus',
  version: 1,
  title: text('TCCS truy xuất nguồn gốc sen và hạt sen Huế', 'Traceability of Huế lotus seeds'),
  productGroups: ['agri.lotus'],
  basedOn: [CIRCULAR_17, GS1_GTS, PROVINCE_TCCS('TCCS-HUE-SEN', 'Hạt sen Huế (hồ Tịnh Tâm)')],
  ctes: [
    origin('harvesting', text('Thu hoạch gương sen', 'Lotus harvest'), 'grower', [
      required('ilmd.tx:harvestDate'),
      required('ilmd.tx:pond'),
    ]),
    processing('processing', text('Tách vỏ, sấy, phân loại', 'Shelling, drying and sorting'), 2, [
      required('ilmd.tx:bestBefore'),
      recommended('ilmd.tx:process'),
    ]),
    packing(3, 'processor', 'required'),
    shipping(4),
    receiving(5),
  ],
  valueRules: [
    unitsRule(MASS),
    dateRule('ilmd.tx:harvestDate', ['harvesting']),
    dateRule('ilmd.tx:bestBefore', ['processing']),
  ],
  yields: [{ cte: 'processing', min: 0.55, max: 0.75, severity: 'error' }],
  publicFields: [...PUBLIC_BASE, 'ilmd.tx:pond', 'ilmd.tx:harvestDate', 'ilmd.tx:process'],
  retentionDays: RETENTION_PROCESSED,
  guide: text(
    'Sen Huế được nhận diện theo hồ và ô thu hoạch (ví dụ Hồ Tịnh Tâm, ô 3) và ngày thu hoạch. Tách vỏ, sấy và phân loại là một sự kiện chế biến nối các lô thu hoạch với lô hạt sen khô; tỉ lệ dự kiến 55–75%: vượt quá là dấu hiệu pha trộn hạt sen nơi khác. Đóng gói và xuất hàng ghi bên nhận. Hồ sơ lưu 2 năm.',
    'Huế lotus is identified by lake and plot (for example Tịnh Tâm lake, plot 3) and harvest date. Shelling, drying and sorting are one processing event linking the harvest lots to the dried-seed lot; yield is expected at 55–75%: above it suggests seeds from elsewhere were mixed in. Packing and shipping name the receiver. Records are kept 2 years.',
  ),
};

export const TEA: StandardProfile = {
  id: 'tccs-hue-tea',
  version: 1,
  title: text(
    'TCCS truy xuất nguồn gốc trà và đồ uống thảo mộc (trà rau má)',
    'Traceability of tea and herbal drinks (pennywort tea)',
  ),
  productGroups: ['food.tea'],
  basedOn: [CIRCULAR_17, CIRCULAR_02, GS1_GTS],
  ctes: [
    origin('harvesting', text('Thu hái nguyên liệu', 'Leaf harvest'), 'grower', [
      required('ilmd.tx:harvestDate'),
      recommended('$location.growingAreaCode'),
      recommended('certificationInfo'),
    ]),
    processing('drying', text('Sơ chế, sấy, nghiền', 'Washing, drying and milling'), 2, [
      required('ilmd.tx:productionDate'),
      required('ilmd.tx:bestBefore'),
    ]),
    packing(3, 'processor', 'recommended'),
    shipping(4),
  ],
  valueRules: [
    unitsRule([...MASS, 'H87']),
    dateRule('ilmd.tx:harvestDate', ['harvesting']),
    dateRule('ilmd.tx:productionDate', ['drying']),
    dateRule('ilmd.tx:bestBefore', ['drying']),
    growingAreaRule(['harvesting']),
  ],
  yields: [{ cte: 'drying', min: 0.08, max: 0.25, severity: 'error' }],
  publicFields: [...PUBLIC_BASE, 'ilmd.tx:harvestDate', 'ilmd.tx:productionDate', 'ilmd.tx:bestBefore'],
  retentionDays: RETENTION_PROCESSED,
  guide: text(
    'Rau má tươi được thu hái theo lô với ngày hái và vùng trồng. Sơ chế, sấy và nghiền là sự kiện chế biến; khối lượng trà khô dự kiến 8–25% khối lượng lá tươi, ngoài khoảng này là dấu hiệu nguyên liệu không khai báo. Ghi ngày sản xuất và hạn sử dụng; xuất hàng ghi bên nhận. Hồ sơ lưu 2 năm.',
    'Fresh pennywort is picked in lots with picking date and growing area. Washing, drying and milling are a processing event; dry tea is expected at 8–25% of the fresh leaf weight, outside that range suggests undeclared raw material. Record production and best-before dates; shipping names the receiver. Records are kept 2 years.',
  ),
};

export const ESSENTIAL_OIL: StandardProfile = {
  id: 'tccs-hue-essential-oil',
  version: 1,
  title: text('TCCS truy xuất nguồn gốc tinh dầu (dầu tràm)', 'Traceability of essential oils (cajeput oil)'),
  productGroups: ['med.essential-oil'],
  basedOn: [CIRCULAR_02, GS1_GTS, PROVINCE_TCCS('TCCS-HUE-DAUTRAM', 'Dầu tràm Huế')],
  ctes: [
    origin('harvesting', text('Thu hái lá tràm', 'Cajeput leaf harvest'), 'grower', [
      required('ilmd.tx:harvestDate'),
      recommended('ilmd.tx:species'),
    ]),
    processing('distillation', text('Chưng cất', 'Distillation'), 2, [
      required('ilmd.tx:productionDate'),
      recommended('ilmd.tx:cineolePercent'),
    ]),
    packing(3, 'processor', 'recommended'),
    shipping(4),
  ],
  valueRules: [
    unitsRule([...MASS, 'LTR', 'MLT', 'H87']),
    dateRule('ilmd.tx:harvestDate', ['harvesting']),
    dateRule('ilmd.tx:productionDate', ['distillation']),
    {
      path: 'ilmd.tx:cineolePercent',
      ctes: ['distillation'],
      check: { kind: 'range', min: 0, max: 100 },
      severity: 'error',
      description: text('Hàm lượng cineol là phần trăm', 'Cineole content is a percentage'),
    },
  ],
  yields: [{ cte: 'distillation', min: 0.005, max: 0.03, severity: 'error' }],
  publicFields: [...PUBLIC_BASE, 'ilmd.tx:productionDate', 'ilmd.tx:cineolePercent'],
  retentionDays: RETENTION_PROCESSED,
  guide: text(
    'Lá tràm được thu hái theo lô với ngày và rừng tràm. Chưng cất là sự kiện chế biến nối các lô lá với lô dầu; khi cùng đơn vị khối lượng, tỉ lệ dầu trên lá dự kiến 0,5–3%, vượt quá là dấu hiệu pha dầu không rõ nguồn. Nên ghi hàm lượng cineol. Hồ sơ lưu 2 năm.',
    'Cajeput leaves are harvested in lots with date and plantation. Distillation is a processing event linking leaf lots to the oil lot; in mass units oil over leaves is expected at 0.5–3%, above it suggests oil of unknown origin was added. Cineole content should be recorded. Records are kept 2 years.',
  ),
};

export const MEDICINAL_HERBS: StandardProfile = {
  id: 'tccs-hue-medicinal-herbs',
  version: 1,
  title: text('TCCS truy xuất nguồn gốc dược liệu', 'Traceability of medicinal herbs'),
  productGroups: ['med.herbs'],
  basedOn: [CIRCULAR_02, GS1_GTS, PROVINCE_TCCS('TCCS-HUE-DUOCLIEU', 'Dược liệu Huế')],
  ctes: [
    origin('harvesting', text('Thu hái dược liệu', 'Herb harvest'), 'grower', [
      required('ilmd.tx:scientificName'),
      required('ilmd.tx:harvestDate'),
      recommended('$location.growingAreaCode'),
    ]),
    processing('drying', text('Sơ chế, phơi sấy', 'Primary processing and drying'), 2, [
      required('ilmd.tx:bestBefore'),
    ]),
    packing(3, 'processor', 'recommended'),
    shipping(4),
    receiving(5),
  ],
  valueRules: [
    unitsRule(MASS),
    dateRule('ilmd.tx:harvestDate', ['harvesting']),
    dateRule('ilmd.tx:bestBefore', ['drying']),
    growingAreaRule(['harvesting']),
    {
      path: 'ilmd.tx:scientificName',
      ctes: ['harvesting'],
      check: { kind: 'pattern', pattern: '^[A-Z][a-z]+ [a-z-]+( .+)?$' },
      severity: 'error',
      description: text('Tên khoa học dạng Chi loài', 'Scientific name written Genus species'),
    },
  ],
  yields: [{ cte: 'drying', min: 0.12, max: 0.4, severity: 'warning' }],
  publicFields: [...PUBLIC_BASE, 'ilmd.tx:scientificName', 'ilmd.tx:harvestDate'],
  retentionDays: RETENTION_PROCESSED,
  guide: text(
    'Dược liệu được ghi theo tên khoa học (ví dụ Centella asiatica), ngày thu hái và vùng trồng để phân biệt với dược liệu nhập không rõ nguồn. Sơ chế và phơi sấy là sự kiện chế biến; khối lượng khô dự kiến 12–40% khối lượng tươi. Xuất và nhận hàng ghi bên kia của giao dịch. Hồ sơ lưu 2 năm.',
    'Herbs are recorded by scientific name (for example Centella asiatica), harvest date and growing area, to tell them from imported herbs of unknown origin. Primary processing and drying are a processing event; dry weight is expected at 12–40% of fresh weight. Shipping and receiving name the other party. Records are kept 2 years.',
  ),
};
