/** Texts of photos attached to events. */
export const eventPhotoVi = {
  'eventPhoto.clientId': 'Mã ảnh (photoId) gồm 1–100 ký tự chữ, số, dấu chấm, gạch ngang, gạch dưới hoặc hai chấm',
  'eventPhoto.capturedAt': 'Thời điểm chụp phải là ngày giờ ISO 8601',
  'eventPhoto.idTaken': 'Mã ảnh này đã dùng cho một ảnh khác của sự kiện',
  'eventPhoto.tooMany': 'Một sự kiện có tối đa 20 ảnh',
} as const;

export const eventPhotoEn: Record<keyof typeof eventPhotoVi, string> = {
  'eventPhoto.clientId': 'The photo id (photoId) has 1–100 letters, digits, dots, hyphens, underscores or colons',
  'eventPhoto.capturedAt': 'The capture time must be an ISO 8601 date and time',
  'eventPhoto.idTaken': 'This photo id is already used for another photo of the event',
  'eventPhoto.tooMany': 'An event has at most 20 photos',
};
