import { html, type SafeHtml } from './html.ts';

/**
 * The little Markdown the standards' application guides use — paragraphs, `- ` lists, `#` headings and `**bold**`
 * — rendered with every character of the text escaped. Anything else stays literal text. Pure.
 */
export function renderGuide(markdown: string): SafeHtml {
  const blocks = markdown.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  return html`${blocks.map((block) => {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) return null;
    if (lines.every((l) => /^\s*[-*]\s+/.test(l)))
      return html`<ul>
        ${lines.map((l) => html`<li>${inline(l.replace(/^\s*[-*]\s+/, ''))}</li>`)}
      </ul>`;
    const heading = /^(#{1,6})\s+(.*)$/.exec(lines[0]!);
    if (heading && lines.length === 1) return html`<h3>${inline(heading[2]!)}</h3>`;
    return html`<p>${inline(lines.join(' '))}</p>`;
  })}`;
}

function inline(text: string): SafeHtml {
  const parts = text.split(/\*\*(.+?)\*\*/g);
  return html`${parts.map((part, i) => (i % 2 === 1 ? html`<strong>${part}</strong>` : part))}`;
}
