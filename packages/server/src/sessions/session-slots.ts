/**
 * The per-client cap on live conversations, in one place: `POST /api/sessions` asks whether a
 * client has room before issuing a ticket (a friendly 429 early), and the relay takes a slot when
 * the browser connects (the check that counts). Slots live in the shared state, so the cap holds
 * across instances; each is leased and renewed while its conversation runs, so the slots of a
 * crashed instance free themselves.
 */
import { randomUUID } from 'node:crypto';
import type { SharedState } from '../coordination/shared-state.js';

/** Gives a taken slot back (idempotent). */
export type ReleaseSlot = () => void;

const leaseMs = 60_000;

/** Live-conversation slots per client address. */
export class SessionSlots {
  /**
   * The slots this instance holds, one entry per holder: a resume takes over its conversation's
   * slot while the stale session still holds it, so two holders may share a slot id for a while.
   */
  private readonly held = new Map<symbol, { clientId: string; slotId: string }>();
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
   * needing another); default: a new one. Each taker releases only its own hold: the slot is
   * given back when the last holder of it here releases, so a superseded session ending after
   * its resume took over does not free the resumed one's slot.
   */
  async acquire(clientId: string, slotId: string = randomUUID()): Promise<ReleaseSlot | null> {
    if (!(await this.shared.acquireSlot(clientId, slotId, this.max, leaseMs))) return null;
    const holder = Symbol(slotId);
    this.held.set(holder, { clientId, slotId });
    this.scheduleRenewal();
    return () => {
      if (!this.held.delete(holder)) return;
      if (this.held.size === 0) this.stopRenewal();
      if (this.holds(slotId)) return;
      this.shared.releaseSlot(clientId, slotId).catch(this.onError);
    };
  }

  /** True while a holder here still has `slotId`. */
  private holds(slotId: string): boolean {
    for (const slot of this.held.values()) if (slot.slotId === slotId) return true;
    return false;
  }

  /** Stops renewing (the server is closing; its sessions release their slots as they end). */
  close(): void {
    this.stopRenewal();
  }

  private scheduleRenewal(): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => {
      const slots = new Map([...this.held.values()].map((slot) => [slot.slotId, slot]));
      this.shared.renewSlots([...slots.values()], leaseMs).catch(this.onError);
    }, leaseMs / 3);
    this.renewTimer.unref();
  }

  private stopRenewal(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }
}
