import { withCheckDigit } from '../identifiers/check-digit.ts';
import type { Role } from '../shared/caller.ts';
import type { LocationInput } from '../registry/location.service.ts';
import type { OrganisationInput } from '../registry/organisation.service.ts';
import type { ProductInput } from '../registry/product.service.ts';
import { withTaxCheckDigit } from '../registry/tax-code.ts';

/**
 * The Huế demo data set: the provincial authority, a solution provider and twelve producers, cooperatives,
 * processors and a shop with the province's typical products (REQUIREMENTS.md §5b). Every GS1 number is fake:
 * Vietnam's prefix 893 followed by a made-up company number 9101…9112, with valid check digits. Tax codes are
 * fake too (Huế's 33 prefix, valid check digit). Pre-2025 district names appear in addresses, as on labels today.
 */

export const DEMO_PASSWORD = 'demo1234';
export const DEMO_EMAIL_DOMAIN = 'truyxuat.demo';

/** Huế's code in the national list of administrative units. */
const HUE = '46';

function tax(nine: string): string {
  const code = withTaxCheckDigit(nine);
  if (code === undefined) throw new Error(`no tax check digit exists for ${nine}`);
  return code;
}

/** GS1 keys of one demo company: GTIN-13 and GLN are its 7-digit prefix, a 5-digit reference and the check digit. */
export function gs1(prefix: string) {
  return {
    prefix,
    gtin: (item: number) => withCheckDigit(`${prefix}${String(item).padStart(5, '0')}`),
    gln: (location: number) => withCheckDigit(`${prefix}${String(location).padStart(5, '0')}`),
  };
}

export interface DemoUser {
  readonly login: string;
  readonly displayName: string;
  readonly role: Role;
}

export interface DemoOrganisation {
  readonly key: string;
  readonly organisation: OrganisationInput;
  readonly users: readonly DemoUser[];
  readonly locations: readonly (Omit<LocationInput, 'organisationId' | 'parentId'> & {
    key: string;
    parent?: string;
  })[];
  readonly products: readonly (Omit<ProductInput, 'organisationId'> & { key: string })[];
}

const user = (local: string, displayName: string, role: Role = 'org_admin'): DemoUser => ({
  login: `${local}@${DEMO_EMAIL_DOMAIN}`,
  displayName,
  role,
});

const anLo = gs1('8939101');
const phuThuan = gs1('8939102');
const meXung = gs1('8939103');
const tomChua = gs1('8939104');
const sen = gs1('8939105');
const dauTram = gs1('8939106');
const thanhTra = gs1('8939107');
const rauMa = gs1('8939108');
const ruou = gs1('8939109');
const hoangMai = gs1('8939110');
const duocLieu = gs1('8939111');
const dongBa = gs1('8939112');

export const AUTHORITY_TAX_CODE = tax('330010001');

