/**
 * Which version of an experiment a visitor gets. The choice is a pure function of the
 * experiment and the visitor's key (SHA-256 of both, read as a number in [0, 1), laid on the
 * cumulative weights), so it needs no storage, is the same on every instance and after a
 * restart, and keeps a visitor on one version for the experiment's whole life: sticky. Weights
 * are fixed when the experiment starts (changing them would move visitors between versions).
 */
import { createHash } from 'node:crypto';

/** One arm of an experiment: a version and its share of the traffic (any positive scale). */
export interface Arm {
  version: number;
  weight: number;
}

/** A uniform number in [0, 1) from the experiment id and the visitor key. */
export function assignmentPoint(experimentId: string, key: string): number {
  const digest = createHash('sha256').update(`experiment\0${experimentId}\0${key}`).digest();
  // 48 bits are plenty for a split and stay exact in a double.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The version `key` is assigned to; arms must be non-empty with positive weights. */
export function assignVersion(experimentId: string, key: string, arms: readonly Arm[]): number {
  const total = arms.reduce((sum, arm) => sum + arm.weight, 0);
  const point = assignmentPoint(experimentId, key) * total;
  let cumulative = 0;
  for (const arm of arms) {
    cumulative += arm.weight;
    if (point < cumulative) return arm.version;
  }
  return arms[arms.length - 1]!.version;
}
