import { buildClientItem } from './client-items.js';
import type { ConnectionContext, Json } from './connection-context.js';
import type { StoredItem } from './conversation.js';
import { EmulatorProtocolError } from './errors.js';
import { itemContext } from './item-events.js';
import { parseResponseOverrides } from './response-overrides.js';

/**
 * `response.create`: one response at a time in the default conversation; out-of-band ones
 * (`conversation: "none"`) may run beside it.
 */
export function onResponseCreate(context: ConnectionContext, event: Json): void {
  if (context.session.type !== 'realtime') {
    throw new EmulatorProtocolError(
      'invalid_value',
      'Responses are not available in transcription sessions.',
      'type',
    );
  }
  const overrides = parseResponseOverrides(
    event.response,
    (entry, param) => resolveInput(context, entry, param),
    context.options.dialect,
  );
  const active = context.responses.active;
  if (overrides.conversation === 'auto' && active)
    throw context.responses.activeResponseError(active);
  context.responses.start(overrides);
}

/** One `response.input` entry: an `item_reference` to a conversation item, or an inline item. */
function resolveInput(context: ConnectionContext, entry: unknown, param: string): StoredItem {
  if (entry && typeof entry === 'object' && (entry as Json).type === 'item_reference') {
    const id = (entry as Json).id;
    const found = typeof id === 'string' ? context.conversation.get(id) : undefined;
    if (!found) {
      throw new EmulatorProtocolError(
        'invalid_value',
        `Invalid '${param}.id': item '${String(id)}' not found in the conversation.`,
        `${param}.id`,
      );
    }
    return found;
  }
  return buildClientItem(entry, param, itemContext(context, false));
}

/** `response.cancel`: the named response, or the active one. */
export function onResponseCancel(context: ConnectionContext, event: Json): void {
  const responseId = event.response_id;
  const target =
    typeof responseId === 'string' ? context.responses.find(responseId) : context.responses.active;
  if (!target)
    throw new EmulatorProtocolError(
      'response_cancel_not_active',
      'Cancellation failed: no active response found',
    );
  context.responses.cancel(target, 'client_cancelled');
}
