// The machine state a voice session starts from, read from its options.
import { initialState, type MachineConfig, type MachineState } from '../machine/state.js';
import type { Tool } from '../protocol/index.js';
import type { VoiceSessionOptions } from './types.js';

/** The machine configuration the options set; what they leave out keeps the machine's default. */
function machineConfig(options: VoiceSessionOptions): Partial<MachineConfig> {
  const { reconnect } = options;
  return {
    ...(options.maxItems === undefined ? {} : { maxItems: options.maxItems }),
    ...(options.metricsHistory === undefined ? {} : { metricsHistory: options.metricsHistory }),
    ...(reconnect?.maxAttempts === undefined
      ? {}
      : { reconnectMaxAttempts: reconnect.maxAttempts }),
    ...(reconnect?.baseDelayMs === undefined
      ? {}
      : { reconnectBaseDelayMs: reconnect.baseDelayMs }),
    ...(reconnect?.maxDelayMs === undefined ? {} : { reconnectMaxDelayMs: reconnect.maxDelayMs }),
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
    ...(options.rolloverMarginMs === undefined
      ? {}
      : { rolloverMarginMs: options.rolloverMarginMs }),
    ...(options.prices === undefined ? {} : { prices: options.prices }),
    ...(options.unhandledToolCalls === undefined
      ? {}
      : { unhandledToolCalls: options.unhandledToolCalls }),
  };
}

/** The state of a session created with `options` and the client tools `tools`. */
export function initialSessionState(options: VoiceSessionOptions, tools: Tool[]): MachineState {
  return initialState({
    config: machineConfig(options),
    ...(options.session === undefined ? {} : { session: options.session }),
    ...(options.liveSession === undefined ? {} : { liveSession: options.liveSession }),
    tools,
  });
}
