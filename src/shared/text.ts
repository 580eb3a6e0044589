/**
 * Folds Vietnamese text for diacritic-insensitive search: "Mè xửng Huế" → "me xung hue".
 * NFD splits base letters from combining marks, which are dropped; đ/Đ has no decomposition and maps by hand.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Escapes LIKE wildcards so that user text matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
