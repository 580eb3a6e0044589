import type { Locale } from '../shared/messages.ts';
import { choicesPageHtml, errorPageHtml, type ChoiceLink } from './pages.ts';
import { STYLESHEET_PATH } from './portal.routes.ts';

/**
 * The portal's public contract: the pages other capabilities answer browsers with, in the portal's look. The resolver
 * uses them when a browser (Accept: text/html first) gets a 300, 400, 404 or 410, which a phone's camera app would
 * otherwise show as raw JSON.
 */
export type { ChoiceLink };

interface PageOf {
  readonly locale: Locale;
  /** The request path, without its query (the language switch links back to it). */
  readonly path: string;
  readonly publicUrl: string;
}

const contextOf = (page: PageOf) => ({ ...page, stylesheet: STYLESHEET_PATH });

/** The HTML of a resolver's 300 answer: the matching links to choose from. */
export function choicesPage(page: PageOf, description: string | null, links: readonly ChoiceLink[]): string {
  return choicesPageHtml(contextOf(page), description, links).value;
}

/** The HTML of a resolver's error answer for a browser. */
export function errorPage(page: PageOf, status: 400 | 404 | 410): string {
  return errorPageHtml(contextOf(page), status).value;
}
