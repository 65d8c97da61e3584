/**
 * The dpacct command line as a function: argv in, { stdout, stderr, exitCode } out. Nothing here
 * touches `process`; src/cli/main.ts does.
 *
 * Exit codes: 0 ok; 1 over budget (`check`); 2 invalid input (bad or missing flag, invalid spec);
 * 3 the figure cannot be certified as asked (AccountingError); 70 internal error (a bug: the message is
 * one line, the stack only with DPACCT_DEBUG=1).
 */
import { Command, CommanderError } from 'commander';
import { AccountingError, InputError, InputErrors } from '../errors.js';
import { VERSION } from '../version.js';
import { makeContext, type Outcome } from './context.js';
import { EXIT, type CliIo, type CliResult } from './io.js';
import { COMMANDS } from './commands.js';
import { withFlagNames } from './fields.js';

const EPILOG = `
Every figure is labelled: upper (certified, the true value is not larger), lower (certified, not
smaller), exact (closed form) or estimate (Monte Carlo, with its confidence).

Exit status: 0 ok, 1 over budget (check), 2 invalid input, 3 cannot certify, 70 internal error.
Environment: NO_COLOR disables colour; DPACCT_DEBUG=1 prints stacks of internal errors.

Examples:
  dpacct epsilon --sigma 1.1 --batch-size 256 --dataset-size 60000 --epochs 60 --delta 1e-5
  dpacct calibrate --epsilon 8 --delta 1e-5 --sampling-rate 0.01 --steps 10000
  dpacct run examples/finetune-two-stages.json --json
  dpacct check examples/dpsgd-60k.json --max-epsilon 3`;

/** The command `argv` asks for (`help X` asks for X), if it names one. */
function commandOf(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? name : undefined;
}

/**
 * The program with the command `argv` names fully registered (its module loaded now) and every other
 * command as a summary only, which is all the top-level help and the "did you mean" suggestions need.
 */
async function buildProgram(
  argv: readonly string[],
  io: CliIo,
  finish: (o: Outcome) => void,
  out: { stdout: string[]; stderr: string[] },
): Promise<Command> {
  const program = new Command('dpacct');
  program
    .description('Privacy accountant for differentially private training (PLD and RDP accountants, batch samplers, CI budget gate).')
    .version(VERSION, '-V, --version', 'print the dpacct version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => out.stdout.push(s),
      writeErr: (s) => out.stderr.push(s),
      outputError: () => {}, // commander errors are printed once, below, as one line
    })
    .showSuggestionAfterError(true)
    .addHelpText('after', EPILOG);
  const wanted = commandOf(argv);
  for (const [name, command] of Object.entries(COMMANDS)) {
    if (name === wanted) (await command.load())(program, makeContext(io, finish, await import('../output/style.js')));
    else program.command(name).summary(command.summary);
  }
  return program;
}

/** One line: commander's messages may carry a "(Did you mean ...?)" on a second line. */
function oneLine(message: string): string {
  return message
    .replace(/^error:\s*/, '')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)
    .join(' ');
}

/** commander's message in one line, without suggestions that mislead ("--epsilon ... Did you mean --version?"). */
function commanderMessage(e: CommanderError, argv: readonly string[]): string {
  let text = oneLine(e.message).replace(/\s*\(Did you mean (?:--version|-V|--help|-h)\?\)/, '');
  if (e.code === 'commander.unknownOption' && commandOf(argv) === 'epsilon' && /'--epsilon'/.test(text))
    text += ' (epsilon is what this command computes, at --delta; for delta at an epsilon use `dpacct delta --epsilon`)';
  return text;
}

function errorOutcome(e: unknown, env: CliIo['env']): CliResult {
  if (e instanceof InputErrors) return { stdout: '', stderr: e.problems.map((p) => `error: ${p}\n`).join(''), exitCode: EXIT.badInput };
  if (e instanceof InputError) return { stdout: '', stderr: `error: ${e.message}\n`, exitCode: EXIT.badInput };
  if (e instanceof AccountingError)
    return { stdout: '', stderr: `error: cannot certify: ${oneLine(e.message)}\n`, exitCode: EXIT.cannotCertify };
  const err = e instanceof Error ? e : new Error(String(e));
  const debug = env.DPACCT_DEBUG === '1' || env.DPACCT_DEBUG === 'true';
  const stack = debug && err.stack ? `${err.stack}\n` : '';
  return {
    stdout: '',
    stderr: `error: internal error: ${oneLine(err.message) || err.name} (a bug in dpacct; DPACCT_DEBUG=1 shows the stack)\n${stack}`,
    exitCode: EXIT.internal,
  };
}

