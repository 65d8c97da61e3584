/** `dpacct compare`: placeholder until accountants/samplers.ts lands (issue 4). */
import type { Command } from 'commander';
import { AccountingError } from '../errors.js';
import type { CommandContext } from './context.js';

export function registerCompare(program: Command, _ctx: CommandContext): void {
  program
    .command('compare')
    .summary('every batch sampler side by side (issue 4)')
    .allowUnknownOption(false)
    .action(() => {
      throw new AccountingError('compare is not available in this build yet');
    });
}
