/**
 * Colour for terminal output. Colour is on only when stdout is a terminal, NO_COLOR is unset (or
 * empty, per no-color.org) and the output is not JSON.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export interface Style {
  readonly chalk: ChalkInstance;
  readonly colour: boolean;
}

export function colourWanted(o: { isTTY: boolean; env: Readonly<Record<string, string | undefined>>; json?: boolean }): boolean {
  if (o.json) return false;
  if (o.env.NO_COLOR !== undefined && o.env.NO_COLOR !== '') return false;
  if (o.env.FORCE_COLOR !== undefined && o.env.FORCE_COLOR !== '0' && o.env.FORCE_COLOR !== '') return true;
  return o.isTTY;
}

export function makeStyle(colour: boolean): Style {
  return { chalk: new Chalk({ level: colour ? 1 : 0 }), colour };
}
