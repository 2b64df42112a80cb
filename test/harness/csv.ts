import { parse } from 'csv-parse/sync';

/**
 * Reads the bot's CSV (RFC 4180, `;` between fields, CRLF between records) with csv-parse. Records of uneven
 * length are an error. The byte order mark and the line ends are for the callers to assert on the text itself.
 */
export function parseCsv(text: string): string[][] {
  return parse(text, { delimiter: ';', record_delimiter: '\r\n' });
}
