/** Texts of self-registration: field problems of the sign-up form and the notifications of the decision. */
export const registrationVi = {
  'registration.kind.notAllowed': 'Loại tổ chức này không tự đăng ký được; liên hệ Sở Khoa học và Công nghệ',
  'registration.taxCode.required': 'Nhập mã số thuế của tổ chức hoặc hộ kinh doanh',
  'registration.commune.required': 'Chọn hoặc nhập xã/phường',
  'registration.commune.code': 'Mã xã/phường gồm 5 chữ số',
  'registration.contact.required': 'Nhập họ và tên người liên hệ',
  'registration.login.required': 'Nhập thư điện tử hoặc số điện thoại để đăng nhập',
  'registration.login.taken': 'Thư điện tử hoặc số điện thoại này đã có tài khoản',
  'registration.reason.required': 'Nêu lý do từ chối để đơn vị đăng ký biết cần sửa gì',
  'registration.decided': 'Đơn đăng ký này đã được xử lý',
  'registration.submitted': 'Đơn đăng ký mới cần duyệt: {name}',
  'registration.approved': 'Đăng ký của {name} đã được Sở duyệt: có thể bắt đầu sử dụng hệ thống',
  'registration.rejected': 'Đăng ký của {name} không được duyệt: {reason}',
  'registration.resubmitted': 'Đơn đăng ký đã sửa, gửi lại cần duyệt: {name}',
  'registration.resubmit.notRejected': 'Chỉ đơn đăng ký bị từ chối mới sửa và gửi lại được',
} as const;

export const registrationEn: Record<keyof typeof registrationVi, string> = {
  'registration.kind.notAllowed': 'This kind of organisation cannot sign itself up; contact the province',
  'registration.taxCode.required': 'Enter the tax code of the organisation or household business',
  'registration.commune.required': 'Choose or enter the commune',
  'registration.commune.code': 'A commune code has 5 digits',
  'registration.contact.required': 'Enter the contact person’s full name',
  'registration.login.required': 'Enter an e-mail address or a phone number to sign in with',
  'registration.login.taken': 'This e-mail address or phone number already has an account',
  'registration.reason.required': 'Give the reason for the refusal so that the applicant knows what to correct',
  'registration.decided': 'This registration has already been decided',
  'registration.submitted': 'New registration to review: {name}',
  'registration.approved': 'The registration of {name} was approved by the province: you can start using the system',
  'registration.rejected': 'The registration of {name} was not approved: {reason}',
  'registration.resubmitted': 'Corrected registration submitted again, to review: {name}',
  'registration.resubmit.notRejected': 'Only a rejected registration can be corrected and submitted again',
};
