import type { z } from 'zod';
import { betaClientEventToGa } from './beta-events.js';
import { betaClientEventSchemas } from './beta-schemas.js';
import { betaToGaClientEventType, type DroppedField } from './beta-tables.js';
import { clientEventSchemas, type ClientEvent } from './client-events.js';
import {
  decodeRealtime,
  internalFailure,
  invalidEvent,
  parsed,
  parsedWithAll,
  unknownEvent,
  type ParseOptions,
  type ParseResult,
} from './frame.js';
import { ownValue, type Json } from './json.js';
import { withWarnings } from './lenient.js';
import { zodIssues } from './zod-issues.js';

// Client events checked against the full zod schemas: what relays and emulators use to judge
// what a browser sends (`@parley/core/schemas`). The schemas accept every shape the official
// types allow; the browser itself never parses client events, so none of this is in its bundle.

/**
 * Parses one client → server frame into a normalized GA client event (used by relays and
 * emulators to check what a browser sends). Same contract as {@link parseServerEvent}; a beta
 * flat `session.update` is translated to GA with dropped fields in `warnings`.
 */
export function parseClientEvent(raw: unknown, options?: ParseOptions): ParseResult<ClientEvent> {
  try {
    const frame = decodeRealtime(raw, options, betaToGaClientEventType);
    if (!frame.ok) return frame.result;
    const { object, type, needsAdapter } = frame;
    const validate = options?.validate ?? true;
    const gaSchema = ownValue<z.ZodType>(clientEventSchemas, frame.gaType);
    // Beta payload schemas apply to the beta dialect only; in GA, beta *names* are still accepted
    // but the payload must be GA.
    const betaSchema =
      options?.dialect === 'beta' ? ownValue<z.ZodType>(betaClientEventSchemas, type) : undefined;
    if (gaSchema === undefined && betaSchema === undefined) {
      return unknownEvent(type, object, frame.warnings);
    }
    if (!validate && !needsAdapter) return parsed(object as ClientEvent, frame.warnings);
    type Outcome =
      | { error: z.ZodError; event?: undefined }
      | { error?: undefined; event: { event: Json; dropped: DroppedField[] } };
    const { value, warnings } = withWarnings((): Outcome => {
      let event = object;
      if (betaSchema !== undefined) {
        // Validate the beta shape first, so the issues point at what the sender actually wrote.
        if (validate) {
          const checked = betaSchema.safeParse(event);
          if (!checked.success) return { error: checked.error };
          event = checked.data as Json;
        }
        return { event: betaClientEventToGa(event) };
      }
      const adapted = needsAdapter ? betaClientEventToGa(event) : { event, dropped: [] };
      if (validate && gaSchema !== undefined) {
        const checked = gaSchema.safeParse(adapted.event);
        if (!checked.success) return { error: checked.error };
        return { event: { event: checked.data as Json, dropped: adapted.dropped } };
      }
      return { event: adapted };
    });
    if (value.error !== undefined) {
      return invalidEvent('client event', type, raw, zodIssues(value.error), value.error);
    }
    return parsedWithAll(
      value.event.event as ClientEvent,
      frame.warnings,
      warnings,
      value.event.dropped,
    );
  } catch (cause) {
    return internalFailure('client event', raw, cause);
  }
}
