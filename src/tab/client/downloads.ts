import type { ClientTexts } from '../tabTexts.js';
import { signedFetch, type Authorize } from './signedFetch.js';

/**
 * A download link (`a[data-download]`) needs the person's token, which a plain link cannot send: the file is
 * fetched with it and saved under the name the server gives. A refusal is shown beside the link.
 */
export async function download(
  link: HTMLAnchorElement,
  authorize: Authorize,
  texts: ClientTexts,
): Promise<void> {
  const message = messageBeside(link);
  message.replaceChildren();
  try {
    const response = await signedFetch(link.href, authorize);
    if (!response.ok) {
      message.innerHTML = await response.text();
      return;
    }
    const name = fileNameOf(response.headers.get('content-disposition')) ?? fallbackName(link);
    save(await response.blob(), name);
  } catch {
    message.textContent = texts.downloadFailed;
  }
}

/** The name in `attachment; filename*=UTF-8''…` (RFC 6266), or in a plain `filename="…"`. */
export function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded.trim());
    } catch {
      // Not percent-encoding after all: try the plain form.
    }
  }
  return /filename\s*=\s*"([^"]+)"/i.exec(disposition)?.[1];
}

function fallbackName(link: HTMLAnchorElement): string {
  return new URL(link.href).pathname.split('/').pop() ?? 'download';
}

function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The browser has started the download; the blob may go once it has read it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function messageBeside(link: HTMLAnchorElement): HTMLElement {
  const next = link.nextElementSibling;
  if (next instanceof HTMLElement && next.classList.contains('download-message')) return next;
  const message = document.createElement('div');
  message.className = 'download-message';
  message.setAttribute('role', 'status');
  link.after(message);
  return message;
}
