/**
 * The one catalogue of errors a user or integrator can meet. Codes are stable API: never rename one,
 * only add. Each carries the HTTP status the server answers with and a message in both languages.
 */
export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, zh: '输入有误，请检查后重试', en: 'The input is not valid' },
  MALFORMED_JSON: { status: 400, zh: '请求体不是有效的 JSON', en: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型', en: 'Unsupported content type' },
  BODY_TOO_LARGE: { status: 413, zh: '请求内容过大', en: 'The request body is too large' },
  USCC_INVALID: {
    status: 400,
    zh: '统一社会信用代码无效，请核对 18 位代码',
    en: 'The unified social credit code is not valid; check the 18 characters',
  },
  MOBILE_INVALID: { status: 400, zh: '请输入有效的中国大陆手机号', en: 'Enter a valid mainland China mobile number' },
  EMAIL_INVALID: { status: 400, zh: '请输入有效的电子邮箱', en: 'Enter a valid e-mail address' },
  BANK_ACCOUNT_INVALID: {
    status: 400,
    zh: '结算银行账号无效：只能是 8–30 位数字',
    en: 'The settlement account number is not valid: 8–30 digits',
  },
  TEXT_INVALID: {
    status: 400,
    zh: '文本为空、过长或含有不可见控制字符',
    en: 'The text is empty, too long or contains control characters',
  },
  PASSWORD_TOO_SHORT: { status: 400, zh: '密码至少需要 10 个字符', en: 'The password must have at least 10 characters' },
  PASSWORD_TOO_LONG: { status: 400, zh: '密码不能超过 128 个字符', en: 'The password must have at most 128 characters' },
  PASSWORD_COMMON: {
    status: 400,
    zh: '这个密码太常见，容易被猜中，请换一个',
    en: 'This password is too common and easy to guess; choose another',
  },
  PIN_INVALID: {
    status: 400,
    zh: 'PIN 需为 4–6 位数字，且不能是重复或连续数字',
    en: 'The PIN must be 4–6 digits, not repeated or sequential',
  },
  MERCHANT_ALREADY_REGISTERED: {
    status: 409,
    zh: '该统一社会信用代码已注册，请直接登录',
    en: 'A merchant with this credit code is already registered; sign in instead',
  },
  ACCOUNT_TAKEN: {
    status: 409,
    zh: '该手机号或邮箱已被其他账号使用',
    en: 'This mobile number or e-mail is already used by another account',
  },
  CODE_INVALID: {
    status: 400,
    zh: '验证码错误或已过期，请重新获取',
    en: 'The code is wrong or has expired; request a new one',
  },
  CODE_TOO_SOON: {
    status: 429,
    zh: '验证码发送过于频繁，请 60 秒后再试',
    en: 'A code was sent less than 60 seconds ago; wait before asking again',
  },
  RATE_LIMITED: { status: 429, zh: '操作过于频繁，请稍后再试', en: 'Too many attempts; try again later' },
  LOGIN_FAILED: { status: 401, zh: '账号或密码错误', en: 'The account or password is wrong' },
  ACCOUNT_LOCKED: {
    status: 423,
    zh: '密码错误次数过多，账号已临时锁定，请 15 分钟后再试或用验证码登录',
    en: 'Too many wrong passwords: the account is locked for 15 minutes; try again later or sign in with a code',
  },
  ACCOUNT_NOT_ACTIVE: {
    status: 403,
    zh: '账号尚未激活或已停用',
    en: 'The account is not active',
  },
  UNAUTHENTICATED: { status: 401, zh: '请先登录', en: 'Sign in first' },
  CSRF_FAILED: {
    status: 403,
    zh: '请求校验失败，请刷新页面后重试',
    en: 'The request could not be verified; reload the page and try again',
  },
  FORBIDDEN: { status: 403, zh: '你没有权限执行此操作', en: 'You are not allowed to do this' },
  NOT_FOUND: { status: 404, zh: '找不到该记录', en: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, zh: '接口不存在', en: 'No such API route' },
  STORE_REQUIRED: {
    status: 400,
    zh: '店长和收银员必须指定所属门店',
    en: 'Managers and cashiers must belong to a store',
  },
  STATION_REQUIRED: {
    status: 400,
    zh: '请先在收银台上登录，再切换收银员',
    en: 'Open a cashier station first, then switch user',
  },
  PIN_NOT_SET: { status: 400, zh: '该员工尚未设置 PIN', en: 'This staff member has no PIN yet' },
  PIN_WRONG: { status: 401, zh: 'PIN 错误', en: 'The PIN is wrong' },
  LAST_OWNER: {
    status: 409,
    zh: '商户至少需要保留一位老板账号',
    en: 'The merchant must keep at least one owner',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    zh: '该幂等键已用于另一个请求',
    en: 'This Idempotency-Key was already used for a different request',
  },
  IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    zh: '相同的请求正在处理中，请稍候',
    en: 'The same request is still being processed',
  },
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    zh: '幂等键格式无效（1–100 个可见 ASCII 字符）',
    en: 'The Idempotency-Key must be 1–100 visible ASCII characters',
  },
  AMOUNT_INVALID: {
    status: 400,
    zh: '金额无效：请输入大于 0 的金额，最多两位小数',
    en: 'The amount is not valid: more than zero, at most two decimals',
  },
  EXPIRY_INVALID: {
    status: 400,
    zh: '有效期无效：动态码有效期为 1–120 分钟，静态码为 1–3650 天',
    en: 'The validity is not valid: 1–120 minutes for a dynamic code, 1–3650 days for a static one',
  },
  EMV_ACCOUNT_MISSING: {
    status: 409,
    zh: '尚未配置银联/EMV 商户账户，请先在收款方式中填写',
    en: 'No UnionPay/EMV merchant account is configured; add one under payment methods first',
  },
  EMV_ACCOUNT_INVALID: {
    status: 400,
    zh: '银联/EMV 商户信息无效：商户号 15 位数字，MCC 4 位数字，城市不超过 15 个字符',
    en: 'The UnionPay/EMV account is not valid: 15-digit merchant number, 4-digit MCC, city up to 15 characters',
  },
  IMAGE_EMPTY: { status: 422, zh: '上传的文件是空的', en: 'The uploaded file is empty' },
  IMAGE_NOT_AN_IMAGE: {
    status: 422,
    zh: '这不是图片文件，请上传 PNG、JPEG、WebP 或 GIF 图片',
    en: 'This is not an image; upload a PNG, JPEG, WebP or GIF',
  },
  IMAGE_UNSUPPORTED_TYPE: {
    status: 422,
    zh: '不支持这种图片格式，请上传 PNG、JPEG、WebP 或 GIF',
    en: 'This image format is not supported; upload a PNG, JPEG, WebP or GIF',
  },
  IMAGE_TOO_LARGE: { status: 413, zh: '图片超过 10 MB，请压缩后再上传', en: 'The image is over 10 MB; make it smaller and try again' },
  IMAGE_TOO_MANY_PIXELS: {
    status: 422,
    zh: '图片像素过大（超过 1200 万像素），请缩小后再上传',
    en: 'The image has too many pixels (over 12 MP); make it smaller and try again',
  },
  IMAGE_CORRUPT: {
    status: 422,
    zh: '图片已损坏或不完整，请重新拍摄或导出',
    en: 'The image is damaged or incomplete; take or export it again',
  },
  IMAGE_NO_CODE: {
    status: 422,
    zh: '图片中没有找到二维码，请让二维码完整、清晰地出现在画面中后重拍',
    en: 'No QR code was found; retake the picture with the whole code clearly in view',
  },
  IMAGE_MULTIPLE_CODES: {
    status: 422,
    zh: '图片中有多个二维码，请只拍一个收款码',
    en: 'The picture holds more than one code; photograph just one collection code',
  },
  IMAGE_BLURRED: {
    status: 422,
    zh: '二维码模糊或对比度太低，请在光线充足处对焦后重拍',
    en: 'The code is blurred or too low in contrast; retake it in good light, in focus',
  },
  IMAGE_NOT_PAYMENT_CODE: {
    status: 422,
    zh: '这个二维码不是收款码（微信、支付宝、银联等），请上传收款码',
    en: 'This QR code is not a collection code (WeChat Pay, Alipay, UnionPay …); upload a collection code',
  },
  CODE_DANGEROUS: {
    status: 422,
    zh: '二维码内容异常（可疑链接或过长），已拒绝',
    en: 'The code holds suspicious content (a dangerous link or absurd length) and was refused',
  },
  MERCHANT_NO_INVALID: {
    status: 400,
    zh: '商户号格式不对：微信支付 10 位数字，支付宝 2088 开头的 16 位数字，银联 15 位数字',
    en: 'Wrong merchant number format: WeChat Pay 10 digits, Alipay 16 digits starting 2088, UnionPay 15 digits',
  },
  BINDING_METHOD_MISMATCH: {
    status: 409,
    zh: '收款码与所选支付方式不一致',
    en: 'The code does not belong to the chosen payment method',
  },
  CODE_NOT_ACTIVE: {
    status: 409,
    zh: '收款码已停用或已过期，不能绑定',
    en: 'The code is disabled or expired and cannot be bound',
  },
  BINDING_CONFLICT: {
    status: 409,
    zh: '这个收银台的绑定刚刚被其他人修改，请刷新后重试',
    en: 'Someone changed this station’s binding just now; reload and try again',
  },
  ORDER_CONFLICT: {
    status: 409,
    zh: '该订单号已用于另一笔不同的订单',
    en: 'This order id was already used for a different order',
  },
  ORDER_NOT_OPEN: { status: 409, zh: '订单已支付或已取消', en: 'The order is already paid or cancelled' },
  PAYMENT_IN_PROGRESS: {
    status: 409,
    zh: '这笔订单有一笔付款正在进行，请等待结果或先取消',
    en: 'A payment for this order is in progress; wait for it or cancel it first',
  },
  AMOUNT_OVER_LIMIT: {
    status: 400,
    zh: '金额超过单笔收款上限',
    en: 'The amount is over the per-payment limit',
  },
  PAYMENT_CODE_UNSUPPORTED: {
    status: 400,
    zh: '无法识别的付款码：请扫描微信、支付宝或云闪付的付款码',
    en: 'Unrecognised payment code: scan a WeChat Pay, Alipay or UnionPay payment code',
  },
  CASH_INSUFFICIENT: { status: 400, zh: '实收现金少于应收金额', en: 'The cash tendered is less than the amount due' },
  PAYMENT_NOT_CANCELLABLE: {
    status: 409,
    zh: '这笔付款已有结果，不能取消',
    en: 'This payment already has a result and cannot be cancelled',
  },
  REFUND_EXCEEDS: {
    status: 409,
    zh: '退款金额超过可退金额，或这笔付款尚未成功',
    en: 'The refund is more than what is left to refund, or the payment has not succeeded',
  },
  REFUND_IN_PROGRESS: {
    status: 409,
    zh: '这笔付款有一笔退款正在处理，请等待结果',
    en: 'A refund of this payment is still in progress; wait for its result',
  },
  RECEIPT_NOT_AVAILABLE: {
    status: 409,
    zh: '只有已支付的交易才能打印小票',
    en: 'A receipt is printed only for a payment that succeeded',
  },
  EXPORT_TOO_LARGE: {
    status: 400,
    zh: '导出的记录超过 50,000 条，请缩小日期范围或增加筛选条件',
    en: 'The export has more than 50,000 records; narrow the date range or add filters',
  },
  NOTIFICATION_REJECTED: {
    status: 401,
    zh: '通知签名无效或已过期',
    en: 'The notification signature is invalid or stale',
  },
  FONT_MISSING: {
    status: 503,
    zh: '服务器缺少中文字体，无法生成台卡（运维：安装 fonts-wqy-microhei 或 fonts-noto-cjk）',
    en: 'The server has no CJK font to print the card (operator: install fonts-wqy-microhei or fonts-noto-cjk)',
  },
  DB_UNAVAILABLE: {
    status: 503,
    zh: '数据库暂时无法访问，请稍后重试',
    en: 'The database is unavailable; try again shortly',
  },
  INTERNAL: { status: 500, zh: '服务器内部错误，请稍后重试', en: 'Internal error; try again later' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
export type Lang = 'zh' | 'en';

/** Field-level detail so forms can show the message beside the field that caused it. */
export interface FieldIssue {
  field: string;
  code: ErrorCode;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldIssue[];
  /** Machine-readable facts about the failure (e.g. what an uploaded image decoded to). */
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, fields: FieldIssue[] = [], detail?: Record<string, unknown>) {
    super(errorCatalogue[code].en);
    this.name = 'DomainError';
    this.code = code;
    this.fields = fields;
    this.detail = detail;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }
}

export function messageFor(code: ErrorCode, lang: Lang): string {
  return errorCatalogue[code][lang];
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
