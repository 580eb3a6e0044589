/**
 * Texts of the federation capability. National portal sync: for every code the sync records (the portal's error
 * codes and the checks made before sending), what happened and what the user should do about it.
 */
export const federationVi = {
  'federation.national.ORG_NOT_ACTIVATED.explanation':
    'Cổng truy xuất nguồn gốc quốc gia đã nhận hồ sơ tổ chức nhưng quản trị viên Cổng chưa kích hoạt, nên chưa nhận sản phẩm và chuỗi của tổ chức này. Hệ thống sẽ tự thử lại mỗi giờ.',
  'federation.national.ORG_NOT_ACTIVATED.fix':
    'Liên hệ Trung tâm Mã số Mã vạch Quốc gia (quản trị Cổng) để kích hoạt tổ chức theo mã số thuế; không cần sửa dữ liệu.',
  'federation.national.ORG_NOT_FOUND.explanation': 'Cổng chưa có hồ sơ tổ chức này nên từ chối bản ghi phụ thuộc.',
  'federation.national.ORG_NOT_FOUND.fix':
    'Sở gửi lại hồ sơ tổ chức (nút "Gửi lại"), sau đó các bản ghi khác sẽ được gửi.',
  'federation.national.INVALID_TAX_CODE.explanation': 'Cổng không chấp nhận mã số thuế của tổ chức.',
  'federation.national.INVALID_TAX_CODE.fix':
    'Kiểm tra và sửa mã số thuế trong hồ sơ tổ chức cho đúng với đăng ký kinh doanh.',
  'federation.national.INVALID_GTIN.explanation': 'Cổng từ chối sản phẩm vì mã GTIN không hợp lệ.',
  'federation.national.INVALID_GTIN.fix':
    'Sửa mã GTIN của sản phẩm theo mã đã đăng ký với GS1 Việt Nam (8, 12, 13 hoặc 14 chữ số, số kiểm tra đúng).',
  'federation.national.IMAGE_REQUIRED.explanation': 'Cổng yêu cầu sản phẩm có ít nhất một ảnh công khai.',
  'federation.national.IMAGE_REQUIRED.fix': 'Tải lên ít nhất một ảnh sản phẩm trong mục Sản phẩm.',
  'federation.national.IMAGE_REJECTED.explanation':
    'Cổng không dùng được ảnh sản phẩm (không tải được, sai định dạng hoặc kích thước quá nhỏ).',
  'federation.national.IMAGE_REJECTED.fix':
    'Thay ảnh sản phẩm bằng ảnh JPEG hoặc PNG rõ nét (cạnh ngắn từ 500 điểm ảnh); sản phẩm sẽ được gửi lại tự động.',
  'federation.national.NET_CONTENT_REQUIRED.explanation': 'Cổng yêu cầu khối lượng/thể tích tịnh của sản phẩm.',
  'federation.national.NET_CONTENT_REQUIRED.fix':
    'Nhập khối lượng/thể tích tịnh (số dương) và đơn vị tính cho sản phẩm.',
  'federation.national.INVALID_UNIT.explanation': 'Đơn vị tính của sản phẩm không có trong danh mục của Cổng.',
  'federation.national.INVALID_UNIT.fix': 'Chọn đơn vị tính thông dụng (kg, g, lít, ml, cái, hộp, gói) cho sản phẩm.',
  'federation.national.PRODUCT_NOT_FOUND.explanation': 'Cổng chưa có sản phẩm của chuỗi sản xuất này.',
  'federation.national.PRODUCT_NOT_FOUND.fix':
    'Sản phẩm phải được gửi thành công trước; xem lỗi của sản phẩm và sửa nó.',
  'federation.national.CHAIN_NOT_FOUND.explanation': 'Cổng chưa có chuỗi sản xuất (lô) của sự kiện này.',
  'federation.national.CHAIN_NOT_FOUND.fix': 'Sở gửi lại chuỗi (lô) trước, rồi gửi lại sự kiện.',
  'federation.national.INVALID_EVENT.explanation': 'Cổng từ chối sự kiện công đoạn vì thiếu công đoạn hoặc thời gian.',
  'federation.national.INVALID_EVENT.fix':
    'Kiểm tra sự kiện đã ghi (thời gian, công đoạn); ghi sự kiện sửa lỗi nếu cần.',
  'federation.national.RATE_LIMITED.explanation':
    'Cổng yêu cầu gửi chậm lại (quá nhiều yêu cầu). Việc gửi tạm dừng theo thời gian Cổng yêu cầu rồi tiếp tục đúng thứ tự.',
  'federation.national.RATE_LIMITED.fix': 'Không cần làm gì; hệ thống tự gửi tiếp.',
  'federation.national.PORTAL_UNAVAILABLE.explanation':
    'Không kết nối được Cổng hoặc Cổng báo lỗi hệ thống. Không bản ghi nào bị mất; hệ thống thử lại với thời gian chờ tăng dần (tối đa 30 phút) và giữ nguyên thứ tự.',
  'federation.national.PORTAL_UNAVAILABLE.fix':
    'Không cần làm gì. Nếu kéo dài nhiều giờ, Sở kiểm tra kết nối mạng và thông báo của Cổng.',
  'federation.national.INVALID_CLIENT.explanation':
    'Cổng từ chối thông tin xác thực (client id/secret) của hệ thống tỉnh. Việc gửi tạm dừng.',
  'federation.national.INVALID_CLIENT.fix':
    'Quản trị hệ thống kiểm tra TRUYXUAT_NATIONAL_PORTAL_CLIENT_ID và TRUYXUAT_NATIONAL_PORTAL_CLIENT_SECRET với thông tin Cổng cấp.',
  'federation.national.INVALID_TOKEN.explanation': 'Cổng không chấp nhận mã truy cập, kể cả sau khi đã lấy mã mới.',
  'federation.national.INVALID_TOKEN.fix': 'Quản trị hệ thống kiểm tra quyền của tài khoản tích hợp trên Cổng.',
  'federation.national.LOCAL_TAX_CODE_MISSING.explanation':
    'Tổ chức chưa có mã số thuế; Cổng nhận diện tổ chức bằng mã số thuế nên chưa gửi được.',
  'federation.national.LOCAL_TAX_CODE_MISSING.fix': 'Nhập mã số thuế trong hồ sơ tổ chức; hồ sơ sẽ được gửi tự động.',
  'federation.national.LOCAL_GTIN_INVALID.explanation': 'Mã GTIN của sản phẩm không hợp lệ nên chưa gửi lên Cổng.',
  'federation.national.LOCAL_GTIN_INVALID.fix': 'Sửa mã GTIN của sản phẩm (số kiểm tra đúng).',
  'federation.national.LOCAL_IMAGE_MISSING.explanation':
    'Sản phẩm chưa có ảnh công khai; Cổng yêu cầu ít nhất một ảnh nên chưa gửi.',
  'federation.national.LOCAL_IMAGE_MISSING.fix': 'Tải lên ít nhất một ảnh sản phẩm; sản phẩm sẽ được gửi tự động.',
  'federation.national.LOCAL_NET_CONTENT_MISSING.explanation':
    'Sản phẩm chưa có khối lượng/thể tích tịnh và đơn vị tính; Cổng yêu cầu thông tin này nên chưa gửi.',
  'federation.national.LOCAL_NET_CONTENT_MISSING.fix': 'Nhập khối lượng/thể tích tịnh và đơn vị tính cho sản phẩm.',
  'federation.national.DEPENDENCY_FAILED.explanation':
    'Bản ghi này chờ vì bản ghi nó phụ thuộc (tổ chức, sản phẩm hoặc chuỗi) đã bị từ chối.',
  'federation.national.DEPENDENCY_FAILED.fix': 'Sửa lỗi của bản ghi phụ thuộc; bản ghi này sẽ được gửi ngay sau đó.',
  'federation.national.WAITING_FOR_DEPENDENCY.explanation':
    'Bản ghi này chờ bản ghi nó phụ thuộc được gửi trước (đúng thứ tự tổ chức → sản phẩm → chuỗi → sự kiện).',
  'federation.national.WAITING_FOR_DEPENDENCY.fix': 'Không cần làm gì.',
  'federation.national.SOURCE_REMOVED.explanation':
    'Bản ghi không còn trong hệ thống (đã xóa hoặc lưu trữ) nên không gửi.',
  'federation.national.SOURCE_REMOVED.fix': 'Không cần làm gì, hoặc khôi phục bản ghi nếu xóa nhầm.',
  'federation.national.UNKNOWN.explanation': 'Cổng từ chối bản ghi với mã lỗi {code}.',
  'federation.national.UNKNOWN.fix': 'Xem nội dung Cổng trả về; nếu chưa rõ, Sở liên hệ bộ phận hỗ trợ của Cổng.',
} as const;