/**
 * Runs dpacct with `argv` (without node and script). On commands driven by flags, the spec field paths
 * that library messages name (`accountant.samples`) become the flags (`--samples`).
 */
export async function runCli(given: readonly string[], io: CliIo): Promise<CliResult> {
  // `dpacct help CMD` is `dpacct CMD --help` (help on stdout, exit 0); `dpacct help` is `dpacct --help`
  const argv = given[0] === 'help' ? (given[1] !== undefined ? [given[1], '--help'] : ['--help']) : given;
  let raw = await runProgram(argv, io);
  if (raw.exitCode === EXIT.badInput) {
    const missing = await missingValue(argv);
    if (missing) raw = { stdout: '', stderr: `error: ${missing}\n`, exitCode: EXIT.badInput };
  }
  const name = commandOf(argv);
  const result =
    name === undefined || COMMANDS[name].readsSpec ? raw : { ...raw, stdout: withFlagNames(raw.stdout), stderr: withFlagNames(raw.stderr) };
  return argv.includes('--json') ? jsonErrors(result) : result;
}

/**
 * `--sigma --sampling-rate 0.1`: commander would take `--sampling-rate` as sigma's value and then complain
 * about "too many arguments"; name the flag whose value is missing instead.
 */
async function missingValue(argv: readonly string[]): Promise<string | undefined> {
  // loaded only after an error: the option table brings the zod schema with it
  const { OPTIONS } = await import('./options.js');
  const valueFlags = new Set(Object.values(OPTIONS).flatMap((o) => (o.flags.includes('<') ? [/--[a-z0-9-]+/.exec(o.flags)![0]] : [])));
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') break;
    if (!valueFlags.has(argv[i])) continue;
    const next = argv[i + 1];
    if (next === undefined) return `${argv[i]}: missing its value`;
    if (next.startsWith('--')) return `${argv[i]}: missing its value (the next argument is ${next})`;
    i++;
  }
  return undefined;
}

/**
 * With --json, errors go to stderr as one JSON object a CI script can read:
 * {"error": {"path", "message", "exitCode"}} (and "errors" with every problem when there are several).
 */
function jsonErrors(result: CliResult): CliResult {
  if (result.exitCode === EXIT.ok || result.exitCode === 1 || !result.stderr.startsWith('error: ')) return result;
  const lines = result.stderr
    .split('\n')
    .filter((l) => l.startsWith('error: '))
    .map((l) => l.slice('error: '.length));
  const errors = lines.map((line) => {
    const m =
      /^((?:--[a-z0-9-]+(?: and --[a-z0-9-]+)*|[A-Za-z_$][\w$]*(?:\[\d+\])?(?:\.[A-Za-z_$][\w$]*(?:\[\d+\])?)*|SPEC|stdin)):\s(.*)$/.exec(
        line,
      );
    return { ...(m ? { path: m[1], message: m[2] } : { path: null, message: line }), exitCode: result.exitCode };
  });
  const body = { error: errors[0], ...(errors.length > 1 ? { errors } : {}) };
  return { ...result, stderr: JSON.stringify(body) + '\n' };
}

async function runProgram(argv: readonly string[], io: CliIo): Promise<CliResult> {
  const out = { stdout: [] as string[], stderr: [] as string[] };
  let outcome: Outcome | undefined;
  let program: Command;
  try {
    program = await buildProgram(argv, io, (o) => (outcome = o), out);
  } catch (e) {
    return errorOutcome(e, io.env);
  }
  try {
    if (argv.length === 0) {
      return { stdout: '', stderr: program.helpInformation() + '\nerror: no command given\n', exitCode: EXIT.badInput };
    }
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version')
        return { stdout: out.stdout.join(''), stderr: out.stderr.join(''), exitCode: EXIT.ok };
      if (e.code === 'commander.help' || e.code === 'commander.executeSubCommandAsync')
        return { stdout: '', stderr: out.stdout.join('') + out.stderr.join(''), exitCode: EXIT.badInput };
      return { stdout: '', stderr: `error: ${commanderMessage(e, argv)}\n`, exitCode: EXIT.badInput };
    }
    const failed = errorOutcome(e, io.env);
    return { ...failed, stdout: out.stdout.join('') + failed.stdout };
  }
  if (!outcome) return { stdout: out.stdout.join(''), stderr: out.stderr.join(''), exitCode: EXIT.ok };
  return {
    stdout: out.stdout.join('') + outcome.stdout,
    stderr: out.stderr.join('') + (outcome.stderr ?? ''),
    exitCode: outcome.exitCode,
  };
}
