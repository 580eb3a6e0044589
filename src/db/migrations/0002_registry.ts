import { sql, type Kysely } from 'kysely';

/**
 * The registry: locations, product groups (seeded with the provincial plan's groups), products, certifications,
 * uploaded media (kept in the database so that several instances share them), and training sessions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create unique index organisation_primary_gln on organisation (primary_gln) where primary_gln is not null;
    create index organisation_status on organisation (status);

    create table location (
      id text primary key,
      organisation_id text not null references organisation(id),
      gln text not null unique,
      name text not null,
      name_en text,
      kind text not null,
      latitude double precision,
      longitude double precision,
      growing_area_code text,
      packing_house_code text,
      parent_id text references location(id),
      address text,
      province_code text,
      commune_code text,
      commune_name text,
      status text not null default 'active',
      search_text text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((latitude is null) = (longitude is null)),
      check (latitude is null or (latitude between -90 and 90 and longitude between -180 and 180))
    );
    create index location_organisation on location (organisation_id);
    create index location_parent on location (parent_id);

    create table product_group (
      code text primary key,
      parent_code text references product_group(code),
      name text not null,
      name_en text not null,
      sort_order integer not null default 0,
      active boolean not null default true,
      search_text text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table product (
      id text primary key,
      organisation_id text not null references organisation(id),
      gtin text not null unique check (gtin ~ '^[0-9]{14}$'),
      name text not null,
      name_en text,
      brand text,
      group_code text not null references product_group(code),
      net_content numeric,
      net_content_unit text,
      shelf_life_days integer check (shelf_life_days is null or shelf_life_days >= 0),
      description text,
      status text not null default 'active',
      search_text text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index product_organisation on product (organisation_id);
    create index product_group_code on product (group_code);

    create table media (
      id text primary key,
      organisation_id text not null references organisation(id),
      purpose text not null,
      content_type text not null,
      byte_size integer not null,
      sha256 text not null,
      data bytea not null,
      original_name text,
      created_at timestamptz not null default now()
    );
    create index media_organisation on media (organisation_id);

    create table product_image (
      product_id text not null references product(id) on delete cascade,
      media_id text not null references media(id),
      position integer not null,
      alt text,
      primary key (product_id, media_id)
    );
    create index product_image_media on product_image (media_id);

    create table certification (
      id text primary key,
      organisation_id text not null references organisation(id),
      product_id text not null references product(id) on delete cascade,
      kind text not null,
      number text,
      issuer text,
      ocop_stars integer check (ocop_stars is null or ocop_stars between 3 and 5),
      valid_from date,
      valid_to date,
      document_media_id text references media(id),
      created_at timestamptz not null default now(),
      check (valid_from is null or valid_to is null or valid_from <= valid_to)
    );
    create index certification_product on certification (product_id);

    create table training_session (
      id text primary key,
      title text not null,
      held_on date not null,
      place text,
      organiser text,
      topic text,
      search_text text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table training_attendance (
      session_id text not null references training_session(id) on delete cascade,
      organisation_id text not null references organisation(id),
      attendees integer not null check (attendees > 0),
      primary key (session_id, organisation_id)
    );
    create index training_attendance_organisation on training_attendance (organisation_id);
  `.execute(db);

  // The product groups named by the provincial plan (Kế hoạch 235/KH-UBND) and sub-groups for Huế's products.
  // Codes are stable: base standards, imports and reports refer to them.
  const groups: [code: string, parent: string | null, vi: string, en: string][] = [
    ['agri', null, 'Nông, lâm, thủy sản', 'Agriculture, forestry and fishery products'],
    ['agri.fruit-veg', 'agri', 'Rau, củ, quả tươi', 'Fresh fruit and vegetables'],
    ['agri.rice', 'agri', 'Lúa gạo', 'Rice'],
    ['agri.lotus', 'agri', 'Sen và hạt sen', 'Lotus and lotus seeds'],
    ['agri.fishery', 'agri', 'Thủy sản', 'Fishery products'],
    ['agri.meat', 'agri', 'Thịt và sản phẩm chăn nuôi', 'Meat and livestock products'],
    ['agri.honey', 'agri', 'Mật ong', 'Honey'],
    ['agri.ornamental', 'agri', 'Hoa và cây cảnh', 'Ornamental plants and flowers'],
    ['agri.forestry', 'agri', 'Lâm sản', 'Forestry products'],
    ['food', null, 'Thực phẩm', 'Food'],
    ['food.packaged', 'food', 'Thực phẩm chế biến đóng gói', 'Packaged processed food'],
    ['food.fish-sauce', 'food', 'Nước mắm và thủy sản lên men', 'Fish sauce and fermented fishery products'],
    ['food.confectionery', 'food', 'Bánh kẹo, mứt', 'Confectionery'],
    ['food.tea', 'food', 'Trà và đồ uống thảo mộc', 'Tea and herbal drinks'],
    ['food.wine', 'food', 'Rượu', 'Rice wine and spirits'],
    ['med', null, 'Thuốc và dược liệu', 'Medicines and medicinal herbs'],
    ['med.herbs', 'med', 'Dược liệu', 'Medicinal herbs'],
    ['med.essential-oil', 'med', 'Tinh dầu', 'Essential oils'],
    ['med.traditional', 'med', 'Thuốc cổ truyền', 'Traditional medicines'],
    ['specialty', null, 'Đặc sản địa phương', 'Local specialties'],
    ['specialty.ocop', 'specialty', 'Sản phẩm OCOP', 'OCOP products'],
    ['specialty.hue', 'specialty', 'Đặc sản Huế', 'Huế specialties'],
  ];
  for (const [index, [code, parent, vi, en]] of groups.entries()) {
    await sql`
      insert into product_group (code, parent_code, name, name_en, sort_order, search_text)
      values (${code}, ${parent}, ${vi}, ${en}, ${index * 10}, ${fold(`${code} ${vi} ${en}`)})
    `.execute(db);
  }
}

// A migration must not change when code evolves, so it carries its own copy of the fold.
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
