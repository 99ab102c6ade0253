import {
  checkPasswordShape,
  checkPin,
  codePointLength,
  hasControlChars,
  normalizeEmail,
  normalizeMobile,
  validateBankAccount,
  validateUscc,
} from '@paydesk/domain';
import type { FormRule } from 'antd';
import type { TFunction } from 'i18next';

/** antd form rules built on the shared domain validators, so the browser says what the server would. */

const fail = (message: string) => Promise.reject(new Error(message));

export function textRule(t: TFunction, max: number, required = true): FormRule {
  return {
    validator: (_r, raw: unknown) => {
      const value = typeof raw === 'string' ? raw.trim() : '';
      if (value === '') return required ? fail(t('validation.required')) : Promise.resolve();
      if (hasControlChars(value)) return fail(t('validation.controlChars'));
      if (codePointLength(value) > max) return fail(t('validation.tooLong', { max }));
      return Promise.resolve();
    },
  };
}

export function usccRule(t: TFunction): FormRule {
  return {
    validator: (_r, raw: unknown) => {
      const value = typeof raw === 'string' ? raw : '';
      const result = validateUscc(value);
      if (result.ok) return Promise.resolve();
      return fail(t(`validation.uscc.${result.reason}`, { n: value.trim().length }));
    },
  };
}

export function mobileRule(t: TFunction): FormRule {
  return {
    validator: (_r, raw: unknown) =>
      normalizeMobile(typeof raw === 'string' ? raw : '') ? Promise.resolve() : fail(t('validation.mobile')),
  };
}

export function emailRule(t: TFunction, required = true): FormRule {
  return {
    validator: (_r, raw: unknown) => {
      const value = typeof raw === 'string' ? raw.trim() : '';
      if (value === '' && !required) return Promise.resolve();
      return normalizeEmail(value) ? Promise.resolve() : fail(t('validation.email'));
    },
  };
}

/** Sign-in name: a mainland mobile number or an e-mail address. */
export function loginRule(t: TFunction): FormRule {
  return {
    validator: (_r, raw: unknown) => {
      const value = typeof raw === 'string' ? raw : '';
      return normalizeMobile(value) || normalizeEmail(value) ? Promise.resolve() : fail(t('validation.login'));
    },
  };
}

/** What to send as `login`: the bare mobile number when it is one, else the e-mail as typed. */
export function normalizeLogin(raw: string): string {
  return normalizeMobile(raw) ?? normalizeEmail(raw) ?? raw.trim();
}

export function bankAccountRule(t: TFunction): FormRule {
  return {
    validator: (_r, raw: unknown) => {
      const result = validateBankAccount(typeof raw === 'string' ? raw : '');
      return result.ok ? Promise.resolve() : fail(t(`validation.bank.${result.reason}`));
    },
  };
}

/** A warning only: card numbers carry a Luhn digit, corporate accounts generally do not. */
export function bankLuhnWarning(t: TFunction): FormRule {
  return {
    warningOnly: true,
    validator: (_r, raw: unknown) => {
      const result = validateBankAccount(typeof raw === 'string' ? raw : '');
      const cardLike = result.ok && result.value.length >= 16 && result.value.length <= 19;
      return cardLike && !result.luhn ? fail(t('validation.bank.luhn')) : Promise.resolve();
    },
  };
}

export function passwordRule(t: TFunction): FormRule {
  return {
    validator: (_r, raw: unknown) => {
      const value = typeof raw === 'string' ? raw : '';
      const shape = checkPasswordShape(value);
      return shape === 'ok' ? Promise.resolve() : fail(t(`validation.password.${shape}`, { n: codePointLength(value) }));
    },
  };
}

export function confirmRule(t: TFunction, otherField: string): FormRule {
  return ({ getFieldValue }) => ({
    validator: (_r, value: unknown) => (value === getFieldValue(otherField) ? Promise.resolve() : fail(t('validation.password.mismatch'))),
  });
}

export function pinRule(t: TFunction, required: boolean): FormRule {
  return {
    validator: (_r, raw: unknown) => {
      const value = typeof raw === 'string' ? raw : '';
      if (value === '' && !required) return Promise.resolve();
      const check = checkPin(value);
      return check === 'ok' ? Promise.resolve() : fail(t(`validation.pin.${check}`));
    },
  };
}

export function codeRule(t: TFunction): FormRule {
  return {
    validator: (_r, raw: unknown) => (typeof raw === 'string' && /^\d{6}$/.test(raw) ? Promise.resolve() : fail(t('validation.code'))),
  };
}

/** Keeps only ASCII digits, for numeric inputs (codes, PINs) typed or pasted with spaces. */
export function digitsOnly(max: number) {
  return (e: { target: { value: string } }): string => e.target.value.replace(/\D/g, '').slice(0, max);
}
