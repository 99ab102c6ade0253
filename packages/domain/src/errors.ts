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
  IDEMPOTENCY_APPLIED: {
    status: 409,
    zh: '这个请求已经执行过，但当时的结果没有送达：请刷新页面查看，不要重复提交',
    en: 'This request was carried out, but its answer was lost: refresh to see the result rather than sending it again',
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
  CHANNEL_SETTINGS_INVALID: {
    status: 400,
    zh: '支付通道设置有误，请按各项提示修改后重新保存',
    en: 'The payment channel settings are not valid; fix the marked fields and save again',
  },
  CHANNEL_SECRETS_UNREADABLE: {
    status: 409,
    zh: '已保存的通道密钥无法解密（服务器密钥可能已更换），请重新填写支付通道设置',
    en: 'The stored channel keys cannot be decrypted (the server key may have changed); enter the channel settings again',
  },
  FIELD_REQUIRED: { status: 400, zh: '此项必填', en: 'This field is required' },
  WECHATPAY_MCHID_INVALID: { status: 400, zh: '商户号应为 10 位数字', en: 'The merchant ID must be 10 digits' },
  WECHATPAY_APPID_INVALID: {
    status: 400,
    zh: 'AppID 应为 wx 加 16 位十六进制字符',
    en: 'The AppID must be "wx" followed by 16 hex characters',
  },
  WECHATPAY_APP_SECRET_INVALID: { status: 400, zh: 'AppSecret 应为 32 位十六进制字符', en: 'The AppSecret must be 32 hex characters' },
  WECHATPAY_KEY_UNPARSEABLE: {
    status: 400,
    zh: '无法读取该密钥，请粘贴完整的 PEM 内容（含 BEGIN/END 行）',
    en: 'The key cannot be read; paste the whole PEM text including the BEGIN/END lines',
  },
  WECHATPAY_KEY_IS_CERTIFICATE: {
    status: 400,
    zh: '这里需要商户 API 私钥（apiclient_key.pem），粘贴的是证书',
    en: 'This needs the merchant API private key (apiclient_key.pem), not the certificate',
  },
  WECHATPAY_KEY_NOT_PRIVATE: { status: 400, zh: '这里需要私钥，粘贴的是公钥', en: 'This needs a private key; a public key was pasted' },
  WECHATPAY_KEY_IS_PRIVATE: {
    status: 400,
    zh: '这里需要微信支付公钥，粘贴的是私钥（私钥请勿外传）',
    en: 'This needs the WeChat Pay public key; a private key was pasted (keep it secret)',
  },
  WECHATPAY_KEY_NOT_RSA: { status: 400, zh: '密钥不是 RSA 密钥', en: 'The key is not an RSA key' },
  WECHATPAY_KEY_TOO_SMALL: { status: 400, zh: '密钥长度不足 2048 位', en: 'The key is shorter than 2048 bits' },
  WECHATPAY_KEY_SELF_TEST_FAILED: {
    status: 400,
    zh: '私钥自检失败：签名无法通过验证，密钥可能已损坏',
    en: 'The private key failed its self-test: its signatures do not verify; it may be damaged',
  },
  WECHATPAY_KEY_IS_MERCHANT_KEY: {
    status: 400,
    zh: '这是商户自己的公钥，不是微信支付公钥',
    en: "This is the merchant's own public key, not WeChat Pay's",
  },
  WECHATPAY_SERIAL_INVALID: { status: 400, zh: '证书序列号应为 40 位十六进制字符', en: 'The certificate serial must be 40 hex characters' },
  WECHATPAY_SERIAL_MISMATCH: {
    status: 400,
    zh: '证书序列号与商户 API 证书不一致',
    en: 'The serial does not match the merchant API certificate',
  },
  WECHATPAY_CERTIFICATE_UNPARSEABLE: {
    status: 400,
    zh: '无法读取该证书，请粘贴完整的 PEM 内容',
    en: 'The certificate cannot be read; paste the whole PEM text',
  },
  WECHATPAY_CERTIFICATE_EXPIRED: { status: 400, zh: '证书已过期', en: 'The certificate has expired' },
  WECHATPAY_CERTIFICATE_NOT_YET_VALID: { status: 400, zh: '证书尚未生效', en: 'The certificate is not valid yet' },
  WECHATPAY_KEY_PAIR_MISMATCH: {
    status: 400,
    zh: '私钥与商户 API 证书不是一对',
    en: 'The private key does not belong to the merchant API certificate',
  },
  WECHATPAY_APIV3_KEY_LENGTH: { status: 400, zh: 'APIv3 密钥应为 32 字节', en: 'The APIv3 key must be exactly 32 bytes' },
  WECHATPAY_KEY_ID_INVALID: {
    status: 400,
    zh: '微信支付公钥 ID 应为 PUB_KEY_ID_ 加数字，或 40 位平台证书序列号',
    en: 'The public key ID must be PUB_KEY_ID_ plus digits, or a 40-hex platform certificate serial',
  },
  WECHATPAY_URL_INVALID: {
    status: 400,
    zh: '网关地址须为不带参数的 http(s) 地址',
    en: 'The gateway URL must be http(s) without query or fragment',
  },
  ALIPAY_APP_ID_INVALID: {
    status: 400,
    zh: 'APPID 应为 16 位数字，请从支付宝开放平台的应用详情中复制',
    en: "The APPID must be 16 digits; copy it from the app's page on the Alipay open platform",
  },
  ALIPAY_APP_PRIVATE_KEY_REQUIRED: { status: 400, zh: '请填写应用私钥', en: 'Enter the app private key' },
  ALIPAY_APP_PRIVATE_KEY_UNPARSEABLE: {
    status: 400,
    zh: '无法读取应用私钥：请粘贴密钥工具生成的完整私钥（PEM 或 Base64 内容）',
    en: 'The app private key cannot be read: paste the whole key from the key tool (PEM or its Base64 body)',
  },
  ALIPAY_APP_PRIVATE_KEY_ENCRYPTED: {
    status: 400,
    zh: '应用私钥设置了密码，请导出不加密的私钥',
    en: 'The app private key is password-protected; export it without a password',
  },
  ALIPAY_APP_PRIVATE_KEY_IS_PUBLIC: {
    status: 400,
    zh: '这里填入的是公钥，请填写应用私钥',
    en: 'This is a public key; enter the app private key here',
  },
  ALIPAY_APP_PRIVATE_KEY_NOT_RSA: {
    status: 400,
    zh: '应用私钥必须是 RSA 密钥（RSA2 签名）',
    en: 'The app private key must be an RSA key (RSA2 signing)',
  },
  ALIPAY_APP_PRIVATE_KEY_TOO_SMALL: {
    status: 400,
    zh: '应用私钥不足 2048 位，请用密钥工具重新生成 RSA2（2048 位）密钥',
    en: 'The app private key is shorter than 2048 bits; generate an RSA2 (2048-bit) key with the key tool',
  },
  ALIPAY_APP_PRIVATE_KEY_SELF_TEST_FAILED: {
    status: 400,
    zh: '应用私钥已损坏：用它签名的内容无法验证，请重新生成密钥',
    en: 'The app private key is damaged: what it signs does not verify; generate a new key pair',
  },
  ALIPAY_PUBLIC_KEY_REQUIRED: { status: 400, zh: '请填写支付宝公钥', en: 'Enter the Alipay public key' },
  ALIPAY_PUBLIC_KEY_UNPARSEABLE: {
    status: 400,
    zh: '无法读取支付宝公钥：请从开放平台「接口加签方式」中复制完整的支付宝公钥',
    en: "The Alipay public key cannot be read: copy the whole key from the open platform's signing settings",
  },
  ALIPAY_PUBLIC_KEY_IS_PRIVATE: {
    status: 400,
    zh: '这里填入的是私钥，私钥不应填在此处；请填写支付宝公钥',
    en: 'This is a private key, which does not belong here; enter the Alipay public key',
  },
  ALIPAY_PUBLIC_KEY_IS_CERTIFICATE: {
    status: 400,
    zh: '这是公钥证书，目前只支持公钥模式：请在开放平台选择「公钥」加签方式并复制支付宝公钥',
    en: 'This is a public-key certificate; only public-key mode is supported: choose public-key signing and copy the Alipay public key',
  },
  ALIPAY_PUBLIC_KEY_NOT_RSA: { status: 400, zh: '支付宝公钥必须是 RSA 密钥', en: 'The Alipay public key must be an RSA key' },
  ALIPAY_PUBLIC_KEY_TOO_SMALL: {
    status: 400,
    zh: '支付宝公钥不足 2048 位，请选择 RSA2 加签方式',
    en: 'The Alipay public key is shorter than 2048 bits; choose RSA2 signing',
  },
  ALIPAY_PUBLIC_KEY_IS_APP_KEY: {
    status: 400,
    zh: '这是应用公钥（与应用私钥配对），不是支付宝公钥；请复制开放平台上的「支付宝公钥」',
    en: "This is the app's own public key, not the Alipay public key; copy the Alipay public key from the open platform",
  },
  ALIPAY_GATEWAY_URL_INVALID: {
    status: 400,
    zh: '网关地址无效，应为完整的 https:// 地址',
    en: 'The gateway URL is not valid; it must be a full https:// address',
  },
  ALIPAY_GATEWAY_URL_INSECURE: {
    status: 400,
    zh: '网关地址必须使用 https（只有本机测试网关可用 http）',
    en: 'The gateway URL must use https (plain http only for a gateway on this machine)',
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

/**
 * What "check connection" found, per channel and verdict, in both languages. Not errors: the check
 * itself succeeded, and "ok" is one of the answers.
 */
export const channelCheckMessages = {
  wechatpay: {
    ok: { zh: '连接正常', en: "Connected; WeChat Pay's answer verified" },
    unreachable: { zh: '无法连接微信支付（网络不通或超时）', en: 'WeChat Pay cannot be reached (network error or timeout)' },
    clock_skew: {
      zh: '服务器时间与微信支付相差超过 5 分钟，请校准系统时间',
      en: "The server clock is more than 5 minutes off WeChat Pay's; correct the system time",
    },
    wrong_serial: { zh: '商户证书序列号有误', en: 'The merchant certificate serial is wrong' },
    bad_signature: { zh: '微信支付拒绝了签名：商户私钥不对', en: 'WeChat Pay refused our signature: the merchant private key is wrong' },
    merchant_unknown: { zh: '商户号不存在', en: 'The merchant ID is unknown to WeChat Pay' },
    platform_key_id_mismatch: { zh: '微信支付公钥 ID 不对', en: 'The WeChat Pay public key ID is not the one WeChat Pay signs with' },
    platform_key_mismatch: { zh: '微信支付公钥不对，无法验证应答签名', en: 'The WeChat Pay public key is wrong: answers do not verify' },
    unsigned_answer: { zh: '应答没有微信支付签名，请检查网关地址', en: 'The answer has no WeChat Pay signature; check the gateway URL' },
    gateway_error: { zh: '微信支付返回了意外的应答，请稍后重试', en: 'WeChat Pay gave an unexpected answer; try again later' },
  },
  alipay: {
    ok: { zh: '连接正常', en: "Connected; Alipay's answer verified" },
    app_id_unknown: {
      zh: '支付宝不认识这个 APPID，请核对开放平台上应用的 APPID',
      en: "Alipay does not know this APPID; check the app's APPID on the open platform",
    },
    app_key_rejected: {
      zh: '支付宝拒绝了签名：应用私钥与开放平台上传的应用公钥不是一对',
      en: 'Alipay refused our signature: the app private key does not match the app public key uploaded to the open platform',
    },
    alipay_key_mismatch: { zh: '支付宝公钥不对，无法验证应答签名', en: 'The Alipay public key is wrong: answers do not verify' },
    clock_skew: {
      zh: '服务器时间与支付宝相差过大，请校准系统时间',
      en: "The server clock is too far off Alipay's; correct the system time",
    },
    permission_denied: {
      zh: '应用没有调用该接口的权限，请在开放平台签约当面付等产品并确认已生效',
      en: 'The app may not call this API; sign up for Face-to-Face Payment (and the other products) on the open platform',
    },
    unreachable: {
      zh: '无法连接支付宝（网络不通、超时或网关地址有误）',
      en: 'Alipay cannot be reached (network error, timeout or a wrong gateway URL)',
    },
    unexpected_answer: { zh: '支付宝返回了意外的应答，请稍后重试', en: 'Alipay gave an unexpected answer; try again later' },
  },
} as const satisfies Record<string, Record<string, { zh: string; en: string }>>;

export type CheckedChannel = keyof typeof channelCheckMessages;

export function channelCheckMessage<K extends CheckedChannel>(
  kind: K,
  verdict: keyof (typeof channelCheckMessages)[K],
  lang: Lang,
): string {
  return (channelCheckMessages[kind][verdict] as { zh: string; en: string })[lang];
}
