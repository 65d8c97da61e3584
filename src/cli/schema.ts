/** `dpacct schema`: the JSON Schema of the spec, generated from the zod schema. */
import type { Command } from 'commander';
import { COMMANDS } from './commands.js';
import { stringify } from '../output/json.js';
import { specJsonSchema } from '../spec/schema.js';
import type { CommandContext } from './context.js';

export function registerSchema(program: Command, ctx: CommandContext): void {
  program
    .command('schema')
    .summary(COMMANDS['schema'].summary)
    .description('Prints the JSON Schema (draft 2020-12) of the spec read by `run` and `check`, generated from the validator itself.')
    .option('--quiet', 'accepted for symmetry with the other commands (schema prints no progress)')
    .addHelpText('after', '\nExample:\n  dpacct schema > dpacct.schema.json   # then "$schema": "./dpacct.schema.json" in a spec')
    .action(() => {
      ctx.finish({ stdout: stringify(specJsonSchema()), exitCode: 0 });
    });
}
