/** Texts of connectors, remote nodes, provider delegation scope and the provincial website widget. */
export const connectorsVi = {
  'federation.url.refused':
    'Địa chỉ phải là URL http hoặc https công khai, không chứa thông tin đăng nhập; địa chỉ nội bộ, loopback, link-local và metadata bị từ chối',
  'federation.credential.token': 'Nhập mã truy cập (token hoặc khóa API)',
  'federation.credential.basic': 'Nhập tên đăng nhập và mật khẩu',
  'federation.connector.reserved': 'Tham số này do bộ kết nối tự đặt (GE_recordTime, phân trang, sắp xếp)',
  'federation.connector.subscribeEndpoint':
    'Bộ kết nối đăng ký nhận cần địa chỉ truy vấn có tên: …/queries/{tên}/events',
  'federation.node.prefix': 'Tiền tố mã doanh nghiệp GS1 gồm 4 đến 12 chữ số',
  'federation.delegation.product': 'Sản phẩm này nằm ngoài phạm vi ủy quyền của doanh nghiệp',
  'federation.delegation.location': 'Địa điểm này nằm ngoài phạm vi ủy quyền của doanh nghiệp',
  'federation.embed.title': 'Truy xuất nguồn gốc tỉnh Huế',
  'federation.embed.search.label': 'Tìm sản phẩm',
  'federation.embed.search.placeholder': 'Tên sản phẩm, doanh nghiệp hoặc mã GTIN',
  'federation.embed.search.submit': 'Tìm',
  'federation.embed.search.none': 'Không tìm thấy sản phẩm nào.',
  'federation.embed.search.short': 'Nhập ít nhất 2 ký tự.',
  'federation.embed.producer': 'Cơ sở sản xuất',
  'federation.embed.lot': 'Lô',
  'federation.embed.story': 'Hành trình sản phẩm',
  'federation.embed.noStory': 'Quét mã trên sản phẩm có số lô để xem hành trình.',
  'federation.embed.recall': 'Lô hàng này đang bị thu hồi',
  'federation.embed.more': 'Xem đầy đủ',
  'federation.embed.notFound': 'Không tìm thấy sản phẩm.',
} as const;

export const connectorsEn: Record<keyof typeof connectorsVi, string> = {
  'federation.url.refused':
    'The address must be a public http or https URL without credentials; private, loopback, link-local and metadata addresses are refused',
  'federation.credential.token': 'Enter the access token or API key',
  'federation.credential.basic': 'Enter the user name and password',
  'federation.connector.reserved': 'The connector sets this parameter itself (GE_recordTime, paging, order)',
  'federation.connector.subscribeEndpoint':
    'A subscribing connector needs a named query endpoint: …/queries/{name}/events',
  'federation.node.prefix': 'A GS1 company prefix is 4 to 12 digits',
  'federation.delegation.product': 'This product is outside what the business delegated',
  'federation.delegation.location': 'This location is outside what the business delegated',
  'federation.embed.title': 'Huế province traceability',
  'federation.embed.search.label': 'Find a product',
  'federation.embed.search.placeholder': 'Product, business or GTIN',
  'federation.embed.search.submit': 'Search',
  'federation.embed.search.none': 'No product found.',
  'federation.embed.search.short': 'Type at least 2 characters.',
  'federation.embed.producer': 'Producer',
  'federation.embed.lot': 'Lot',
  'federation.embed.story': 'The product’s journey',
  'federation.embed.noStory': 'Scan the code on a product with a lot number to see its journey.',
  'federation.embed.recall': 'This lot is being recalled',
  'federation.embed.more': 'See everything',
  'federation.embed.notFound': 'Product not found.',
};
