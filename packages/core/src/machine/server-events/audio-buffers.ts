// Server events of the audio buffer family: the server's voice activity detection on the input
// buffer, and (WebRTC) the output buffer the server plays itself.
import { bargeIn } from '../barge-in.js';
import { mediaPlaybackStarted, mediaPlaybackStopped } from '../media-playback.js';
import { markPlayed, setResponse } from '../responses.js';
import { touch } from '../sequencing.js';
import type { ServerEventHandlers, StampedTransition } from '../transition.js';

export const audioBufferEventHandlers: ServerEventHandlers = {
  'input_audio_buffer.speech_started': (t) => {
    t.state.userSpeaking = true;
    t.state.awaitingResponse = false;
    touch(t);
    if (t.state.vad.interruptResponse) bargeIn(t, false);
  },
  'input_audio_buffer.speech_stopped': (t) => {
    t.state.userSpeaking = false;
    t.state.turnStart = t.at;
    t.state.awaitingResponse = t.state.vad.enabled && t.state.vad.createResponse;
    touch(t);
  },
  'input_audio_buffer.timeout_triggered': (t) => {
    t.state.turnStart = t.at;
    t.state.awaitingResponse = true;
  },
  'output_audio_buffer.started': (t, event) => {
    // WebRTC: the server plays the audio; this is the agent becoming audible.
    const responseId = event.response_id ?? t.state.activeResponseId;
    if (responseId !== null && t.state.responses.has(responseId)) {
      if (t.state.mediaAudio) mediaPlaybackStarted(t, responseId);
      else t.state.playback = { itemId: null, responseId };
      const response = t.state.responses.get(responseId);
      if (response && !response.hasOutput) setResponse(t, { ...response, hasOutput: true });
      markPlayed(t, responseId);
    }
  },
  'output_audio_buffer.stopped': (t, event) => {
    if (t.state.mediaAudio) mediaPlaybackStopped(t);
    stopPlayback(t, event.response_id);
  },
  'output_audio_buffer.cleared': (t, event) => stopPlayback(t, event.response_id),
};

function stopPlayback(t: StampedTransition, responseId: string | undefined): void {
  if (
    t.state.playback !== null &&
    (responseId === undefined || t.state.playback.responseId === responseId)
  ) {
    t.state.playback = null;
  }
}
