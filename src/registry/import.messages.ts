/** Texts of the bulk import of events (the registry's import of organisations, locations and products is in shared). */
export const importVi = {
  'import.event.required': 'Bắt buộc nhập',
  'import.event.step': 'Công đoạn phải là một bước CBV: commissioning, shipping, receiving, packing, inspecting…',
  'import.event.time': 'Thời điểm phải có dạng YYYY-MM-DD HH:mm (giờ Việt Nam) hoặc ISO 8601 có múi giờ',
  'import.event.offset': 'Múi giờ phải có dạng +07:00',
  'import.event.gtin': 'GTIN phải gồm 8, 12, 13 hoặc 14 chữ số',
  'import.event.gln': 'GLN phải gồm 13 chữ số',
  'import.event.quantity': 'Số lượng phải là số dương',
  'import.event.unit': 'Đơn vị phải là mã UN/ECE Rec 20 (KGM, TNE, LTR, H87…)',
  'import.event.invalid': 'Sự kiện không hợp lệ theo EPCIS 2.0',
  'import.event.kde': 'Thiếu dữ liệu chính bắt buộc theo tiêu chuẩn của sản phẩm',
  'import.event.column': 'Cột dữ liệu chính phải có dạng tx:tenTruong hoặc cbvmda:tenTruong',
} as const;

export const importEn: Record<keyof typeof importVi, string> = {
  'import.event.required': 'Required',
  'import.event.step': 'The step must be a CBV business step: commissioning, shipping, receiving, packing, inspecting…',
  'import.event.time': 'The time must read YYYY-MM-DD HH:mm (Vietnam time) or ISO 8601 with its offset',
  'import.event.offset': 'The time zone must read like +07:00',
  'import.event.gtin': 'A GTIN has 8, 12, 13 or 14 digits',
  'import.event.gln': 'A GLN has 13 digits',
  'import.event.quantity': 'The quantity must be a positive number',
  'import.event.unit': 'The unit must be a UN/ECE Rec 20 code (KGM, TNE, LTR, H87…)',
  'import.event.invalid': 'The event is not valid EPCIS 2.0',
  'import.event.kde': "A key data element required by the product's standard is missing",
  'import.event.column': 'A key data element column reads tx:fieldName or cbvmda:fieldName',
};
