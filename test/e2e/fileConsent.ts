import assert from 'node:assert/strict';
import type { Conversation } from './conversation.js';
import type { FakeOneDrive } from './fakeOneDrive.js';
import type { Playground } from './playgroundPage.js';
import { answerTimeoutMs, waitUntil } from './waiting.js';

export const fileConsentType = 'application/vnd.microsoft.teams.card.file.consent';

/** What the playground shows instead of a file consent card (it cannot render one). */
export const consentPlaceholder = 'File Consent Card is not supported yet';

export interface ConsentCard {
  name: string;
  description: string;
  acceptContext: unknown;
}

/** The playground's stand-ins for file consent cards in the conversation. */
export function consentPlaceholders(conversation: Conversation) {
  return conversation.scope.getByText(consentPlaceholder, { exact: true });
}

/** Waits until the conversation shows more consent stand-ins than `before`. */
export async function waitForConsentPlaceholder(conversation: Conversation, before: number): Promise<void> {
  await waitUntil(
    async () => (await consentPlaceholders(conversation).count()) > before,
    async () => `no file consent card came in ${conversation.name}. ${await conversation.describe()}`,
    answerTimeoutMs,
  );
}

/**
 * The file consent card the bot sent with the message that starts with `text`, as the playground's log shows the
 * activity (the playground shows only a stand-in in the chat).
 */
export async function consentCardSentWith(playground: Playground, text: string): Promise<ConsentCard> {
  const activity = await playground.sentActivity(text);
  const attachments = (activity.attachments ?? []) as Array<Record<string, unknown>>;
  const consent = attachments.find((a) => a.contentType === fileConsentType);
  assert.ok(consent, `the message "${text}" carries no file consent card: ${JSON.stringify(activity)}`);
  const content = (consent.content ?? {}) as Record<string, unknown>;
  assert.equal(typeof consent.name, 'string');
  assert.equal(typeof content.description, 'string');
  return {
    name: String(consent.name),
    description: String(content.description),
    acceptContext: content.acceptContext,
  };
}

/**
 * Accepts a file consent card as Teams does when the person presses Allow: a `fileConsent/invoke` with the card's
 * acceptContext and an upload session (here the fake OneDrive's), sent through the playground's custom activity.
 */
export async function acceptFile(
  playground: Playground,
  consent: ConsentCard,
  drive: FakeOneDrive,
  fileType: string,
): Promise<void> {
  await playground.sendCustomActivity((template) => {
    const conversation = (template.conversation ?? {}) as Record<string, unknown>;
    const from = (template.from ?? {}) as Record<string, unknown>;
    return {
      ...template,
      type: 'invoke',
      name: 'fileConsent/invoke',
      locale: 'en-US',
      from: { ...from, name: 'Alex Wilber' },
      channelData: { tenant: { id: conversation.tenantId } },
      value: {
        type: 'fileUpload',
        action: 'accept',
        context: consent.acceptContext,
        uploadInfo: drive.uploadInfo(consent.name, fileType),
      },
    };
  });
}
