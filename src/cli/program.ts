// Builds the command-line parser (commander) from the command table and runs one command line. Every way out
// ends in a documented exit code (exitCodes.ts); every error is one line, as JSON with --json.
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { TrainerRpcClient, TrainerError } from '../client/trainerRpcClient';
import { RayRunError } from '../ray/rayTraining';
import { BACKEND_PREFERENCES, type BackendPreference } from '../shared/engineTypes';
// Only `version` is bundled (esbuild keeps the named fields of a JSON import that are used).
import { version } from '../../package.json';
import { CliError } from './cliError';
import type { CommandSpec, OptionSpec } from './commandSpec';
import { defaultCacheDir } from '../io/cacheFolders';
import { COMMANDS } from './commands';
import { EXIT, exitCodesHelp } from './exitCodes';
import { outputMode, ProgressView } from './progressView';

const NAME = 'transfer-studio';

/** Options every command takes. */
export const COMMON_OPTIONS: readonly OptionSpec[] = [
  {
    flags: '--json',
    description: 'one JSON object per line on stdout: progress, then one result or error',
  },
  {
    flags: '--verbose',
    description: "every log line and epoch on stderr, and the backend's kernels",
  },
  {
    flags: '--backend <name>',
    description: 'TensorFlow.js backend of the trainer',
    default: BACKEND_PREFERENCES[0],
    choices: BACKEND_PREFERENCES,
    env: 'TRANSFER_STUDIO_BACKEND',
  },
  {
    flags: '--cache <dir>',
    description: 'downloaded bases and cached features',
    defaultText: '~/.cache/transfer-studio',
    env: 'TRANSFER_STUDIO_CACHE',
  },
];

function toOption(spec: OptionSpec): Option {
  // commander shows "(default: …)" only for a value; a described default goes into the description.
  const option = new Option(
    spec.flags,
    spec.defaultText ? `${spec.description} (default: ${spec.defaultText})` : spec.description,
  );
  if (spec.choices) option.choices(spec.choices);
  if (spec.required) option.makeOptionMandatory();
  if (spec.default !== undefined) option.default(spec.default);
  if (spec.env) option.env(spec.env);
  if (spec.number) {
    option.argParser((value: string) => {
      if (value.trim() === '' || !Number.isFinite(Number(value))) throw new InvalidArgumentError('Not a number.');
      return value;
    });
  }
  return option;
}

/** Options whose value was given (command line or environment), by long name: defaults are the engine's. */
function givenOptions(cmd: Command): Record<string, string | boolean | undefined> {
  const given: Record<string, string | boolean | undefined> = {};
  for (const option of cmd.options) {
    const key = option.attributeName();
    const source = cmd.getOptionValueSource(key);
    if (source === 'cli' || source === 'env')
      given[option.long!.replace(/^--/, '')] = cmd.getOptionValue(key) as string | boolean;
  }
  return given;
}

/** The parser for the whole table; `run` is called with the chosen command and what it was given. */
export function buildProgram(
  run: (spec: CommandSpec, args: string[], options: Record<string, string | boolean | undefined>) => Promise<void>,
): Command {
  const program = new Command(NAME)
    .description('Transfer learning on images and text, on this machine: the engine of the Transfer Studio extension.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help (each command has its own: transfer-studio train --help)')
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      outputError: () => undefined, // reported once by runCli, as text or JSON
    })
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText('after', `\n${exitCodesHelp()}`);
  for (const spec of COMMANDS) {
    const cmd = program.command(spec.name).summary(spec.summary).description(spec.summary);
    for (const arg of spec.args) cmd.argument(arg.name, arg.description);
    for (const option of [...spec.options, ...COMMON_OPTIONS]) cmd.addOption(toOption(option));
    const examples = spec.examples?.length ? `\nExamples:\n${spec.examples.map((e) => `  ${e}`).join('\n')}\n` : '';
    cmd.addHelpText('after', `${examples}\n${exitCodesHelp()}`);
    cmd.action(async (...received: unknown[]) => {
      const self = received[received.length - 1] as Command;
      const args = self.processedArgs.flat() as string[];
      await run(
        spec,
        args.filter((a) => a !== undefined),
        givenOptions(self),
      );
    });
  }
  return program;
}

/** Runs one command line; resolves to its exit code. */
export async function runCli(argv: string[]): Promise<number> {
  // Known before parsing, so a usage error is reported as JSON too.
  const view = new ProgressView(outputMode(argv.includes('--json')), argv.includes('--verbose'));
  const cancel = new CancellationTokenSource();
  // Ctrl+C cancels the running request (the trainer keeps its last checkpoint) instead of killing it.
  process.once('SIGINT', () => cancel.cancel());
  let client: TrainerRpcClient | undefined;
  let code: number = EXIT.ok;
  const program = buildProgram(async (spec, args, options) => {
    code = await spec.run({
      args,
      options,
      view,
      token: cancel.token,
      cacheDir: path.resolve(typeof options.cache === 'string' ? options.cache : defaultCacheDir()),
      client: () => (client ??= startClient(options.backend as BackendPreference | undefined, view)),
    });
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    return report(e, view, argv);
  } finally {
    client?.dispose();
  }
}

function startClient(backend: BackendPreference | undefined, view: ProgressView): TrainerRpcClient {
  const client = new TrainerRpcClient({
    backend,
    onLog: (line) => {
      if (process.env.TRANSFER_STUDIO_DEBUG) process.stderr.write(`[trainer] ${line}\n`);
    },
  });
  client.onProgress((e) => view.event(e));
  return client;
}

/** "transfer-studio train --help" when the line names a command, else the general help. */
function helpCommand(argv: string[]): string {
  const command = argv.find((a) => COMMANDS.some((c) => c.name === a));
  return `${NAME}${command ? ` ${command}` : ''} --help`;
}

/** One line for the error, and the exit code it means. */
function report(e: unknown, view: ProgressView, argv: string[]): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
    // `transfer-studio` alone: the help went to stderr, and it is a usage error.
    if (e.code === 'commander.help') return EXIT.usage;
    const message = e.message
      .replace(/^error: /, '')
      .replace(/\s*\n\s*/g, ' ')
      .trim();
    view.error(`${message}${/[.!?)]$/.test(message) ? '' : '.'} Run ${helpCommand(argv)}.`);
    return EXIT.usage;
  }
  if (e instanceof CliError) {
    view.error(e.message);
    return e.exitCode;
  }
  // A Ray run fails or is cancelled like a local one.
  if (e instanceof TrainerError || e instanceof RayRunError) {
    view.error(e.message);
    return e.cancelled ? EXIT.cancelled : EXIT.failed;
  }
  // Anything unexpected still ends in one line, no stack trace (TRANSFER_STUDIO_DEBUG=1 shows it).
  if (process.env.TRANSFER_STUDIO_DEBUG) console.error(e);
  view.error(e instanceof Error ? e.message : String(e));
  return EXIT.failed;
}
