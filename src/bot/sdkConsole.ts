import { log } from '../log.js';

/**
 * botframework-connector writes to the console when it refuses a token: the signing keys it knows and a stack
 * trace, many lines per request, none of them JSON. The refusal is logged once by the endpoint
 * (`request.unauthorized`); what the SDK prints is dropped to one debug line here, so stderr stays one JSON line
 * per event.
 */
let quieted = false;

export function quietSdkConsole(): void {
  if (quieted) return;
  quieted = true;
  for (const method of ['error', 'warn', 'log'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      if (!calledFromSdk()) {
        original(...args);
        return;
      }
      log.debug('sdk.console', { method });
    };
  }
}

function calledFromSdk(): boolean {
  const stack = new Error().stack ?? '';
  return /node_modules[\\/](botframework-[a-z-]+|botbuilder[a-z-]*)[\\/]/.test(stack);
}
