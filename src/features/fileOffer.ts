import type { Action } from '../domain/access.js';
import type { Locale } from '../domain/locale.js';
import type { Plan } from '../domain/plan.js';

/**
 * A file a feature offers a person (the reports as CSV, the written follow-up report, a person's data). Teams lets
 * a bot send files only through the file consent card in the person's personal chat; the card carries `source`
 * and `args` back when the person accepts, never the content, so the file is built again then from what is
 * stored at that moment.
 */
export interface OfferedFile {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
  /** For Teams' file card: `json`, `csv`, … */
  fileType: string;
  /** What the consent card says the file is. */
  description: string;
  /** The message that carries the consent card. */
  text: string;
  /** Runs just before the file leaves for the person's OneDrive (to audit it, say); if it throws, nothing is sent. */
  beforeUpload?: (by: { aadObjectId: string; name: string }) => Promise<void>;
}

/** What builds an offered file again when the person accepts it. */
export interface FileSource {
  /** Who may have the file; checked again on accept, since anyone can send an invoke. */
  action: Action;
  /** `by` is who accepted: a file whose content depends on their roles is built for them. */
  build(
    plan: Plan,
    args: Record<string, unknown>,
    locale: Locale,
    by: { aadObjectId: string; name: string },
  ): Promise<OfferedFile | { unavailable: string }>;
  texts(locale: Locale): FileSourceTexts;
}

export interface FileSourceTexts {
  /** The title of the notices about this file (declined, not allowed, failed). */
  title: string;
  notAllowed: string;
  declined: string;
  uploadFailed: string;
}

/** An offer: the file as it is now, and what builds it again (`source` names a registered `FileSource`). */
export interface FileOffer {
  source: string;
  args: Record<string, unknown>;
  file: OfferedFile;
}

/** Where a consent card went: where the person asked, their personal chat, or nowhere (they have none). */
export type ConsentDelivery = 'here' | 'personalChat' | 'noPersonalChat';
