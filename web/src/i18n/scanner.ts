/** Messages of the camera scanner and of the scan fields on the record, stamps and shipments screens. */
export const scannerVi = {
  'scanner.starting': 'Đang mở máy ảnh…',
  'scanner.loadingDecoder': 'Đang tải bộ đọc mã…',
  'scanner.aim': 'Đưa mã QR, DataMatrix hoặc mã vạch vào khung hình.',
  'scanner.denied':
    'Trình duyệt không được phép dùng máy ảnh. Bấm biểu tượng ổ khóa cạnh địa chỉ trang, cho phép máy ảnh rồi thử lại; hoặc dùng máy quét / gõ mã vào ô.',
  'scanner.noCamera': 'Không tìm thấy máy ảnh trên thiết bị này. Hãy dùng máy quét mã vạch hoặc gõ mã vào ô.',
  'scanner.busy': 'Máy ảnh đang được ứng dụng khác dùng. Đóng ứng dụng đó rồi thử lại.',
  'scanner.insecure': 'Chỉ dùng được máy ảnh khi trang mở qua HTTPS.',
  'scanner.decoderFailed': 'Không tải được bộ đọc mã: {reason}',
  'scanner.failed': 'Không mở được máy ảnh: {reason}',
  'scanner.retry': 'Thử lại',

  'scanner.field': 'Quét mã',
  'scanner.fieldHelp':
    'Quét tem, mã lô (GTIN + số lô) hoặc mã địa điểm (GLN) bằng máy ảnh hoặc máy quét để điền vào biểu mẫu.',
  'scanner.pickedLot': 'Đã chọn lô {lot}.',
  'scanner.pickedLocation': 'Đã chọn địa điểm {name}.',
  'scanner.unknownLocation': 'Không có địa điểm nào của bạn mang GLN {gln}.',
  'scanner.otherProduct': 'Mã này thuộc sản phẩm khác (GTIN {gtin}), không phải sản phẩm đang ghi.',
  'scanner.lookingUpStamp': 'Đang tìm tem…',
  'scanner.stampNotFound': 'Không tìm thấy tem {serial} trong các lô tem của bạn.',
  'scanner.stampNoLot': 'Tem {serial} chưa được kích hoạt cho lô nào.',
  'scanner.nothingToPick': 'Mã này không có số lô, sê-ri tem hay GLN để điền.',

  'scanner.activateScan': 'Quét mã lô',
  'scanner.activateScanHelp': 'Quét mã GS1 của lô (GTIN + số lô) hoặc một tem đã gắn lô để điền số lô.',
  'scanner.lookup': 'Tra cứu tem bằng cách quét',
  'scanner.lookupHelp': 'Quét hoặc dán mã QR của một tem để xem lô tem, trạng thái và lô hàng của nó.',
  'scanner.stamp.batch': 'Lô tem',
  'scanner.stamp.sequence': 'Số thứ tự',
  'scanner.stamp.state': 'Trạng thái',
  'scanner.stamp.lot': 'Lô hàng',
  'scanner.stamp.scans': 'Lượt quét',
  'scanner.state.issued': 'Đã phát hành',
  'scanner.state.activated': 'Đã kích hoạt',
  'scanner.state.scanned': 'Đã được quét',
  'scanner.state.void': 'Đã hủy',

  'scanner.receive': 'Nhận hàng bằng cách quét',
  'scanner.receiveHelp': 'Quét mã lô trên hàng nhận được để mở phiếu xác nhận nhận hàng của lô đó.',
  'scanner.noShipment': 'Không có lô hàng {lot} nào đang chờ bạn xác nhận nhận.',

  'scanner.recall': 'Quét mã lô cần thu hồi',
  'scanner.recallHelp':
    'Quét (máy quét gửi kèm phím Enter) hoặc gõ mã rồi bấm Thêm lô: lô được thêm vào danh sách bên dưới. Dùng được mã GS1 của lô hoặc một tem đã gắn lô.',
  'scanner.lotAdded': 'Đã thêm lô {lot}.',
  'scanner.addLot': 'Thêm lô',
  'scanner.lotAlready': 'Lô {lot} đã có trong danh sách.',
};

export const scannerEn: Record<keyof typeof scannerVi, string> = {
  'scanner.starting': 'Opening the camera…',
  'scanner.loadingDecoder': 'Loading the code reader…',
  'scanner.aim': 'Hold the QR code, DataMatrix or barcode in the frame.',
  'scanner.denied':
    'The browser is not allowed to use the camera. Click the padlock next to the address, allow the camera and try again; or use a scanner or type the code into the field.',
  'scanner.noCamera': 'No camera was found on this device. Use a barcode scanner or type the code into the field.',
  'scanner.busy': 'Another application is using the camera. Close it and try again.',
  'scanner.insecure': 'The camera can only be used when the page is opened over HTTPS.',
  'scanner.decoderFailed': 'The code reader could not be loaded: {reason}',
  'scanner.failed': 'Cannot open the camera: {reason}',
  'scanner.retry': 'Try again',

  'scanner.field': 'Scan a code',
  'scanner.fieldHelp':
    'Scan a stamp, a lot code (GTIN + lot) or a location code (GLN) with the camera or a scanner to fill in the form.',
  'scanner.pickedLot': 'Lot {lot} picked.',
  'scanner.pickedLocation': 'Location {name} picked.',
  'scanner.unknownLocation': 'None of your locations has the GLN {gln}.',
  'scanner.otherProduct': 'This code belongs to another product (GTIN {gtin}), not the one being recorded.',
  'scanner.lookingUpStamp': 'Looking up the stamp…',
  'scanner.stampNotFound': 'Stamp {serial} is not in any of your stamp batches.',
  'scanner.stampNoLot': 'Stamp {serial} has not been activated for a lot.',
  'scanner.nothingToPick': 'This code has no lot, stamp serial or GLN to fill in.',

  'scanner.activateScan': 'Scan the lot code',
  'scanner.activateScanHelp':
    "Scan the lot's GS1 code (GTIN + lot) or a stamp already bound to a lot to fill in the lot.",
  'scanner.lookup': 'Look up a stamp by scanning',
  'scanner.lookupHelp': "Scan or paste a stamp's QR code to see its batch, state and lot.",
  'scanner.stamp.batch': 'Stamp batch',
  'scanner.stamp.sequence': 'Sequence',
  'scanner.stamp.state': 'State',
  'scanner.stamp.lot': 'Lot',
  'scanner.stamp.scans': 'Scans',
  'scanner.state.issued': 'Issued',
  'scanner.state.activated': 'Activated',
  'scanner.state.scanned': 'Scanned',
  'scanner.state.void': 'Void',

  'scanner.receive': 'Receive by scanning',
  'scanner.receiveHelp': 'Scan the lot code on the goods received to open the receipt of that lot.',
  'scanner.noShipment': 'No shipment of lot {lot} is waiting for you to confirm its receipt.',

  'scanner.recall': 'Scan the lots to recall',
  'scanner.recallHelp':
    'Scan (a scanner sends Enter after the code) or type the code and press Add lot: the lot joins the list below. A lot’s GS1 code or a stamp bound to a lot both work.',
  'scanner.lotAdded': 'Lot {lot} added.',
  'scanner.addLot': 'Add lot',
  'scanner.lotAlready': 'Lot {lot} is already in the list.',
};
