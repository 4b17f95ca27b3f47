import { EXIT } from './exitCodes';

/** A mistake on the command line (missing argument, bad value); printed as one line, exit code 2. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.usage) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
