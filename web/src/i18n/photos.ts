/**
 * Messages of photos attached to events: the record form's photo field, the outbox and the lot page. Spread into
 * vi.ts and en.ts (the English object has every Vietnamese key).
 */
export const photosVi = {
  'photos.field': 'Ảnh chụp',
  'photos.add': 'Chụp hoặc chọn ảnh',
  'photos.help': 'Ảnh JPEG, PNG hoặc WebP. Khi không có mạng, ảnh được giữ trên máy và gửi sau cùng sự kiện.',
  'photos.remove': 'Bỏ ảnh {name}',
  'photos.notImage': '{name} không phải là ảnh',
  'photos.tooMany': 'Một sự kiện có tối đa {max} ảnh',
  'photos.pending': '{count} ảnh chờ gửi',
  'photos.lot.title': 'Ảnh của các sự kiện',
  'photos.lot.empty': 'Chưa có ảnh nào được gửi kèm sự kiện của lô này.',
  'photos.lot.alt': 'Ảnh sự kiện {step} lúc {time}',
  'photos.lot.private': 'Chỉ cơ sở và Sở xem được các ảnh này; trang tra cứu của người tiêu dùng không hiển thị.',
} as const;

export const photosEn: Record<keyof typeof photosVi, string> = {
  'photos.field': 'Photos',
  'photos.add': 'Take or choose photos',
  'photos.help': 'JPEG, PNG or WebP images. With no connection, photos stay on the device and are sent with the event.',
  'photos.remove': 'Remove photo {name}',
  'photos.notImage': '{name} is not an image',
  'photos.tooMany': 'An event has at most {max} photos',
  'photos.pending': '{count} photos waiting to be sent',
  'photos.lot.title': 'Photos of the events',
  'photos.lot.empty': 'No photo has been sent with the events of this lot yet.',
  'photos.lot.alt': 'Photo of the {step} event at {time}',
  'photos.lot.private': 'Only the business and the province see these photos; the consumer page does not show them.',
};
