import type { ConnectionContext, Json } from './connection-context.js';
import { betaParam, betaSessionPatchToGa, sessionToBeta } from './dialect.js';
import { EmulatorProtocolError } from './errors.js';
import { applySessionPatch, sessionToGa } from './session-config.js';
import { EnergyVad, semanticSilenceMs } from './vad.js';

/** The session object in the connection's dialect. */
export function sessionObject(context: ConnectionContext): Json {
  return context.options.dialect === 'beta'
    ? sessionToBeta(context.session)
    : sessionToGa(context.session);
}

/** `session.update`: validate and merge the patch, follow a new input format, answer `session.updated`. */
export function onSessionUpdate(context: ConnectionContext, event: Json): void {
  let patch: unknown = event.session;
  if (context.options.dialect === 'beta')
    patch = betaSessionPatchToGa(event.session, context.session);
  const previousFormat = context.session.audio.input.format;
  const result = applySessionPatch(context.session, patch, {
    hasAssistantAudio: context.hasAssistantAudio,
    dialect: context.options.dialect,
  });
  if (!result.ok) {
    if (context.options.dialect !== 'beta') throw result.error;
    // Validation ran on the translated GA patch: name the field the beta client sent.
    const { code, message, param, type } = result.error;
    const betaName = betaParam(param);
    throw new EmulatorProtocolError(
      code,
      param && betaName ? message.split(param).join(betaName) : message,
      betaName,
      type,
    );
  }
  context.session = result.session;
  if (JSON.stringify(previousFormat) !== JSON.stringify(context.session.audio.input.format)) {
    context.buffer.setFormat(context.session.audio.input.format);
    context.vad = null;
  }
  configureVad(context);
  context.emit({ type: 'session.updated', session: sessionObject(context) });
  // After `session.updated`, as the API lists a new MCP server's tools.
  context.mcp.sync(context.session.tools);
}

/** Creates, reconfigures or drops the VAD to match the session's turn detection. */
export function configureVad(context: ConnectionContext): void {
  const detection = context.session.audio.input.turn_detection;
  if (!detection) {
    context.vad = null;
    return;
  }
  const settings =
    detection.type === 'server_vad'
      ? {
          threshold: detection.threshold,
          prefixPaddingMs: detection.prefix_padding_ms,
          silenceDurationMs: detection.silence_duration_ms,
        }
      : {
          threshold: 0.5,
          prefixPaddingMs: 300,
          silenceDurationMs: semanticSilenceMs(detection.eagerness),
        };
  if (context.vad) context.vad.configure(settings);
  else context.vad = new EnergyVad(context.buffer.sampleRate, settings, context.buffer.endSample);
}
