import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Agreement } from '../../src/domain/agreement.js';

const agreementsFolder = fileURLToPath(new URL('../../agreements/', import.meta.url));

/** An agreement file of agreements/, read as the bot reads it. */
export async function shippedAgreement(file: string): Promise<Agreement> {
  return loadAgreementFile(path.join(agreementsFolder, file));
}

/** The agreement the bot runs with in these tests (src/config/env.ts's default), read as the bot reads it. */
export async function exampleAgreement(): Promise<Agreement> {
  return shippedAgreement('example.yaml');
}

export async function exampleMeasure(id: string) {
  const measure = (await exampleAgreement()).measures.find((m) => m.id === id);
  if (!measure) throw new Error(`agreements/example.yaml has no measure ${id}`);
  return measure;
}

/**
 * Copies agreement files of agreements/ into `folder`, each with its example history (`<name>.history.yaml`) when it
 * has one, so that a bot given the folder as AGREEMENTS_DIR starts as `npm start` would with those files.
 */
export function copyAgreements(files: readonly string[], folder: string): void {
  for (const file of files) {
    copyFileSync(path.join(agreementsFolder, file), path.join(folder, file));
    const history = `${path.basename(file, path.extname(file))}.history.yaml`;
    if (existsSync(path.join(agreementsFolder, history))) {
      copyFileSync(path.join(agreementsFolder, history), path.join(folder, history));
    }
  }
}
