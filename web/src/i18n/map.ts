/**
 * Messages of the map picker and the locations screen's map and edit form. Spread into vi.ts and en.ts (the English
 * object has every Vietnamese key).
 */
export const mapVi = {
  'map.label': 'Bản đồ chọn vị trí',
  'map.viewLabel': 'Bản đồ các địa điểm',
  'map.help':
    'Bấm vào bản đồ để đặt vị trí; kéo để di chuyển; lăn chuột hoặc chụm hai ngón để phóng to. Bàn phím: phím mũi tên để di chuyển, + và − để phóng to, thu nhỏ, Enter để đặt vị trí ở tâm bản đồ.',
  'map.viewHelp': 'Kéo để di chuyển; lăn chuột, chụm hai ngón hoặc bấm + và − để phóng to, thu nhỏ.',
  'map.zoomIn': 'Phóng to',
  'map.zoomOut': 'Thu nhỏ',
  'map.reset': 'Về Huế',
  'map.chosen': 'Vị trí đã chọn: {coords}',
  'map.none': 'Chưa chọn vị trí trên bản đồ.',
  'map.clear': 'Bỏ vị trí',
  'map.outside': 'Tọa độ này nằm ngoài khung bản đồ (miền Trung, từ Quảng Bình đến Quảng Ngãi).',
  'map.attribution': 'Bờ biển, biên giới: Natural Earth (sai số khoảng 1 km)',
  'map.accuracy':
    'Bản đồ sơ lược, không cần Internet. Để có tọa độ chính xác, đứng tại địa điểm và bấm “Lấy vị trí hiện tại”.',
  'map.unlocated': '{count} địa điểm chưa có tọa độ: mở từng địa điểm để đặt vị trí.',
  'locations.edit': 'Sửa',
  'locations.editTitle': 'Sửa địa điểm {name}',
  'locations.updated': 'Đã lưu địa điểm {name}.',
  'locations.view.list': 'Danh sách',
  'locations.view.map': 'Bản đồ',
  'locations.glnFixed': 'GLN không đổi được sau khi tạo (sự kiện và tem đã dùng mã này).',
} as const;

export const mapEn: Record<keyof typeof mapVi, string> = {
  'map.label': 'Map to pick the position',
  'map.viewLabel': 'Map of the locations',
  'map.help':
    'Click the map to set the position; drag to move; scroll or pinch to zoom. Keyboard: arrow keys move, + and − zoom, Enter sets the position at the centre of the map.',
  'map.viewHelp': 'Drag to move; scroll, pinch or press + and − to zoom.',
  'map.zoomIn': 'Zoom in',
  'map.zoomOut': 'Zoom out',
  'map.reset': 'Back to Huế',
  'map.chosen': 'Chosen position: {coords}',
  'map.none': 'No position chosen on the map yet.',
  'map.clear': 'Clear position',
  'map.outside': 'These coordinates are outside the map’s frame (central Việt Nam, Quảng Bình to Quảng Ngãi).',
  'map.attribution': 'Coast and borders: Natural Earth (about 1 km accuracy)',
  'map.accuracy':
    'A sketch map that needs no Internet. For exact coordinates, stand at the location and press “Use my position”.',
  'map.unlocated': '{count} locations have no coordinates yet: open each to set its position.',
  'locations.edit': 'Edit',
  'locations.editTitle': 'Edit location {name}',
  'locations.updated': 'Location {name} saved.',
  'locations.view.list': 'List',
  'locations.view.map': 'Map',
  'locations.glnFixed': 'The GLN cannot change once created (events and stamps use it).',
};
