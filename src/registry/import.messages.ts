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
  'import.event.sheetKind':
    'Tệp chỉ dùng một mẫu: cột transformationID là mẫu chế biến, cột parentSscc là mẫu đóng pallet, không dùng cả hai',
  'import.event.role': 'Vai trò phải là input (đầu vào) hoặc output (đầu ra)',
  'import.event.noInput': 'Nhóm chế biến {group} cần ít nhất một dòng đầu vào (role = input)',
  'import.event.noOutput': 'Nhóm chế biến {group} cần ít nhất một dòng đầu ra (role = output)',
  'import.event.differs': 'Các dòng cùng nhóm {group} phải có cùng giá trị ở cột này (như dòng {row})',
  'import.event.sscc': 'SSCC phải gồm 18 chữ số với số kiểm tra đúng',
  'import.event.action': 'Thao tác phải là ADD (đóng vào pallet) hoặc DELETE (gỡ khỏi pallet)',
  'import.event.child':
    'Mỗi dòng nêu đúng một thứ được đóng: childSscc (thùng), gtin + serial (từng sản phẩm) hoặc gtin + lot + quantity (lô)',
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
  'import.event.sheetKind':
    'A file uses one template: a transformationID column makes a transformation sheet, a parentSscc column a pallet sheet, never both',
  'import.event.role': 'The role must be input or output',
  'import.event.noInput': 'Transformation {group} needs at least one input row (role = input)',
  'import.event.noOutput': 'Transformation {group} needs at least one output row (role = output)',
  'import.event.differs': 'The rows of group {group} must carry the same value in this column (as row {row})',
  'import.event.sscc': 'An SSCC has 18 digits with a valid check digit',
  'import.event.action': 'The action must be ADD (packed onto the pallet) or DELETE (taken off it)',
  'import.event.child':
    'Each row names exactly one packed thing: childSscc (a carton), gtin + serial (one item) or gtin + lot + quantity (a lot)',
};
