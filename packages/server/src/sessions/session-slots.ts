/**
 * The per-client cap on live conversations, in one place: `POST /api/sessions` asks whether a
 * client has room before issuing a ticket (a friendly 429 early), and the relay takes a slot when
 * the browser connects (the check that counts). Slots live in the shared state, so the cap holds
 * across instances; each is leased and renewed while its conversation runs, so the slots of a
 * crashed instance free themselves.
 */
import { randomUUID } from 'node:crypto';
import type { SharedState, SlotHold } from '../coordination/shared-state.js';

/** Gives a taken slot back (idempotent). */
export type ReleaseSlot = () => void;

const leaseMs = 60_000;

/** Live-conversation slots per client address. */
export class SessionSlots {
  /** The holds this instance has, by holder. */
  private readonly held = new Map<string, SlotHold>();
  /** Releases on their way to the shared state. */
  private readonly releasing = new Set<Promise<void>>();
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly shared: SharedState,
    /** Concurrent conversations a client may hold. */
    readonly max: number,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** The message a refused client is given. */
  get refusal(): string {
    return `at most ${this.max} conversations at once per client`;
  }

  /** True while `clientId` may start another conversation. */
  async hasRoom(clientId: string): Promise<boolean> {
    return (await this.shared.slotsOf(clientId)) < this.max;
  }

  /**
   * Takes a slot for `clientId`; null when the client is at the cap. `slotId` names the slot
   * (the relay uses the conversation's id, so a resume takes over its own slot instead of
   * needing another); default: a new one. Each taker releases only its own hold: a superseded
   * session ending after its resume took the slot over, here or on another instance, does not
   * free the resumed one's slot.
   */
  async acquire(clientId: string, slotId: string = randomUUID()): Promise<ReleaseSlot | null> {
    const hold = { clientId, slotId, holder: randomUUID() };
    if (!(await this.shared.acquireSlot(hold, this.max, leaseMs))) return null;
    this.held.set(hold.holder, hold);
    this.scheduleRenewal();
    return () => {
      if (!this.held.delete(hold.holder)) return;
      if (this.held.size === 0) this.stopRenewal();
      const released: Promise<void> = this.shared
        .releaseSlot(hold)
        .catch(this.onError)
        .finally(() => this.releasing.delete(released));
      this.releasing.add(released);
    };
  }

  /**
   * Resolves once every release asked for so far reached the shared state (or failed): another
   * instance told a takeover is done may count the client's slots at once.
   */
  async released(): Promise<void> {
    await Promise.all([...this.releasing]);
  }

  /** Stops renewing (the server is closing; its sessions release their slots as they end). */
  close(): void {
    this.stopRenewal();
  }

  private scheduleRenewal(): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => {
      this.shared.renewSlots([...this.held.values()], leaseMs).catch(this.onError);
    }, leaseMs / 3);
    this.renewTimer.unref();
  }

  private stopRenewal(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }
}
