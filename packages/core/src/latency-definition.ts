/**
 * What Parley calls latency, in words for people. Apps show it beside every latency figure so the
 * demo and the admin say the same thing: the browser's `TurnMetrics.timeToFirstAudioMs`
 * and the relay's stored per-turn and per-response figures measure this same span (in the browser
 * and at the server, one network hop apart). What the visitor heard later, after the player's
 * pre-roll, is `timeToFirstPlayMs`.
 */
export const LATENCY_DEFINITION =
  "Latency: from the end of the visitor's turn (their speech stopped, or their message sent) to the arrival of the agent's first audio.";
