/** User-facing texts of the labels capability (stamps, label sheets). */
export const labelsVi = {
  'labels.error.quantity': 'Số lượng tem phải từ 1 đến 100.000.',
  'labels.error.layout': 'Khổ giấy tem không được hỗ trợ.',
  'labels.error.lot': 'Số lô không hợp lệ theo GS1 (AI 10): tối đa 20 ký tự thuộc bộ ký tự GS1.',
  'labels.error.gtin': 'Sản phẩm chưa có mã GTIN hợp lệ nên không thể in tem định danh.',
  'labels.error.productArchived': 'Sản phẩm đã ngừng sử dụng, không thể đặt thêm tem.',
  'labels.error.range': 'Khoảng số thứ tự tem nằm ngoài lô tem.',
  'labels.error.lotRequired': 'Hãy nhập số lô để kích hoạt tem.',
  'labels.error.lotMismatch': 'Lô tem đã được đặt cho lô hàng khác.',
  'labels.error.voidInRange': 'Các tem này đã bị hủy, không thể kích hoạt.',
  'labels.error.otherLotInRange': 'Các tem này đã được kích hoạt cho lô hàng khác.',
  'labels.error.lookupGtin': 'GTIN không hợp lệ (sai độ dài hoặc số kiểm tra).',
  'labels.error.lookupSerial': 'Hãy nhập số sê-ri của tem.',
  'labels.sheet.title': 'Tem truy xuất nguồn gốc – {product}',
  'labels.sheet.codeCaption': 'Cào lấy mã xác thực',
} as const;

export const labelsEn: Record<keyof typeof labelsVi, string> = {
  'labels.error.quantity': 'The number of stamps must be between 1 and 100,000.',
  'labels.error.layout': 'This label sheet layout is not supported.',
  'labels.error.lot': 'The lot number is not valid for GS1 (AI 10): at most 20 characters of the GS1 character set.',
  'labels.error.gtin': 'The product has no valid GTIN, so serialized stamps cannot be printed for it.',
  'labels.error.productArchived': 'The product is archived; no more stamps can be ordered for it.',
  'labels.error.range': 'The range of sequence numbers lies outside the batch.',
  'labels.error.lotRequired': 'Give the lot number to activate the stamps.',
  'labels.error.lotMismatch': 'The stamp batch was ordered for another lot.',
  'labels.error.voidInRange': 'These stamps are void and cannot be activated.',
  'labels.error.otherLotInRange': 'These stamps are already activated to another lot.',
  'labels.error.lookupGtin': 'The GTIN is not valid (wrong length or check digit).',
  'labels.error.lookupSerial': 'Give the serial of the stamp.',
  'labels.sheet.title': 'Traceability stamps – {product}',
  'labels.sheet.codeCaption': 'Scratch for the code',
};
