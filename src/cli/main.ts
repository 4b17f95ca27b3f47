// transfer-studio: the headless CLI. It drives the same trainer child process as the extension, through
// the same client and protocol, so scripts and CI run exactly what the editor runs. The commands are a
// table (commands.ts); program.ts turns it into the parser, the help and the exit codes.
import './noTelemetry';
import { runCli } from './program';

// Output piped into `head` and closed early: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
