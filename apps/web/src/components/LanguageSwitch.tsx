import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage, type Language, setLanguage } from '../i18n/index.ts';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const value = i18n.language === 'en' ? 'en' : currentLanguage();
  return (
    <Segmented<Language>
      aria-label={t('common.language')}
      data-testid="lang-switch"
      value={value}
      onChange={(lang) => void setLanguage(lang)}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'English', value: 'en' },
      ]}
    />
  );
}
