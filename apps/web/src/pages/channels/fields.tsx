import { type ErrorCode, errorCatalogue, type Lang, messageFor } from '@paydesk/domain';
import type { FormInstance, FormRule } from 'antd';
import { Form, Input } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import type { Store } from '../../api/types.ts';
import type { FieldSpec } from './wallets.ts';

/** The scope select's value for "every store of the merchant" (the API's `storeId: null`). */
export const ALL_STORES = '';

export function scopeName(t: TFunction, stores: Store[], storeId: string | null): string {
  if (storeId === null) return t('channels.scopeAll');
  return stores.find((s) => s.id === storeId)?.name ?? storeId;
}

/** The domain catalogue's language for the console's. */
export function catalogueLang(language: string): Lang {
  return language === 'en' ? 'en' : 'zh';
}

/**
 * A settings problem in the user's language, from the error catalogue the server uses too; the server's
 * own words when the code is newer than this page.
 */
function problemText(code: string, lang: Lang, fallback: string): string {
  return Object.hasOwn(errorCatalogue, code) ? messageFor(code as ErrorCode, lang) : fallback;
}

/**
 * Puts each of the server's `fields[]` problems under its field, in the user's language, and returns
 * the form-level text: the server's message, followed by problems of fields this form does not have.
 */
export function placeSettingsErrors(lang: Lang, err: unknown, form: FormInstance, names: readonly string[]): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  const byField = new Map<string, string[]>();
  const unplaced: string[] = [];
  for (const f of err.fields) {
    const text = problemText(f.code, lang, f.message || err.message);
    if (names.includes(f.field)) byField.set(f.field, [...(byField.get(f.field) ?? []), text]);
    else unplaced.push(text);
  }
  form.setFields([...byField.entries()].map(([name, errors]) => ({ name, errors })));
  return [err.message, ...unplaced].join(' · ');
}

function rulesFor(lang: Lang, spec: FieldSpec, required: boolean): FormRule[] {
  return [
    {
      validator: (_r, raw: unknown) => {
        const value = typeof raw === 'string' ? raw.trim() : '';
        if (value === '') return required ? Promise.reject(new Error(messageFor('FIELD_REQUIRED', lang))) : Promise.resolve();
        if (spec.shape && !spec.shape.test(value)) return Promise.reject(new Error(messageFor(spec.shape.problem, lang)));
        return Promise.resolve();
      },
    },
  ];
}

/**
 * One setting with its label and where to find it. A secret already stored shows "已保存（不显示）" and
 * may stay empty; the server keeps the stored one.
 */
export function SettingField(props: { spec: FieldSpec; formName: string; stored: boolean }) {
  const { t, i18n } = useTranslation();
  const { spec, stored } = props;
  const keeps = stored && spec.kept === true;
  const required = !spec.optional && !keeps;
  const help = [
    t(`channels.field.${spec.name}.help`),
    spec.input === 'pem' ? t('channels.pastePem') : '',
    keeps ? t('channels.secretKeep') : '',
  ]
    .filter(Boolean)
    // Chinese sentences follow each other without a space.
    .join(i18n.language === 'en' ? ' ' : '');
  const testId = `${props.formName}-${spec.name}`;
  const placeholder = keeps ? t('channels.secretSaved') : undefined;
  return (
    <Form.Item
      name={spec.name}
      label={t(`channels.field.${spec.name}.label`)}
      extra={help}
      rules={rulesFor(catalogueLang(i18n.language), spec, required)}
      required={required}
    >
      {spec.input === 'pem' ? (
        <Input.TextArea
          autoSize={{ minRows: 3, maxRows: 10 }}
          spellCheck={false}
          autoComplete="off"
          placeholder={placeholder ?? '-----BEGIN ...'}
          style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 13 }}
          data-testid={testId}
        />
      ) : spec.input === 'secret' ? (
        <Input.Password autoComplete="new-password" spellCheck={false} placeholder={placeholder} data-testid={testId} />
      ) : (
        <Input autoComplete="off" spellCheck={false} data-testid={testId} />
      )}
    </Form.Item>
  );
}
