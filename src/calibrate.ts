/**
 * One-sided calibration of a monotone privacy figure given as a function: the root finder of
 * src/numeric/rootFinder.ts with the figure's direction named by the function.
 */
import { solveMonotone } from './numeric/rootFinder.js';

export interface CalibrationOptions {
  /** the figure as a function of the parameter */
  readonly figure: (x: number) => number;
  /** the figure must be <= target */
  readonly target: number;
  /** search range for the parameter (the search widens it geometrically when the answer lies outside) */
  readonly lo: number;
  readonly hi: number;
  /** stop when the bracket is this narrow relative to its ends (default 1e-4); integer searches are exact */
  readonly relTol?: number;
  readonly integer?: boolean;
  /** parameter name for messages, e.g. 'noise multiplier' */
  readonly name: string;
  /** hard limits of the parameter (the widening stops there) */
  readonly min?: number;
  readonly max?: number;
}

export interface Calibration {
  readonly value: number;
  readonly figure: number;
  readonly evaluations: number;
}

/**
 * Smallest x whose figure meets the target, for a figure that falls as x grows (e.g. epsilon in the noise
 * multiplier).
 */
export function calibrateDecreasing(o: CalibrationOptions): Calibration {
  return solveMonotone({ ...o, direction: 'decreasing' }, o.figure);
}

/**
 * Largest x whose figure meets the target, for a figure that grows with x (e.g. epsilon in the number of
 * steps or the sampling rate).
 */
export function calibrateIncreasing(o: CalibrationOptions): Calibration {
  return solveMonotone({ ...o, direction: 'increasing' }, o.figure);
}
