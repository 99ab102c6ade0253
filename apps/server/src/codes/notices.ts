/** Rules the pay page and the console quote; sources in shared/reference/payments.md §6. */
export const notices = {
  personalCode: {
    zh: '这是个人收款码。按中国人民银行《关于加强支付受理终端及相关业务管理的通知》（银发〔2021〕259号，2022 年 3 月 1 日起施行），有明显经营活动的商户应使用商户收款码，个人收款码不得用于远程收款。建议向微信支付或支付宝申请商户收款码。',
    en: 'This is a personal collection code. Under PBOC notice Yinfa [2021] No. 259 (in force 2022-03-01), a business should use a merchant collection code, and personal codes may not be used for remote collection. Apply to WeChat Pay or Alipay for a merchant code.',
  },
  staticLimit: {
    zh: '根据《条码支付业务规范（试行）》（银发〔2017〕296号），使用静态收款码付款，每位顾客每天累计不超过 500 元。',
    en: 'Under PBOC rules (Yinfa [2017] No. 296), payments to a static code are limited to ¥500 per customer per day.',
  },
} as const;
