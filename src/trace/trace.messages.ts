/** Texts of the trace capability's recall workflow and shipments (the report's older labels: shared catalogue). */
export const traceVi = {
  'trace.notification.recallOpened.high': 'Thu hồi sản phẩm, mức độ cao: {lots} — {reason}',
  'trace.notification.recallOpened.medium': 'Thu hồi sản phẩm, mức độ trung bình: {lots} — {reason}',
  'trace.notification.recallOpened.low': 'Thu hồi sản phẩm, mức độ thấp: {lots} — {reason}',
  'trace.notification.shipmentRejected': '{receiver} từ chối nhận lô {lot}: {reason}',
  'trace.action.quarantined': 'Đã cách ly',
  'trace.action.returned': 'Đã trả lại',
  'trace.action.destroyed': 'Đã tiêu hủy',
  'trace.action.notInImpact': 'Lô này không nằm trong phạm vi ảnh hưởng của đợt thu hồi',
  'trace.action.notHolder': 'Tổ chức của bạn không nắm giữ lô này',
  'trace.action.unit': 'Đơn vị {uom} không so được với số lượng đã ghi nhận của lô ({recorded})',
  'trace.action.exceeds':
    'Tổng số lượng "{action}" của lô ({total} {uom}) vượt quá số lượng đã ghi nhận trong phạm vi ảnh hưởng ({available} {uom})',
  'trace.report.actions': 'Biện pháp xử lý',
  'trace.report.actionLine': '{organisation}: {action} {quantity} {uom} — {lot}',
  'trace.sheet.actions': 'recall actions',
  'trace.shipment.rejectReason': 'Cần nêu lý do từ chối',
  'trace.shipment.notReceiver': 'Chỉ bên nhận mới được từ chối lô hàng',
  'trace.shipment.rejectedAlready': 'Lô hàng này đã bị từ chối',
  'trace.finding.shipment_rejected': 'Bên nhận đã từ chối lô hàng: {reason}',
} as const;

export const traceEn: Record<keyof typeof traceVi, string> = {
  'trace.notification.recallOpened.high': 'Product recall, high severity: {lots} — {reason}',
  'trace.notification.recallOpened.medium': 'Product recall, medium severity: {lots} — {reason}',
  'trace.notification.recallOpened.low': 'Product recall, low severity: {lots} — {reason}',
  'trace.notification.shipmentRejected': '{receiver} rejected lot {lot}: {reason}',
  'trace.action.quarantined': 'Quarantined',
  'trace.action.returned': 'Returned',
  'trace.action.destroyed': 'Destroyed',
  'trace.action.notInImpact': 'This lot is not in the impact of the recall',
  'trace.action.notHolder': 'Your organisation does not hold this lot',
  'trace.action.unit': 'The unit {uom} cannot be compared with the quantities recorded for the lot ({recorded})',
  'trace.action.exceeds':
    'The total "{action}" of the lot ({total} {uom}) exceeds the quantity recorded in the impact ({available} {uom})',
  'trace.report.actions': 'Actions taken',
  'trace.report.actionLine': '{organisation}: {action} {quantity} {uom} — {lot}',
  'trace.sheet.actions': 'recall actions',
  'trace.shipment.rejectReason': 'Give the reason for the rejection',
  'trace.shipment.notReceiver': 'Only the receiver rejects a shipment',
  'trace.shipment.rejectedAlready': 'This shipment has been rejected already',
  'trace.finding.shipment_rejected': 'The receiver rejected the shipment: {reason}',
};
