/** User-facing texts of the audit capability (audit log verification, digests). */
export const auditVi = {
  'audit.verify.ok': 'Nhật ký kiểm toán nguyên vẹn: {entries} bản ghi, mã băm cuối {hash}.',
  'audit.verify.broken': 'Nhật ký kiểm toán bị can thiệp: bản ghi đầu tiên bị hỏng là số {seq}.',
  'audit.verify.missing': 'Thiếu bản ghi trong chuỗi (có bản ghi đã bị xóa).',
  'audit.verify.order': 'Bản ghi không đúng thứ tự trong chuỗi.',
  'audit.verify.link': 'Bản ghi không nối với bản ghi trước (mã băm trước không khớp).',
  'audit.verify.hash': 'Nội dung bản ghi đã bị sửa sau khi ghi (mã băm không khớp).',
  'audit.verify.head': 'Cuối nhật ký không khớp với đầu chuỗi đã lưu.',
  'audit.digest.line': 'Ngày {date}: {entries} bản ghi, mã tổng hợp {digest}, mã chuỗi {chainHash}.',
  'audit.error.date': 'Ngày phải có dạng YYYY-MM-DD.',
  'audit.error.range': 'Khoảng ngày không hợp lệ (tối đa 92 ngày).',
} as const;

export const auditEn: Record<keyof typeof auditVi, string> = {
  'audit.verify.ok': 'The audit log is intact: {entries} entries, last hash {hash}.',
  'audit.verify.broken': 'The audit log has been tampered with: the first broken entry is number {seq}.',
  'audit.verify.missing': 'An entry is missing from the chain (entries were deleted).',
  'audit.verify.order': 'An entry is out of order in the chain.',
  'audit.verify.link': 'The entry does not follow the previous one (previous hash differs).',
  'audit.verify.hash': 'The entry was changed after it was written (hash differs).',
  'audit.verify.head': 'The end of the log does not match the stored chain head.',
  'audit.digest.line': '{date}: {entries} entries, digest {digest}, chain hash {chainHash}.',
  'audit.error.date': 'Give the date as YYYY-MM-DD.',
  'audit.error.range': 'Invalid date range (at most 92 days).',
} as const;
