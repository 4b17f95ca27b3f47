// The shape of the CLI's command table: each command states its arguments, options (with types, defaults and
// choices) and what it runs; program.ts turns the table into the parser and every command's --help.
import type { CancellationToken } from 'vscode-jsonrpc/node';
import type { TrainerRpcClient } from '../client/trainerRpcClient';
import type { ProgressView } from './progressView';

export interface OptionSpec {
  /** commander's flags: "--epochs <n>", "--augment". */
  readonly flags: string;
  readonly description: string;
  /** Shown in --help; the value itself comes from the engine's defaults when the option is absent. */
  readonly default?: string | number;
  /** Help text for a default that is not a plain value ("--lr / 10"). */
  readonly defaultText?: string;
  readonly choices?: readonly string[];
  /** The command cannot run without it (a usage error, exit code 2). */
  readonly required?: boolean;
  /** The value must parse as a finite number (checked while parsing: a usage error, exit code 2). */
  readonly number?: boolean;
  /** An environment variable that supplies the value when the option is absent. */
  readonly env?: string;
}

export interface ArgumentSpec {
  /** commander's syntax: "<run>", "[folder]", "<images...>". */
  readonly name: string;
  readonly description: string;
}

/** What a command's run() gets: its arguments, the options given on the command line, and the shared services. */
export interface CommandContext {
  readonly args: string[];
  /** Options by long name ("batch-size"); only those given on the command line or by environment variable. */
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
  readonly view: ProgressView;
  readonly cacheDir: string;
  readonly token: CancellationToken;
  /** The trainer process, started on first use (help and usage errors never start it). */
  client(): TrainerRpcClient;
}

export interface CommandSpec {
  readonly name: string;
  readonly args: readonly ArgumentSpec[];
  readonly summary: string;
  readonly options: readonly OptionSpec[];
  readonly examples?: readonly string[];
  /** Resolves to the exit code. */
  run(ctx: CommandContext): Promise<number>;
}

/** An option's value when it was given as a string (flags given bare are booleans). */
export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.options[name];
  return typeof v === 'string' ? v : undefined;
}
