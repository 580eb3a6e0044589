import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { setApiLanguage } from '../api.ts';
import { en } from './en.ts';
import { vi, type MessageKey } from './vi.ts';

export type Language = 'vi' | 'en';
export type { MessageKey };

const CATALOGUES: Record<Language, Record<MessageKey, string>> = { vi, en };
const STORAGE_KEY = 'truyxuat.language';

/** Fills `{name}` placeholders; a missing parameter stays visible rather than vanishing. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function translate(language: Language, key: MessageKey, params?: Record<string, string | number>): string {
  // A key built at run time (`kde.<name>` of a profile the province wrote) may be missing: the key itself shows.
  const template: string | undefined = CATALOGUES[language][key];
  return format(template ?? key, params);
}

function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'vi' || stored === 'en') return stored;
  } catch {
    // Storage may be unavailable (private mode): the default applies.
  }
  return 'vi';
}

interface I18n {
  readonly language: Language;
  readonly t: (key: MessageKey, params?: Record<string, string | number>) => string;
  readonly setLanguage: (language: Language) => void;
}

const I18nContext = createContext<I18n | null>(null);

/** Vietnamese by default; the choice is kept on the device and sent to the API as Accept-Language. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() => {
    const lang = initialLanguage();
    setApiLanguage(lang);
    return lang;
  });
  const setLanguage = useCallback((next: Language) => {
    setApiLanguage(next);
    document.documentElement.lang = next;
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not kept across reloads then; the switch still applies now.
    }
    setLanguageState(next);
  }, []);
  const value = useMemo<I18n>(
    () => ({ language, setLanguage, t: (key, params) => translate(language, key, params) }),
    [language, setLanguage],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
