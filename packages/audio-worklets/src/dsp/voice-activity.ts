/** Tuning of {@link EnergyVoiceActivity}. */
export interface VoiceActivityOptions {
  /** RMS below which input never counts as speech, whatever the noise floor (default 0.01 ≈ −40 dBFS). */
  minimumRms?: number;
  /** How far above the tracked noise floor speech must be, as a ratio of RMS (default 3 ≈ +9.5 dB). */
  ratioAboveNoise?: number;
  /** Speech must last this long before the hint turns on (default 60 ms), so clicks do not count. */
  attackMs?: number;
  /** The hint stays on this long after the level falls (default 300 ms), bridging pauses between words. */
  hangoverMs?: number;
}

/**
 * An energy-based "the user seems to be speaking" hint for the UI. It tracks the noise floor (fast
 * down, slow up) so a steady fan or hum does not read as speech. It never drives turn-taking: that
 * is the server's VAD.
 */
export class EnergyVoiceActivity {
  private readonly minimumRms: number;
  private readonly ratioAboveNoise: number;
  private readonly attackMs: number;
  private readonly hangoverMs: number;
  private noiseFloor = 0.003;
  private aboveForMs = 0;
  private belowForMs = 0;
  private active = false;

  constructor(options: VoiceActivityOptions = {}) {
    this.minimumRms = options.minimumRms ?? 0.01;
    this.ratioAboveNoise = options.ratioAboveNoise ?? 3;
    this.attackMs = options.attackMs ?? 60;
    this.hangoverMs = options.hangoverMs ?? 300;
  }

  /** Whether the hint is on after the last update. */
  get speaking(): boolean {
    return this.active;
  }

  /** Feeds the RMS of the last `durationMs` of input; returns the updated hint. */
  update(rms: number, durationMs: number): boolean {
    // The floor falls at once to quieter input and climbs slowly (about 5 s to follow a 10 dB rise),
    // so speech itself hardly raises it.
    if (rms < this.noiseFloor) this.noiseFloor = rms;
    else this.noiseFloor += (rms - this.noiseFloor) * Math.min(1, durationMs / 5000);
    this.noiseFloor = Math.max(this.noiseFloor, 1e-5);

    const loud = rms >= this.minimumRms && rms >= this.noiseFloor * this.ratioAboveNoise;
    if (loud) {
      this.aboveForMs += durationMs;
      this.belowForMs = 0;
      if (!this.active && this.aboveForMs >= this.attackMs) this.active = true;
    } else {
      this.belowForMs += durationMs;
      this.aboveForMs = 0;
      if (this.active && this.belowForMs >= this.hangoverMs) this.active = false;
    }
    return this.active;
  }

  /** Back to silence (e.g. after a device switch). */
  reset(): void {
    this.aboveForMs = 0;
    this.belowForMs = 0;
    this.active = false;
  }
}
