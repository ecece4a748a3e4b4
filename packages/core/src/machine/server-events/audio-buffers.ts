// Realtime events of the audio buffer family: the server's voice activity detection on the input
// buffer, and (WebRTC) the output buffer the server plays itself.
import { bargeIn } from '../barge-in.js';
import { mediaPlaybackStarted, mediaPlaybackStopped } from '../media-playback.js';
import { markPlayed, setResponse } from '../responses.js';
import { touch } from '../sequencing.js';
import type { NeutralEventHandlers } from '../transition.js';

export const audioBufferEventHandlers: NeutralEventHandlers = {
  speech_started: (t) => {
    t.state.userSpeaking = true;
    t.state.awaitingResponse = false;
    touch(t);
    if (t.state.vad.interruptResponse) bargeIn(t, false);
  },
  speech_stopped: (t) => {
    t.state.userSpeaking = false;
    t.state.turnStart = t.at;
    t.state.awaitingResponse = t.state.vad.enabled && t.state.vad.createResponse;
    touch(t);
  },
  input_timeout: (t) => {
    t.state.turnStart = t.at;
    t.state.awaitingResponse = true;
  },
  output_playing: (t, event) => {
    // WebRTC: the server plays the audio; this is the agent becoming audible.
    const responseId = event.responseId ?? t.state.activeResponseId;
    if (responseId !== null && t.state.responses.has(responseId)) {
      if (t.state.mediaAudio) mediaPlaybackStarted(t, responseId);
      else t.state.playback = { itemId: null, responseId };
      const response = t.state.responses.get(responseId);
      if (response && !response.hasOutput) setResponse(t, { ...response, hasOutput: true });
      markPlayed(t, responseId);
    }
  },
  output_stopped: (t, { responseId, cleared }) => {
    if (t.state.mediaAudio && !cleared) mediaPlaybackStopped(t);
    if (
      t.state.playback !== null &&
      (responseId === null || t.state.playback.responseId === responseId)
    ) {
      t.state.playback = null;
    }
  },
};
