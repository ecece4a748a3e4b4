import type { z } from 'zod';
import { betaClientEventToGa } from './beta-events.js';
import { betaClientEventSchemas } from './beta-schemas.js';
import { betaToGaClientEventType, type DroppedField } from './beta-tables.js';
import { clientEventSchemas, type ClientEvent } from './client-events.js';
import type { ProtocolIssue } from './errors.js';
import {
  carriesItem,
  decode,
  describe,
  droppedToWarnings,
  failure,
  type ParseOptions,
  type ParseResult,
  type UnknownEvent,
} from './frame.js';
import { ownValue, type Json } from './json.js';
import { withWarnings } from './lenient.js';

// Client events checked against the full zod schemas: what relays and emulators use to judge
// what a browser sends (`@parley/core/schemas`). The schemas accept every shape the official
// types allow; the browser itself never parses client events, so none of this is in its bundle.

function zodIssues(error: z.ZodError): ProtocolIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
    message: issue.message,
    code: issue.code,
  }));
}

/**
 * Parses one client → server frame into a normalized GA client event (used by relays and
 * emulators to check what a browser sends). Same contract as {@link parseServerEvent}; a beta
 * flat `session.update` is translated to GA with dropped fields in `warnings`.
 */
export function parseClientEvent(raw: unknown, options?: ParseOptions): ParseResult<ClientEvent> {
  try {
    const decoded = decode(raw, options);
    if (!decoded.ok) return decoded.result;
    const { object, type } = decoded;
    const dialect = options?.dialect ?? 'ga';
    const validate = options?.validate ?? true;
    const gaType = ownValue(betaToGaClientEventType, type) ?? type;
    const gaSchema = ownValue<z.ZodType>(clientEventSchemas, gaType);
    // Beta payload schemas apply to the beta dialect only; in GA, beta *names* are still accepted
    // but the payload must be GA.
    const betaSchema =
      dialect === 'beta' ? ownValue<z.ZodType>(betaClientEventSchemas, type) : undefined;
    if (gaSchema === undefined && betaSchema === undefined) {
      const unknown: UnknownEvent = { type, unknown: true, raw: object };
      return decoded.warnings
        ? { success: true, event: unknown, warnings: decoded.warnings }
        : { success: true, event: unknown };
    }
    const needsAdapter = dialect === 'beta' || gaType !== type || carriesItem.has(type);
    if (!validate && !needsAdapter) {
      return decoded.warnings
        ? { success: true, event: object as ClientEvent, warnings: decoded.warnings }
        : { success: true, event: object as ClientEvent };
    }
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
      const issues = zodIssues(value.error);
      return failure(`Invalid client event "${type}": ${describe(issues)}`, 'schema', raw, {
        eventType: type,
        issues,
        cause: value.error,
      });
    }
    const all = [
      ...(decoded.warnings ?? []),
      ...warnings,
      ...droppedToWarnings(value.event.dropped),
    ];
    const event = value.event.event as ClientEvent;
    return all.length > 0 ? { success: true, event, warnings: all } : { success: true, event };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return failure(`Could not parse the client event: ${message}`, 'internal', raw, { cause });
  }
}
