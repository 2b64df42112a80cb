import { readFile } from 'node:fs/promises';

/** A Markdown file as the tests read it: the text with fenced code blocks blanked out. */
export async function readMarkdown(file: string): Promise<string> {
  return withoutCodeBlocks(await readFile(file, 'utf8'));
}

/** Fenced code blocks (```…```) replaced by empty lines, so line numbers stay and nothing in them counts. */
export function withoutCodeBlocks(text: string): string {
  return text.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ''));
}

/** The cells of a Markdown table row; `\|` is a pipe inside a cell. */
export function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replaceAll('\\|', '|'));
}

/** The body rows (as cells) of every table in `text` whose header row is exactly `header`. */
export function tableRows(text: string, header: readonly string[]): string[][] {
  const lines = text.split('\n');
  const rows: string[][] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith('|') || lines[i - 1]?.startsWith('|')) return;
    if (cells(line).join('\u0000') !== header.join('\u0000')) return;
    for (let j = i + 2; j < lines.length && lines[j]?.startsWith('|'); j++) rows.push(cells(lines[j] ?? ''));
  });
  return rows;
}

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const slug = (heading ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Every link target in `text` (inline `[text](target)` and reference definitions), outside code. */
export function linkTargets(text: string): string[] {
  const prose = text.replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    (m) => m[1] ?? '',
  );
  const references = [...prose.matchAll(/^ {0,3}\[[^\]]+\]:\s+<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1] ?? '');
  return [...inline, ...references];
}
