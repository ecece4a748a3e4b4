/**
 * When the model calls tools, the conversation goes on with one `response.create` once every
 * call of that response has its output. Server tools answer on their own schedule; with browser
 * tools the browser sends its outputs and then asks for the response itself, and that request is
 * held until the server's outputs are in too. This class is that bookkeeping and nothing else:
 * each step says whether the one `response.create` is due now.
 */

interface PendingResponse {
  responseId: string;
  /** Server tool calls still running. */
  server: Set<string>;
  /** Browser tool calls whose output has not come yet. */
  client: Set<string>;
  /** Whether any call went to the browser (then the browser asks for the response). */
  hadClient: boolean;
  /** Whether the response that made the calls is done (no more calls will come). */
  done: boolean;
  /** Whether the browser asked for the follow-up response (held until all outputs are in). */
  browserAsked: boolean;
}

/** The pending follow-up of the latest response that called tools. */
export class ToolFollowUp {
  private pending: PendingResponse | null = null;

  /** True while a response's tool calls still wait for outputs or for the follow-up. */
  get waiting(): boolean {
    return this.pending !== null;
  }

  /** A server tool call of `responseId` started. */
  serverCall(responseId: string, callId: string): void {
    this.of(responseId).server.add(callId);
  }

  /** A call of `responseId` went to the browser. */
  clientCall(responseId: string, callId: string): void {
    const pending = this.of(responseId);
    pending.client.add(callId);
    pending.hadClient = true;
  }

  /** A server tool call's output was sent upstream; true when the follow-up is due now. */
  serverOutput(callId: string): boolean {
    this.pending?.server.delete(callId);
    return this.take();
  }

  /**
   * The browser sent a tool call's output; true when the follow-up is due now (the browser
   * already asked for it).
   */
  clientOutput(callId: string): boolean {
    this.pending?.client.delete(callId);
    return this.take();
  }

  /** `responseId` is done; true when the follow-up is due now. */
  responseDone(responseId: string): boolean {
    if (this.pending?.responseId !== responseId) return false;
    this.pending.done = true;
    return this.take();
  }

  /**
   * The browser asked for a response. Returns null when no follow-up is pending (forward the
   * request as it is); otherwise the request is absorbed, and the result says whether the
   * follow-up is due now.
   */
  browserAsked(): boolean | null {
    if (!this.pending) return null;
    this.pending.browserAsked = true;
    return this.take();
  }

  /** True (and forgets the response) when every output is in and nobody else must ask first. */
  private take(): boolean {
    const pending = this.pending;
    if (!pending || !pending.done || pending.server.size > 0 || pending.client.size > 0)
      return false;
    // With browser tools the browser asks for the response itself (after its outputs); wait.
    if (pending.hadClient && !pending.browserAsked) return false;
    this.pending = null;
    return true;
  }

  private of(responseId: string): PendingResponse {
    if (this.pending?.responseId !== responseId) {
      this.pending = {
        responseId,
        server: new Set(),
        client: new Set(),
        hadClient: false,
        done: false,
        browserAsked: false,
      };
    }
    return this.pending;
  }
}
