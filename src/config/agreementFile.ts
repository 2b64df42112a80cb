import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { agreementSchema, type Agreement } from '../domain/agreement.js';

/** More problems than this are summarised in one line, so a broken file does not flood the log. */
const maxProblemLines = 20;

/**
 * A file a person keeps (an agreement, its example history) that cannot be used: one line per problem, each naming
 * the field. The process stops with it and exit code 2, before anything is written.
 */
export class FileProblemsError extends Error {
  constructor(
    what: string,
    readonly fileName: string,
    /** One line per problem, e.g. `measures[3].owners: Invalid input: expected array, received undefined`. */
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`${what} ${fileName} could not be loaded:\n${formatProblems(problems)}`, options);
  }
}

/** An agreement file that cannot be read, is not YAML/JSON, or does not match the agreement schema. */
export class AgreementFileError extends FileProblemsError {
  override readonly name = 'AgreementFileError';

  constructor(fileName: string, problems: readonly string[], options?: ErrorOptions) {
    super('Agreement file', fileName, problems, options);
  }
}

/** Reads, parses and validates an agreement file (YAML, which also accepts JSON). */
export async function loadAgreementFile(path: string): Promise<Agreement> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AgreementFileError(path, [`cannot read the file: ${reason}`], { cause: error });
  }
  return parseAgreement(source, path);
}

/** Parses and validates the text of an agreement file; `fileName` is only used in error messages. */
export function parseAgreement(source: string, fileName: string): Agreement {
  const data = parseYaml(source, fileName);
  const result = agreementSchema.safeParse(data);
  if (!result.success) {
    throw new AgreementFileError(fileName, result.error.issues.map(describeIssue));
  }
  return result.data;
}

function parseYaml(source: string, fileName: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return `line ${line}, column ${col}: ${e.message}`;
    });
    throw new AgreementFileError(fileName, problems);
  }
  try {
    return doc.toJS();
  } catch (error) {
    // An unresolved alias or an alias bomb is only detected while converting.
    const reason = error instanceof Error ? error.message : String(error);
    throw new AgreementFileError(fileName, [reason], { cause: error });
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${formatPath(issue.path)}: ${issue.message}`;
}

/** `['measures', 3, 'owners', 0]` → `measures[3].owners[0]`, the way the field is found in the file. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

export function formatProblems(problems: readonly string[]): string {
  const shown = problems.slice(0, maxProblemLines).map((p) => `  - ${p}`);
  const hidden = problems.length - shown.length;
  if (hidden > 0) shown.push(`  … and ${hidden} more`);
  return shown.join('\n');
}
