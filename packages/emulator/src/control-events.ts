import type { ConnectionContext, Json } from './connection-context.js';
import { EmulatorProtocolError } from './errors.js';

// Control messages are the emulator's own (documented in the README): tests script the user's
// words, the model's next reply and faults through the same socket the client uses.

const MAX_CONTROL_QUEUE = 100;

/** `emulator.transcript`: what the user "said" in the next committed turn. */
export function onControlTranscript(context: ConnectionContext, event: Json): void {
  if (typeof event.text !== 'string')
    throw new EmulatorProtocolError(
      'missing_required_parameter',
      "Missing required parameter: 'text'.",
      'text',
    );
  checkControlQueue(context.transcripts.length);
  context.transcripts.push(event.text);
}

/** Control queues are bounded: a test scripts a few turns ahead, not thousands. */
function checkControlQueue(length: number): void {
  if (length >= MAX_CONTROL_QUEUE) {
    throw new EmulatorProtocolError(
      'invalid_value',
      `At most ${MAX_CONTROL_QUEUE} scripted transcripts or replies can wait at once.`,
      'type',
    );
  }
}

/** `emulator.reply`: the next response says `text`, or calls `tool` with `arguments`. */
export function onControlReply(context: ConnectionContext, event: Json): void {
  checkControlQueue(context.scripted.length);
  if (typeof event.text === 'string') context.scripted.push({ text: event.text });
  else if (typeof event.tool === 'string')
    context.scripted.push({ tool: event.tool, arguments: event.arguments });
  else
    throw new EmulatorProtocolError(
      'missing_required_parameter',
      "Missing required parameter: 'text' or 'tool'.",
      'text',
    );
}

/** `emulator.fault`: an error event now, a delay on every event, a stall, or a close. */
export function onControlFault(context: ConnectionContext, event: Json): void {
  const error = event.error as Json | undefined;
  if (error) {
    context.sendError(
      new EmulatorProtocolError(
        typeof error.code === 'string' ? error.code : 'server_error',
        typeof error.message === 'string' ? error.message : 'Injected error.',
        typeof error.param === 'string' ? error.param : null,
        typeof error.type === 'string' ? error.type : 'server_error',
      ),
      null,
    );
  }
  if (typeof event.delay_ms === 'number') context.options.faults.delayMs = event.delay_ms;
  if (event.stall === true) context.stalled = true;
  const close = event.close as Json | undefined;
  if (close)
    context.shutdown(
      typeof close.code === 'number' ? close.code : 1011,
      typeof close.reason === 'string' ? close.reason : 'fault injected by the emulator',
    );
}