export const federationEn: Record<keyof typeof federationVi, string> = {
  'federation.national.ORG_NOT_ACTIVATED.explanation':
    'The National Traceability Portal has the organisation profile but a portal administrator has not activated it yet, so its products and chains are not accepted. The sync tries again every hour.',
  'federation.national.ORG_NOT_ACTIVATED.fix':
    'Ask the National Barcode Center (the portal administrators) to activate the organisation by its tax code; no data needs changing.',
  'federation.national.ORG_NOT_FOUND.explanation':
    'The portal has no profile of this organisation, so it refused a dependent record.',
  'federation.national.ORG_NOT_FOUND.fix':
    'The province re-sends the organisation profile ("Send again"); the other records follow.',
  'federation.national.INVALID_TAX_CODE.explanation': 'The portal did not accept the organisation’s tax code.',
  'federation.national.INVALID_TAX_CODE.fix':
    'Check and correct the tax code in the organisation profile against its business registration.',
  'federation.national.INVALID_GTIN.explanation': 'The portal refused the product because its GTIN is not valid.',
  'federation.national.INVALID_GTIN.fix':
    'Correct the product’s GTIN to the one registered with GS1 Vietnam (8, 12, 13 or 14 digits, right check digit).',
  'federation.national.IMAGE_REQUIRED.explanation': 'The portal needs at least one public image of the product.',
  'federation.national.IMAGE_REQUIRED.fix': 'Upload at least one product image under Products.',
  'federation.national.IMAGE_REJECTED.explanation':
    'The portal could not use the product image (unreachable, wrong format or too small).',
  'federation.national.IMAGE_REJECTED.fix':
    'Replace the image with a sharp JPEG or PNG (short side at least 500 pixels); the product is then sent again by itself.',
  'federation.national.NET_CONTENT_REQUIRED.explanation': 'The portal needs the product’s net content.',
  'federation.national.NET_CONTENT_REQUIRED.fix':
    'Enter the net content (a positive number) and its unit for the product.',
  'federation.national.INVALID_UNIT.explanation': 'The product’s unit is not in the portal’s list.',
  'federation.national.INVALID_UNIT.fix': 'Choose a common unit (kg, g, litre, ml, piece, box, pack) for the product.',
  'federation.national.PRODUCT_NOT_FOUND.explanation': 'The portal does not have this production chain’s product.',
  'federation.national.PRODUCT_NOT_FOUND.fix':
    'The product must be sent first; look at the product’s error and fix it.',
  'federation.national.CHAIN_NOT_FOUND.explanation':
    'The portal does not have the production chain (lot) of this event.',
  'federation.national.CHAIN_NOT_FOUND.fix': 'The province re-sends the chain (lot) first, then the event.',
  'federation.national.INVALID_EVENT.explanation': 'The portal refused the stage event: its stage or time is missing.',
  'federation.national.INVALID_EVENT.fix':
    'Check the recorded event (time, stage); record a correcting event if needed.',
  'federation.national.RATE_LIMITED.explanation':
    'The portal asked to slow down (too many requests). Sending pauses for the time it asked, then continues in order.',
  'federation.national.RATE_LIMITED.fix': 'Nothing to do; sending resumes by itself.',
  'federation.national.PORTAL_UNAVAILABLE.explanation':
    'The portal could not be reached or reported a server error. Nothing is lost; the sync retries with growing waits (at most 30 minutes) and keeps the order.',
  'federation.national.PORTAL_UNAVAILABLE.fix':
    'Nothing to do. If it lasts for hours, the province checks the network and the portal’s announcements.',
  'federation.national.INVALID_CLIENT.explanation':
    'The portal refused the province system’s client credentials (client id/secret). Sending is paused.',
  'federation.national.INVALID_CLIENT.fix':
    'The system administrator checks TRUYXUAT_NATIONAL_PORTAL_CLIENT_ID and TRUYXUAT_NATIONAL_PORTAL_CLIENT_SECRET against what the portal issued.',
  'federation.national.INVALID_TOKEN.explanation':
    'The portal did not accept the access token, even a freshly issued one.',
  'federation.national.INVALID_TOKEN.fix':
    'The system administrator checks the integration account’s rights on the portal.',
  'federation.national.LOCAL_TAX_CODE_MISSING.explanation':
    'The organisation has no tax code; the portal identifies organisations by tax code, so nothing was sent.',
  'federation.national.LOCAL_TAX_CODE_MISSING.fix':
    'Enter the tax code in the organisation profile; it is then sent by itself.',
  'federation.national.LOCAL_GTIN_INVALID.explanation': 'The product’s GTIN is not valid, so it was not sent.',
  'federation.national.LOCAL_GTIN_INVALID.fix': 'Correct the product’s GTIN (right check digit).',
  'federation.national.LOCAL_IMAGE_MISSING.explanation':
    'The product has no public image; the portal needs at least one, so it was not sent.',
  'federation.national.LOCAL_IMAGE_MISSING.fix':
    'Upload at least one product image; the product is then sent by itself.',
  'federation.national.LOCAL_NET_CONTENT_MISSING.explanation':
    'The product has no net content and unit; the portal needs them, so it was not sent.',
  'federation.national.LOCAL_NET_CONTENT_MISSING.fix': 'Enter the net content and its unit for the product.',
  'federation.national.DEPENDENCY_FAILED.explanation':
    'This record waits because a record it depends on (organisation, product or chain) was refused.',
  'federation.national.DEPENDENCY_FAILED.fix':
    'Fix the error of the record it depends on; this one is sent right after.',
  'federation.national.WAITING_FOR_DEPENDENCY.explanation':
    'This record waits for the record it depends on to be sent first (organisation → product → chain → event).',
  'federation.national.WAITING_FOR_DEPENDENCY.fix': 'Nothing to do.',
  'federation.national.SOURCE_REMOVED.explanation':
    'The record is no longer in the system (deleted or archived), so it is not sent.',
  'federation.national.SOURCE_REMOVED.fix': 'Nothing to do, or restore the record if it was removed by mistake.',
  'federation.national.UNKNOWN.explanation': 'The portal refused the record with error code {code}.',
  'federation.national.UNKNOWN.fix':
    'Read the portal’s answer; if unclear, the province contacts the portal’s support.',
};
