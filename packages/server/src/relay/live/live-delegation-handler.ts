/**
 * The delegation handler an embedding app may register (`createParleyServer({
 * liveDelegationHandler })`) to answer GPT-Live client delegations itself instead of Parley's own
 * Responses backend. Types only: the server loads the relay lazily.
 */

/** One line of the conversation so far, labelled with who said it. */
export interface LiveTranscriptLine {
  role: 'user' | 'assistant';
  text: string;
}

/** What a handler is given for one client delegation. */
export interface LiveDelegationRequest {
  /**
   * The delegation id GPT-Live raised (claimed once, across instances), or null for text the
   * visitor typed (client delegation has no user-message channel: the backend answers it).
   */
  delegationId: string | null;
  /** Where on the session timeline it was raised, when the upstream said. */
  offsetMs: number | null;
  conversationId: string;
  agent: { id: string; name: string; version: number };
  /** The conversation so far, oldest first (the newest user words are the request). */
  transcript: LiveTranscriptLine[];
  /** Silent progress for the voice (`session.thinking.append`, truncated to the size limit). */
  progress(text: string): void;
  /**
   * Runs one of the agent's tools — a server tool here, a browser tool in the visitor's browser —
   * arguments validated, the call stored and shown in the visitor's tool card like any other;
   * resolves with the output given to a model (an error is an output too, never a throw).
   */
  runTool(name: string, args: unknown): Promise<string>;
  /** Aborted when the delegation goes stale (superseded, past its deadline, or the call ended). */
  signal: AbortSignal;
}

/**
 * Answers a client delegation: the text to speak (sent as `session.commentary.append`, the voice
 * paraphrases it), or `undefined` to let Parley's own Responses backend answer it. A throw is
 * answered with an honest failure.
 */
export type LiveDelegationHandler = (request: LiveDelegationRequest) => Promise<string | undefined>;
