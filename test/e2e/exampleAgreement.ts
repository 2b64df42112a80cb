import { fileURLToPath } from 'node:url';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Agreement } from '../../src/domain/agreement.js';

/** The agreement the bot runs with in these tests (src/config/env.ts's default), read as the bot reads it. */
export async function exampleAgreement(): Promise<Agreement> {
  return loadAgreementFile(fileURLToPath(new URL('../../agreements/example.yaml', import.meta.url)));
}

export async function exampleMeasure(id: string) {
  const measure = (await exampleAgreement()).measures.find((m) => m.id === id);
  if (!measure) throw new Error(`agreements/example.yaml has no measure ${id}`);
  return measure;
}
