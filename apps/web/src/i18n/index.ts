import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { setApiLanguage, setFallbackMessages } from '../api/client.ts';
import { en } from './en.ts';
import { paymentsEn } from './payments.en.ts';
import { paymentsZhCN } from './payments.zh-CN.ts';
import { zhCN } from './zh-CN.ts';

export const languages = ['zh-CN', 'en'] as const;
export type Language = (typeof languages)[number];

const STORAGE_KEY = 'paydesk.lang';

function storedLanguage(): Language {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'en' || v === 'zh-CN') return v;
  } catch {
    // storage blocked: use the default
  }
  return 'zh-CN';
}

const initial = storedLanguage();

void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initial,
  fallbackLng: 'zh-CN',
  // React escapes text itself.
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});
// The payment pages keep their texts in files of their own, merged in deeply (their menu names join `nav`).
i18next.addResourceBundle('zh-CN', 'translation', paymentsZhCN, true, false);
i18next.addResourceBundle('en', 'translation', paymentsEn, true, false);

setApiLanguage(initial);
document.documentElement.lang = initial;
setFallbackMessages((key, status) =>
  key === 'network' ? i18next.t('errors.network') : i18next.t('errors.unexpected', { status: status ?? 0 }),
);

export function currentLanguage(): Language {
  return i18next.language === 'en' ? 'en' : 'zh-CN';
}

export async function setLanguage(lang: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // storage blocked: the choice lasts for this page only
  }
  setApiLanguage(lang);
  document.documentElement.lang = lang;
  await i18next.changeLanguage(lang);
}

export { i18next };
