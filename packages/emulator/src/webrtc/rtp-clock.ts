import { RTP_TICKS_PER_FRAME } from '../opus-codec.js';

/** RTP ticks (48 kHz, Opus's clock) per millisecond. */
const TICKS_PER_MS = 48;

/** The header fields of one outgoing packet. */
export interface RtpStamp {
  sequenceNumber: number;
  timestamp: number;
}

/**
 * The sequence numbers and timestamps of a call's outgoing audio. A call sends no packets while
 * it has nothing to play (between answers; the Realtime call's buffer stops its clock), and RTP
 * timestamps must still follow the sender's clock (RFC 3550 §5.1: consecutive packets after a
 * silence are not consecutive in timestamp): the first packet after a gap (`marker`, the start of
 * a talkspurt) carries the timestamp a continuous stream would have reached by now. Were it only
 * one frame past the last packet, the receiver's jitter buffer would judge it as late as the gap
 * was long (a browser's NetEq dates arrivals against timestamps over its last 2 s) and raise its
 * target delay to match: Chromium held the emulator's Realtime answers for about a second before
 * playing them once a few replies had been followed by pauses. Frames dropped inside a talkspurt
 * move the clock with {@link skip}.
 *
 * "By now" is measured from the call's first packet, not from the packet before the gap: a frame
 * that went out a few milliseconds late (a timer firing late) must not push every later timestamp
 * ahead of the sender's time. Measured from the last packet, each talkspurt added its first
 * frame's lateness and nothing took it back; GPT-Live, whose answers have a talkspurt at every
 * pause between words, ran its timestamps ahead of real time until the receiver held each answer
 * 20 to 50 ms longer by the end of a short call.
 */
export class RtpClock {
  private sequenceNumber: number;
  private timestamp: number;
  /** When the first packet was stamped, and its timestamp (null before it). */
  private origin: { at: number; timestamp: number } | null = null;

  constructor(
    private readonly now: () => number,
    initial: RtpStamp,
  ) {
    this.sequenceNumber = initial.sequenceNumber & 0xffff;
    this.timestamp = initial.timestamp >>> 0;
  }

  /** The next packet's fields (one 20 ms frame); `marker` on the first packet after a gap. */
  next(marker: boolean): RtpStamp {
    const now = this.now();
    if (!this.origin) this.origin = { at: now, timestamp: this.timestamp };
    else if (marker) {
      const due = (this.origin.timestamp + Math.round((now - this.origin.at) * TICKS_PER_MS)) >>> 0;
      // Only past a frame of lateness: a gap the sender timed frame by frame (GPT-Live's silent
      // frames, skipped) is already on the clock, and a timer's few milliseconds are jitter, not
      // time. Never backwards (a signed 32-bit difference, so it holds across the wrap).
      if (((due - this.timestamp) | 0) > RTP_TICKS_PER_FRAME) this.timestamp = due;
    }
    const stamp = { sequenceNumber: this.sequenceNumber, timestamp: this.timestamp };
    this.sequenceNumber = (this.sequenceNumber + 1) & 0xffff;
    this.timestamp = (this.timestamp + RTP_TICKS_PER_FRAME) >>> 0;
    return stamp;
  }

  /** Moves the clock over frames not sent (silence left out, frames dropped after a stall). */
  skip(frames: number): void {
    this.timestamp = (this.timestamp + frames * RTP_TICKS_PER_FRAME) >>> 0;
  }
}
