/**
 * Text as a person reads it in Teams. Cards and messages are rendered as Markdown, and anything that looks like
 * an HTML tag is dropped with what is between its brackets: "skriv koppla <grupp>." reads "skriv koppla .".
 * Bold and italics markers are not shown either.
 */
export function asTeamsShows(text: string): string {
  return text
    .replace(/<\/?\p{L}[^<>]*>/gu, '')
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/(^|[\s(])_(.+?)_(?=$|[\s.,;:!?)])/g, '$1$2');
}

/** Something written to be replaced, in angle brackets (`<insats>`, `<name|email>`): Teams would drop it. */
export const angleBracketPlaceholder = /<\/?\p{L}[^<>]*>/u;
