import { encodeEmv } from '@paydesk/domain';
import type { UnionpayEmvConfig } from '../services/channel-account.service.ts';

/**
 * An EMVCo merchant-presented code for a UnionPay merchant: tag 15 carries the acquirer IIN and the
 * merchant number, 59/60 the Latin name and city, 64 the Chinese name, 62.05 the card's serial number.
 */
export function buildEmvContent(
  account: UnionpayEmvConfig,
  code: { merchantName: string; amountFen?: number | undefined; reference: string },
): string {
  return encodeEmv({
    merchantAccounts: [{ tag: '15', value: `${account.acquirerIin}${account.merchantNo}` }],
    mcc: account.mcc,
    currency: '156',
    ...(code.amountFen !== undefined && { amountFen: code.amountFen }),
    country: 'CN',
    merchantName: account.nameLatin,
    merchantCity: account.city,
    additionalData: { reference: code.reference },
    alternateLanguage: { language: 'ZH', name: [...code.merchantName].slice(0, 25).join('') },
  });
}
