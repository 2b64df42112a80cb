/** Markup that is already safe to send: built by `html`, whose values are escaped unless they are markup too. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

/**
 * The tab's one way of writing markup: every value is escaped (people's names and reports go in as they were
 * typed), arrays are joined, and `false`, `null` and `undefined` write nothing, so that `${cond && html`…`}` reads.
 */
export function html(strings: TemplateStringsArray, ...values: readonly Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += written(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

function written(value: Part): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(written).join('');
  if (value === undefined || value === null || value === false || value === true) return '';
  return escapeHtml(String(value));
}

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}
