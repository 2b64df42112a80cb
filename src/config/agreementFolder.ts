import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Agreement } from '../domain/agreement.js';
import { FileProblemsError, loadAgreementFile, AgreementFileError } from './agreementFile.js';

/** An agreement and the file it was read from (which names it in errors, and finds its example history). */
export interface LoadedAgreement {
  file: string;
  agreement: Agreement;
}

/** Where the agreements come from: one file (AGREEMENT_FILE), or every agreement file in a folder (AGREEMENTS_DIR). */
export type AgreementSource = { kind: 'file'; path: string } | { kind: 'folder'; path: string };

/**
 * A folder of agreement files that cannot be used: one line per problem, each starting with the file's name and
 * naming the field, e.g. `medborgarlofte.yaml: measures[3].goalArea: no goal area number 7`.
 */
export class AgreementFolderError extends FileProblemsError {
  override readonly name = 'AgreementFolderError';

  constructor(folder: string, problems: readonly string[], options?: ErrorOptions) {
    super('Agreement folder', folder, problems, options);
  }
}

/** Example histories lie beside their agreement files; they are not agreements. */
const historySuffix = '.history.yaml';
const agreementExtensions = ['.yaml', '.yml', '.json'];

/** The agreement files of a folder, by name: `*.yaml`, `*.yml` and `*.json`, except `*.history.yaml`. */
export function isAgreementFileName(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower.endsWith(historySuffix)) return false;
  return agreementExtensions.some((extension) => lower.endsWith(extension));
}

/** Reads the agreements from where the settings say: one file, or a folder. */
export async function loadAgreements(source: AgreementSource): Promise<LoadedAgreement[]> {
  switch (source.kind) {
    case 'file':
      return [{ file: source.path, agreement: await loadAgreementFile(source.path) }];
    case 'folder':
      return loadAgreementFolder(source.path);
  }
}

/**
 * Reads every agreement file in a folder (not its subfolders), in name order. Each file is validated on its own,
 * then the set: ids are unique and every `follows` names an agreement in the folder. All problems of all files
 * are reported at once, so that one start shows everything to fix; nothing is returned while any remains.
 */
export async function loadAgreementFolder(folder: string): Promise<LoadedAgreement[]> {
  let names: string[];
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    names = entries
      .filter((e) => e.isFile() && isAgreementFileName(e.name))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AgreementFolderError(folder, [`cannot read the folder: ${reason}`], { cause: error });
  }
  if (names.length === 0) {
    throw new AgreementFolderError(folder, ['no agreement files (*.yaml, *.yml or *.json) in the folder']);
  }

  const problems: string[] = [];
  const loaded: LoadedAgreement[] = [];
  for (const name of names) {
    const file = join(folder, name);
    try {
      loaded.push({ file, agreement: await loadAgreementFile(file) });
    } catch (error) {
      if (!(error instanceof AgreementFileError)) throw error;
      problems.push(...error.problems.map((p) => `${name}: ${p}`));
    }
  }
  // Like the checks across fields of one file, these run only once every file is valid on its own.
  if (problems.length === 0) problems.push(...problemsAcrossFiles(loaded));
  if (problems.length > 0) throw new AgreementFolderError(folder, problems);
  return loaded;
}

/**
 * Checks that span files: unique ids, and a succession that is a chain. Each `follows` names an agreement in the
 * folder, no agreement has two successors (which one would take over the channels?), and none follows itself
 * through others.
 */
function problemsAcrossFiles(loaded: readonly LoadedAgreement[]): string[] {
  const nameOf = (l: LoadedAgreement) => basename(l.file);
  const problems: string[] = [];
  const byId = new Map<string, LoadedAgreement>();
  for (const l of loaded) {
    const first = byId.get(l.agreement.id);
    if (first) problems.push(`${nameOf(l)}: id: duplicate id ${l.agreement.id}, also in ${nameOf(first)}`);
    else byId.set(l.agreement.id, l);
  }
  const successorOf = new Map<string, LoadedAgreement>();
  for (const l of loaded) {
    const follows = l.agreement.follows;
    if (follows === undefined) continue;
    if (!byId.has(follows)) {
      problems.push(`${nameOf(l)}: follows: no agreement with id ${follows} in the folder`);
      continue;
    }
    const other = successorOf.get(follows);
    if (other) {
      problems.push(
        `${nameOf(l)}: follows: ${follows} is already followed by ${other.agreement.id} (${nameOf(other)})`,
      );
    } else successorOf.set(follows, l);
  }
  for (const l of loaded) {
    if (followsItself(l.agreement, byId)) {
      problems.push(
        `${nameOf(l)}: follows: ${l.agreement.id} follows itself through ${l.agreement.follows ?? ''}`,
      );
    }
  }
  return problems;
}

function followsItself(agreement: Agreement, byId: ReadonlyMap<string, LoadedAgreement>): boolean {
  const seen = new Set<string>([agreement.id]);
  let next = agreement.follows;
  while (next !== undefined) {
    if (seen.has(next)) return next === agreement.id;
    seen.add(next);
    next = byId.get(next)?.agreement.follows;
  }
  return false;
}
