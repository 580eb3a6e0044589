/** Messages of the import screen's kinds of sheet (the rest of the screen's texts are in authoring.ts). */
export const importVi = {
  'import.kind': 'Loại sự kiện trong tệp',
  'import.kind.observation': 'Thu hoạch, đóng gói, xuất, nhận hàng',
  'import.kind.transformation': 'Chế biến (nguyên liệu → thành phẩm)',
  'import.kind.aggregation': 'Đóng pallet (SSCC)',
  'import.kind.observation.help': 'Mỗi dòng là một sự kiện của một lô.',
  'import.kind.transformation.help':
    'Mỗi dòng là một lô nguyên liệu (role = input) hoặc thành phẩm (role = output). Các dòng cùng transformationID là một mẻ, ghi cùng thời điểm và địa điểm; mỗi mẻ cần ít nhất một dòng input và một dòng output.',
  'import.kind.aggregation.help':
    'Mỗi dòng là một thứ đóng vào pallet parentSscc: một thùng (childSscc), một sản phẩm (gtin + serial) hoặc một lô (gtin + lot + quantity). action ADD là đóng vào, DELETE là gỡ ra.',
  'import.kind.detected': 'Khi tải lên, hệ thống nhận ra mẫu theo tên cột.',
} as const;

export const importEn: Record<keyof typeof importVi, string> = {
  'import.kind': 'Kind of events in the file',
  'import.kind.observation': 'Harvest, packing, shipping, receiving',
  'import.kind.transformation': 'Production (ingredients → product)',
  'import.kind.aggregation': 'Pallets (SSCC)',
  'import.kind.observation.help': 'Each row is one event of one lot.',
  'import.kind.transformation.help':
    'Each row is an ingredient lot (role = input) or a produced lot (role = output). The rows with the same transformationID are one batch, at one time and place; each batch needs at least one input row and one output row.',
  'import.kind.aggregation.help':
    'Each row is one thing packed onto the pallet parentSscc: a carton (childSscc), an item (gtin + serial) or a lot (gtin + lot + quantity). action ADD packs, DELETE unpacks.',
  'import.kind.detected': 'On upload, the template is recognised by its column names.',
};
