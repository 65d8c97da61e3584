/**
 * The registry: every accountant under its name, loaded on first use (a plan that needs only the RDP
 * accountant never loads the PLD engine or the Monte Carlo workers). Adding an accountant is one line here.
 *
 * Order matters twice: dispatch tries the accountant the plan names (pld or rdp) first and then the others
 * in this order; `compare` shows its rows in this order.
 */
import { AccountingError, InputError } from '../src/errors.js';
import type { AccountingPlan } from '../src/plan.js';
import type { Accountant } from './contract.js';

export type { Accountant, AccountOptions } from './contract.js';

const LOADERS: ReadonlyMap<string, () => Promise<Accountant>> = new Map([
  ['deterministic', () => import('./deterministic.js').then((m) => m.deterministicAccountant)],
  ['shuffle', () => import('./shuffle.js').then((m) => m.shuffleAccountant)],
  ['persistent-shuffle', () => import('./shuffle.js').then((m) => m.persistentShuffleAccountant)],
  ['pld', () => import('./pld.js').then((m) => m.pldPlanAccountant)],
  ['rdp', () => import('./rdp.js').then((m) => m.rdpPlanAccountant)],
  ['balls-and-bins', () => import('./ballsAndBinsPld.js').then((m) => m.ballsAndBinsPldAccountant)],
]);

/** Accountants tried before the named one: they answer in closed form (exact) and support only plans they settle. */
const EXACT_FIRST: readonly string[] = ['deterministic'];

/** The names of all registered accountants, in registry order. */
export const ACCOUNTANT_NAMES: readonly string[] = Object.freeze([...LOADERS.keys()]);

/** The accountant registered as `name` (loads its module). */
export async function loadAccountant(name: string): Promise<Accountant> {
  const load = LOADERS.get(name);
  if (load === undefined) throw new InputError('accountant', `one of ${ACCOUNTANT_NAMES.join(', ')}`, name);
  return load();
}

/** Every registered accountant, in registry order (loads them all: for `compare` and reports). */
export async function allAccountants(): Promise<Accountant[]> {
  // one after the other: jest's ESM loader fails when two dynamic imports link a shared module at once
  const all: Accountant[] = [];
  for (const name of ACCOUNTANT_NAMES) all.push(await loadAccountant(name));
  return all;
}

/**
 * The accountant for a plan: the one the plan names (`accountant.name`) if it supports the plan, else the
 * first in registry order that does. When none does, the error says why for each; when only the named
 * accountant stands in the way (e.g. rdp asked for a shuffled stage that only the pld family analyses),
 * it is an input error on `accountant.name`.
 */
export async function accountantFor(plan: AccountingPlan): Promise<Accountant> {
  const named = plan.accountant.name;
  // the closed form first: where the deterministic accountant applies (plans naming pld), pld would use the
  // same analytic Gaussian, and the result should name the accountant that answered exactly
  const order = [...new Set([...EXACT_FIRST, named, ...ACCOUNTANT_NAMES])];
  const why = new Map<string, string>();
  for (const name of order) {
    const accountant = await loadAccountant(name);
    const answer = accountant.supports(plan);
    if (answer === true) return accountant;
    why.set(name, answer);
  }
  // errors give the named accountant's reason first (that a closed form does not apply says little)
  const reasons = [named, ...ACCOUNTANT_NAMES.filter((n) => n !== named)].map((n) => why.get(n)!);
  for (const other of ['pld', 'rdp'] as const) {
    if (other === named) continue;
    const renamed: AccountingPlan = { ...plan, accountant: { ...plan.accountant, name: other } };
    for (const name of ACCOUNTANT_NAMES) {
      const accountant = await loadAccountant(name);
      if (accountant.name !== named && accountant.supports(renamed) === true)
        throw new InputError('accountant.name', `${other} for this plan (${named} has no analysis of it: ${reasons[0]})`, named);
    }
  }
  throw new AccountingError(reasons[0]);
}