export const DEMO_ORGANISATIONS: readonly DemoOrganisation[] = [
  {
    key: 'authority',
    organisation: {
      name: 'Sở Khoa học và Công nghệ thành phố Huế',
      nameEn: 'Huế City Department of Science and Technology',
      kind: 'authority',
      taxCode: AUTHORITY_TAX_CODE,
      address: '07 Hà Nội, phường Thuận Hóa',
      provinceCode: HUE,
      communeName: 'Phường Thuận Hóa',
      contactEmail: `so-khcn@${DEMO_EMAIL_DOMAIN}`,
    },
    users: [
      user('so-khcn', 'Quản trị Sở KH&CN', 'province_admin'),
      user('thanh-tra', 'Thanh tra Sở KH&CN', 'province_inspector'),
    ],
    locations: [],
    products: [],
  },
  {
    key: 'provider',
    organisation: {
      name: 'Công ty TNHH Giải pháp Truy xuất Sông Hương',
      nameEn: 'Song Huong Traceability Solutions Co., Ltd.',
      kind: 'provider',
      taxCode: tax('330010138'),
      address: '28 Lý Thường Kiệt',
      provinceCode: HUE,
      communeName: 'Phường Thuận Hóa',
    },
    users: [user('giai-phap', 'Kỹ thuật viên Sông Hương')],
    locations: [],
    products: [],
  },
  {
    key: 'an-lo',
    organisation: {
      name: 'Hợp tác xã Nông nghiệp An Lỗ',
      nameEn: 'An Lo Agricultural Cooperative',
      kind: 'cooperative',
      taxCode: tax('330010275'),
      gs1CompanyPrefix: anLo.prefix,
      primaryGln: anLo.gln(0),
      address: 'Thôn An Lỗ, xã Phong Hiền, huyện Phong Điền',
      provinceCode: HUE,
      communeName: 'Xã Phong Điền',
      contactName: 'Hoàng Văn Lợi',
      contactPhone: '0234 3551 012',
    },
    users: [user('an-lo', 'HTX An Lỗ')],
    locations: [
      {
        key: 'an-lo-field',
        gln: anLo.gln(1),
        name: 'Cánh đồng lúa hữu cơ An Lỗ',
        nameEn: 'An Lo organic rice fields',
        kind: 'growing_area',
        latitude: 16.5528,
        longitude: 107.3563,
        growingAreaCode: 'VN-TTHOR-0101',
        provinceCode: HUE,
        communeName: 'Xã Phong Điền',
      },
      {
        key: 'an-lo-mill',
        gln: anLo.gln(2),
        name: 'Xưởng xay xát và đóng gói gạo An Lỗ',
        nameEn: 'An Lo rice mill and packing',
        kind: 'factory',
        latitude: 16.5491,
        longitude: 107.3602,
        provinceCode: HUE,
        communeName: 'Xã Phong Điền',
      },
    ],
    products: [
      {
        key: 'gao-huu-co',
        gtin: anLo.gtin(1),
        name: 'Gạo hữu cơ An Lỗ',
        nameEn: 'An Lo organic rice',
        brand: 'An Lỗ',
        groupCode: 'agri.rice',
        netContent: 5,
        netContentUnit: 'KGM',
        shelfLifeDays: 365,
        description: 'Gạo trồng theo quy trình hữu cơ trên cánh đồng An Lỗ, xay xát và đóng gói tại hợp tác xã.',
        certifications: [
          {
            kind: 'organic',
            number: 'HC-46-2025-007',
            issuer: 'Tổ chức chứng nhận hữu cơ (mẫu)',
            validFrom: '2025-03-01',
            validTo: '2028-02-28',
          },
          {
            kind: 'ocop',
            ocopStars: 4,
            number: 'OCOP-46-2024-031',
            issuer: 'UBND thành phố Huế',
            validFrom: '2024-06-15',
            validTo: '2027-06-14',
          },
        ],
      },
    ],
  },
  {
    key: 'phu-thuan',
    organisation: {
      name: 'Hợp tác xã Nước mắm Phú Thuận',
      nameEn: 'Phu Thuan Fish Sauce Cooperative',
      kind: 'cooperative',
      taxCode: tax('330010412'),
      gs1CompanyPrefix: phuThuan.prefix,
      primaryGln: phuThuan.gln(0),
      address: 'Thôn Hòa Duân, xã Phú Thuận, huyện Phú Vang',
      provinceCode: HUE,
      communeName: 'Xã Phú Vang',
    },
    users: [user('phu-thuan', 'HTX Nước mắm Phú Thuận')],
    locations: [
      {
        key: 'phu-thuan-landing',
        gln: phuThuan.gln(1),
        name: 'Bến cá Phú Thuận',
        nameEn: 'Phu Thuan fish landing',
        kind: 'market',
        latitude: 16.5432,
        longitude: 107.6811,
        provinceCode: HUE,
        communeName: 'Xã Phú Vang',
      },
      {
        key: 'phu-thuan-factory',
        gln: phuThuan.gln(2),
        name: 'Nhà ủ chượp nước mắm Phú Thuận',
        nameEn: 'Phu Thuan fish sauce fermentation house',
        kind: 'factory',
        latitude: 16.5398,
        longitude: 107.6759,
        provinceCode: HUE,
        communeName: 'Xã Phú Vang',
      },
    ],
    products: [
      {
        key: 'nuoc-mam',
        gtin: phuThuan.gtin(1),
        name: 'Nước mắm cá cơm Phú Thuận 35 độ đạm',
        nameEn: 'Phu Thuan anchovy fish sauce, 35° protein',
        brand: 'Phú Thuận',
        groupCode: 'food.fish-sauce',
        netContent: 500,
        netContentUnit: 'MLT',
        shelfLifeDays: 730,
        certifications: [
          {
            kind: 'ocop',
            ocopStars: 4,
            number: 'OCOP-46-2023-112',
            issuer: 'UBND tỉnh Thừa Thiên Huế',
            validFrom: '2023-10-01',
            validTo: '2026-09-30',
          },
          {
            kind: 'haccp',
            number: 'HACCP-2024-0457',
            issuer: 'Tổ chức chứng nhận (mẫu)',
            validFrom: '2024-04-01',
            validTo: '2027-03-31',
          },
        ],
      },
    ],
  },
  {
    key: 'me-xung',
    organisation: {
      name: 'Cơ sở sản xuất Mè xửng Hương Xưa',
      nameEn: 'Huong Xua sesame candy workshop',
      kind: 'company',
      taxCode: tax('330010549'),
      gs1CompanyPrefix: meXung.prefix,
      primaryGln: meXung.gln(0),
      address: '15 Chi Lăng, phường Phú Hiệp',
      provinceCode: HUE,
      communeName: 'Phường Phú Xuân',
    },
    users: [user('me-xung', 'Cơ sở Mè xửng Hương Xưa')],
    locations: [
      {
        key: 'me-xung-kitchen',
        gln: meXung.gln(1),
        name: 'Xưởng nấu kẹo mè xửng',
        nameEn: 'Sesame candy kitchen',
        kind: 'factory',
        latitude: 16.4781,
        longitude: 107.5912,
        provinceCode: HUE,
        communeName: 'Phường Phú Xuân',
      },
    ],
    products: [
      {
        key: 'me-xung',
        gtin: meXung.gtin(1),
        name: 'Mè xửng Huế hộp 250 g',
        nameEn: 'Huế sesame candy, 250 g box',
        brand: 'Hương Xưa',
        groupCode: 'food.confectionery',
        netContent: 250,
        netContentUnit: 'GRM',
        shelfLifeDays: 180,
        description: 'Kẹo mè xửng nấu từ mạch nha, đường, đậu phộng và mè theo công thức truyền thống Huế.',
        certifications: [
          {
            kind: 'ocop',
            ocopStars: 4,
            number: 'OCOP-46-2024-058',
            issuer: 'UBND thành phố Huế',
            validFrom: '2024-09-01',
            validTo: '2027-08-31',
          },
        ],
      },
      {
        key: 'me-xung-gung',
        gtin: meXung.gtin(2),
        name: 'Mè xửng gừng',
        nameEn: 'Ginger sesame candy',
        brand: 'Hương Xưa',
        groupCode: 'food.confectionery',
        netContent: 200,
        netContentUnit: 'GRM',
        shelfLifeDays: 180,
      },
    ],
  },
  {
    key: 'tom-chua',
    organisation: {
      name: 'Hộ kinh doanh Tôm chua Gia Hội',
      nameEn: 'Gia Hoi fermented shrimp household business',
      kind: 'household',
      taxCode: tax('330010823'),
      gs1CompanyPrefix: tomChua.prefix,
      primaryGln: tomChua.gln(0),
      address: '42 Chi Lăng, phường Gia Hội',
      provinceCode: HUE,
      communeName: 'Phường Phú Xuân',
    },
    users: [user('tom-chua', 'Tôm chua Gia Hội')],
    locations: [
      {
        key: 'tom-chua-kitchen',
        gln: tomChua.gln(1),
        name: 'Cơ sở chế biến tôm chua Gia Hội',
        nameEn: 'Gia Hoi fermented shrimp kitchen',
        kind: 'factory',
        latitude: 16.4749,
        longitude: 107.5889,
        provinceCode: HUE,
        communeName: 'Phường Phú Xuân',
      },
    ],
    products: [
      {
        key: 'tom-chua',
        gtin: tomChua.gtin(1),
        name: 'Tôm chua Huế hũ 500 g',
        nameEn: 'Huế fermented shrimp, 500 g jar',
        brand: 'Gia Hội',
        groupCode: 'food.fish-sauce',
        netContent: 500,
        netContentUnit: 'GRM',
        shelfLifeDays: 60,
        certifications: [
          {
            kind: 'ocop',
            ocopStars: 3,
            number: 'OCOP-46-2024-077',
            issuer: 'UBND thành phố Huế',
            validFrom: '2024-11-01',
            validTo: '2027-10-31',
          },
        ],
      },
    ],
  },
  {
    key: 'sen',
    organisation: {
      name: 'Hợp tác xã Sen Huế Tịnh Tâm',
      nameEn: 'Tinh Tam Hue Lotus Cooperative',
      kind: 'cooperative',
      taxCode: tax('330010960'),
      gs1CompanyPrefix: sen.prefix,
      primaryGln: sen.gln(0),
      address: 'Hồ Tịnh Tâm, đường Đinh Tiên Hoàng',
      provinceCode: HUE,
      communeName: 'Phường Phú Xuân',
    },
    users: [user('sen-tinh-tam', 'HTX Sen Tịnh Tâm')],
    locations: [
      {
        key: 'sen-lake',
        gln: sen.gln(1),
        name: 'Hồ sen Tịnh Tâm',
        nameEn: 'Tinh Tam lotus lake',
        kind: 'pond',
        latitude: 16.4752,
        longitude: 107.5803,
        growingAreaCode: 'VN-TTHOR-0102',
        provinceCode: HUE,
        communeName: 'Phường Phú Xuân',
      },
      {
        key: 'sen-processing',
        gln: sen.gln(2),
        name: 'Nhà sơ chế hạt sen',
        nameEn: 'Lotus seed processing house',
        kind: 'packing_house',
        latitude: 16.4741,
        longitude: 107.5818,
        packingHouseCode: 'VN-TTHPH-0011',
        parent: 'sen-lake',
        provinceCode: HUE,
        communeName: 'Phường Phú Xuân',
      },
    ],
    products: [
      {
        key: 'hat-sen',
        gtin: sen.gtin(1),
        name: 'Hạt sen Huế Tịnh Tâm sấy khô',
        nameEn: 'Dried Tinh Tam Huế lotus seeds',
        brand: 'Sen Tịnh Tâm',
        groupCode: 'agri.lotus',
        netContent: 500,
        netContentUnit: 'GRM',
        shelfLifeDays: 365,
        certifications: [
          {
            kind: 'vietgap',
            number: 'VG-46-2025-0019',
            issuer: 'Trung tâm chứng nhận (mẫu)',
            validFrom: '2025-01-10',
            validTo: '2027-01-09',
          },
          {
            kind: 'ocop',
            ocopStars: 5,
            number: 'OCOP-QG-2025-004',
            issuer: 'Bộ Nông nghiệp và Môi trường',
            validFrom: '2025-05-01',
            validTo: '2028-04-30',
          },
        ],
      },
    ],
  },
  {
    key: 'dau-tram',
    organisation: {
      name: 'Công ty TNHH Dầu tràm Lộc Thủy',
      nameEn: 'Loc Thuy Cajeput Oil Co., Ltd.',
      kind: 'company',
      taxCode: tax('330011097'),
      gs1CompanyPrefix: dauTram.prefix,
      primaryGln: dauTram.gln(0),
      address: 'Thôn Phước Hưng, xã Lộc Thủy, huyện Phú Lộc',
      provinceCode: HUE,
      communeName: 'Xã Chân Mây - Lăng Cô',
    },
    users: [user('dau-tram', 'Dầu tràm Lộc Thủy')],
    locations: [
      {
        key: 'tram-forest',
        gln: dauTram.gln(1),
        name: 'Rừng tràm Lộc Thủy',
        nameEn: 'Loc Thuy cajeput forest',
        kind: 'farm',
        latitude: 16.2712,
        longitude: 107.9306,
        provinceCode: HUE,
        communeName: 'Xã Chân Mây - Lăng Cô',
      },
      {
        key: 'tram-distillery',
        gln: dauTram.gln(2),
        name: 'Lò chưng cất dầu tràm',
        nameEn: 'Cajeput oil distillery',
        kind: 'factory',
        latitude: 16.2689,
        longitude: 107.9331,
        provinceCode: HUE,
        communeName: 'Xã Chân Mây - Lăng Cô',
      },
    ],
    products: [
      {
        key: 'dau-tram',
        gtin: dauTram.gtin(1),
        name: 'Dầu tràm Huế nguyên chất 50 ml',
        nameEn: 'Pure Huế cajeput oil, 50 ml',
        brand: 'Lộc Thủy',
        groupCode: 'med.essential-oil',
        netContent: 50,
        netContentUnit: 'MLT',
        shelfLifeDays: 1095,
        certifications: [
          {
            kind: 'ocop',
            ocopStars: 4,
            number: 'OCOP-46-2023-045',
            issuer: 'UBND tỉnh Thừa Thiên Huế',
            validFrom: '2023-08-01',
            validTo: '2026-07-31',
          },
        ],
      },
    ],
  },
  {
    key: 'thanh-tra',
    organisation: {
      name: 'Hợp tác xã Thanh trà Thủy Biều',
      nameEn: 'Thuy Bieu Pomelo Cooperative',
      kind: 'cooperative',
      taxCode: tax('330011234'),
      gs1CompanyPrefix: thanhTra.prefix,
      primaryGln: thanhTra.gln(0),
      address: 'Phường Thủy Biều',
      provinceCode: HUE,
      communeName: 'Phường Kim Long',
    },
    users: [user('thanh-tra-thuy-bieu', 'HTX Thanh trà Thủy Biều')],
    locations: [
      {
        key: 'thanh-tra-orchard',
        gln: thanhTra.gln(1),
        name: 'Vùng trồng thanh trà Thủy Biều',
        nameEn: 'Thuy Bieu pomelo growing area',
        kind: 'growing_area',
        latitude: 16.4357,
        longitude: 107.5489,
        growingAreaCode: 'VN-TTHOR-0103',
        provinceCode: HUE,
        communeName: 'Phường Kim Long',
      },
      {
        key: 'thanh-tra-packing',
        gln: thanhTra.gln(2),
        name: 'Cơ sở đóng gói thanh trà Thủy Biều',
        nameEn: 'Thuy Bieu pomelo packing house',
        kind: 'packing_house',
        latitude: 16.4391,
        longitude: 107.5512,
        packingHouseCode: 'VN-TTHPH-0012',
        provinceCode: HUE,
        communeName: 'Phường Kim Long',
      },
    ],
    products: [
      {
        key: 'thanh-tra',
        gtin: thanhTra.gtin(1),
        name: 'Thanh trà Thủy Biều',
        nameEn: 'Thuy Bieu pomelo',
        brand: 'Thanh trà Huế',
        groupCode: 'agri.fruit-veg',
        netContent: 1,
        netContentUnit: 'KGM',
        shelfLifeDays: 30,
        certifications: [
          {
            kind: 'vietgap',
            number: 'VG-46-2024-0102',
            issuer: 'Trung tâm chứng nhận (mẫu)',
            validFrom: '2024-07-01',
            validTo: '2026-06-30',
          },
        ],
      },
    ],
  },
  {
    key: 'rau-ma',
    organisation: {
      name: 'Hợp tác xã Nông nghiệp Quảng Thành',
      nameEn: 'Quang Thanh Agricultural Cooperative',
      kind: 'cooperative',
      taxCode: tax('330011371'),
      gs1CompanyPrefix: rauMa.prefix,
      primaryGln: rauMa.gln(0),
      address: 'Xã Quảng Thành, huyện Quảng Điền',
      provinceCode: HUE,
      communeName: 'Xã Quảng Điền',
    },
    users: [user('quang-thanh', 'HTX Quảng Thành')],
    locations: [
      {
        key: 'rau-ma-field',
        gln: rauMa.gln(1),
        name: 'Vùng trồng rau má Quảng Thành',
        nameEn: 'Quang Thanh pennywort fields',
        kind: 'growing_area',
        latitude: 16.5614,
        longitude: 107.5387,
        growingAreaCode: 'VN-TTHOR-0104',
        provinceCode: HUE,
        communeName: 'Xã Quảng Điền',
      },
      {
        key: 'rau-ma-workshop',
        gln: rauMa.gln(2),
        name: 'Xưởng sấy trà rau má',
        nameEn: 'Pennywort tea drying workshop',
        kind: 'factory',
        latitude: 16.5588,
        longitude: 107.5401,
        provinceCode: HUE,
        communeName: 'Xã Quảng Điền',
      },
    ],
    products: [
      {
        key: 'tra-rau-ma',
        gtin: rauMa.gtin(1),
        name: 'Trà rau má Quảng Thành túi lọc',
        nameEn: 'Quang Thanh pennywort tea bags',
        brand: 'Quảng Thành',
        groupCode: 'food.tea',
        netContent: 100,
        netContentUnit: 'GRM',
        shelfLifeDays: 540,
        certifications: [
          {
            kind: 'vietgap',
            number: 'VG-46-2024-0088',
            issuer: 'Trung tâm chứng nhận (mẫu)',
            validFrom: '2024-05-20',
            validTo: '2026-05-19',
          },
          {
            kind: 'ocop',
            ocopStars: 3,
            number: 'OCOP-46-2022-019',
            issuer: 'UBND tỉnh Thừa Thiên Huế',
            validFrom: '2022-12-01',
            validTo: '2025-11-30',
          },
        ],
      },
    ],
  },
  {
    key: 'ruou',
    organisation: {
      name: 'Cơ sở Rượu Làng Chuồn',
      nameEn: 'Lang Chuon rice wine workshop',
      kind: 'company',
      taxCode: tax('330011508'),
      gs1CompanyPrefix: ruou.prefix,
      primaryGln: ruou.gln(0),
      address: 'Làng Chuồn, xã Phú An, huyện Phú Vang',
      provinceCode: HUE,
      communeName: 'Xã Phú Vang',
    },
    users: [user('ruou-lang-chuon', 'Rượu Làng Chuồn')],
    locations: [
      {
        key: 'ruou-distillery',
        gln: ruou.gln(1),
        name: 'Lò nấu rượu Làng Chuồn',
        nameEn: 'Lang Chuon rice wine distillery',
        kind: 'factory',
        latitude: 16.5127,
        longitude: 107.6633,
        provinceCode: HUE,
        communeName: 'Xã Phú Vang',
      },
    ],
    products: [
      {
        key: 'ruou',
        gtin: ruou.gtin(1),
        name: 'Rượu gạo Làng Chuồn 500 ml',
        nameEn: 'Lang Chuon rice wine, 500 ml',
        brand: 'Làng Chuồn',
        groupCode: 'food.wine',
        netContent: 500,
        netContentUnit: 'MLT',
        shelfLifeDays: 1825,
      },
    ],
  },
  {
    key: 'hoang-mai',
    organisation: {
      name: 'Tổ hợp tác Hoàng mai Kim Long',
      nameEn: 'Kim Long Ochna Growers Group',
      kind: 'other',
      taxCode: tax('330011645'),
      gs1CompanyPrefix: hoangMai.prefix,
      primaryGln: hoangMai.gln(0),
      address: 'Phường Kim Long',
      provinceCode: HUE,
      communeName: 'Phường Kim Long',
    },
    users: [user('hoang-mai', 'Tổ hợp tác Hoàng mai Kim Long')],
    locations: [
      {
        key: 'hoang-mai-garden',
        gln: hoangMai.gln(1),
        name: 'Vườn hoàng mai Kim Long',
        nameEn: 'Kim Long ochna garden',
        kind: 'farm',
        latitude: 16.4573,
        longitude: 107.5552,
        provinceCode: HUE,
        communeName: 'Phường Kim Long',
      },
    ],
    products: [
      {
        key: 'hoang-mai',
        gtin: hoangMai.gtin(1),
        name: 'Cây hoàng mai Huế trong chậu',
        nameEn: 'Potted Huế ochna (yellow apricot) tree',
        brand: 'Hoàng mai Huế',
        groupCode: 'agri.ornamental',
        netContent: 1,
        netContentUnit: 'H87',
        certifications: [
          {
            kind: 'geographical_indication',
            number: 'CDĐL-00xxx (mẫu)',
            issuer: 'Cục Sở hữu trí tuệ',
            validFrom: '2021-01-15',
          },
        ],
      },
    ],
  },
  {
    key: 'duoc-lieu',
    organisation: {
      name: 'Công ty Cổ phần Dược liệu Bạch Mã',
      nameEn: 'Bach Ma Medicinal Herbs JSC',
      kind: 'company',
      taxCode: tax('330011782'),
      gs1CompanyPrefix: duocLieu.prefix,
      primaryGln: duocLieu.gln(0),
      address: 'Thị trấn Khe Tre, huyện Nam Đông',
      provinceCode: HUE,
      communeName: 'Xã Khe Tre',
    },
    users: [user('duoc-lieu', 'Dược liệu Bạch Mã')],
    locations: [
      {
        key: 'duoc-lieu-garden',
        gln: duocLieu.gln(1),
        name: 'Vùng trồng dược liệu dưới tán rừng Nam Đông',
        nameEn: 'Nam Dong under-canopy medicinal herb area',
        kind: 'growing_area',
        latitude: 16.1658,
        longitude: 107.7041,
        growingAreaCode: 'VN-TTHOR-0105',
        provinceCode: HUE,
        communeName: 'Xã Khe Tre',
      },
      {
        key: 'duoc-lieu-warehouse',
        gln: duocLieu.gln(2),
        name: 'Kho sơ chế dược liệu Khe Tre',
        nameEn: 'Khe Tre herb drying warehouse',
        kind: 'warehouse',
        latitude: 16.1702,
        longitude: 107.7089,
        provinceCode: HUE,
        communeName: 'Xã Khe Tre',
      },
    ],
    products: [
      {
        key: 'ca-gai-leo',
        gtin: duocLieu.gtin(1),
        name: 'Cà gai leo sấy khô',
        nameEn: 'Dried Solanum procumbens (cà gai leo)',
        brand: 'Bạch Mã',
        groupCode: 'med.herbs',
        netContent: 500,
        netContentUnit: 'GRM',
        shelfLifeDays: 720,
        certifications: [
          {
            kind: 'organic',
            number: 'HC-46-2024-015',
            issuer: 'Tổ chức chứng nhận hữu cơ (mẫu)',
            validFrom: '2024-02-01',
            validTo: '2027-01-31',
          },
        ],
      },
    ],
  },
  {
    key: 'dong-ba',
    organisation: {
      name: 'Cửa hàng Đặc sản Huế Đông Ba',
      nameEn: 'Dong Ba Huế Specialties Shop',
      kind: 'company',
      taxCode: tax('330011919'),
      gs1CompanyPrefix: dongBa.prefix,
      primaryGln: dongBa.gln(0),
      address: 'Chợ Đông Ba, 2 Trần Hưng Đạo',
      provinceCode: HUE,
      communeName: 'Phường Phú Xuân',
    },
    users: [user('dong-ba', 'Cửa hàng Đông Ba')],
    locations: [
      {
        key: 'dong-ba-warehouse',
        gln: dongBa.gln(1),
        name: 'Kho hàng Đông Ba',
        nameEn: 'Dong Ba warehouse',
        kind: 'warehouse',
        latitude: 16.4719,
        longitude: 107.5879,
        provinceCode: HUE,
        communeName: 'Phường Phú Xuân',
      },
      {
        key: 'dong-ba-shop',
        gln: dongBa.gln(2),
        name: 'Quầy đặc sản chợ Đông Ba',
        nameEn: 'Dong Ba market specialties stall',
        kind: 'shop',
        latitude: 16.4727,
        longitude: 107.5866,
        parent: 'dong-ba-warehouse',
        provinceCode: HUE,
        communeName: 'Phường Phú Xuân',
      },
    ],
    products: [],
  },
];

/** The provincial training session and who attended (people per organisation). */
export const DEMO_TRAINING = {
  title: 'Tập huấn truy xuất nguồn gốc sản phẩm theo tiêu chuẩn GS1 và EPCIS 2.0',
  heldOn: '2026-03-12',
  place: 'Trung tâm Hội nghị và Triển lãm, 1 Lê Lợi, Huế',
  organiser: 'Sở Khoa học và Công nghệ thành phố Huế',
  topic: 'Mã số mã vạch GS1, tem truy xuất QR, ghi nhận sự kiện EPCIS, thu hồi sản phẩm',
  attendance: {
    'an-lo': 3,
    'phu-thuan': 2,
    'me-xung': 2,
    'tom-chua': 1,
    sen: 2,
    'dau-tram': 2,
    'thanh-tra': 3,
    'dong-ba': 1,
  },
} as const;

/** A solution provider keeps An Lỗ's records under a delegation. */
export const DEMO_DELEGATIONS = [
  {
    organisation: 'an-lo',
    provider: 'provider',
    permissions: ['registry:read', 'registry:write', 'epcis:query', 'epcis:capture'],
  },
] as const;
