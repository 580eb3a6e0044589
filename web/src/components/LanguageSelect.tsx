import { Select } from 'antd';
import { useI18n, type Language } from '../i18n/index.tsx';

/** The interface language switch of the pages shown before signing in (sign-in, sign-up, a pending application). */
export function LanguageSelect() {
  const { t, language, setLanguage } = useI18n();
  return (
    <Select<Language>
      size="small"
      value={language}
      onChange={setLanguage}
      aria-label={t('app.language')}
      options={[
        { value: 'vi', label: t('app.language.vi') },
        { value: 'en', label: t('app.language.en') },
      ]}
    />
  );
}
