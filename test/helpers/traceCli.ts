// The trace reader for the end-to-end suite, which runs on plain Node (no TypeScript):
//   node --import tsx test/helpers/traceCli.ts args                         strace's arguments, as JSON
//   node --import tsx test/helpers/traceCli.ts judge <prefix> <argv regex> <home> <allowed folder>...
// `judge` reads the subtree of the process whose execve matched, and prints its Verdict as JSON.
import { judge } from './strayWrites';
import { readTrace, straceArgs, subtreeOf } from './syscallTrace';

const [command, prefix, argv, home, ...allowed] = process.argv.slice(2);
if (command === 'args') {
  process.stdout.write(JSON.stringify(straceArgs(true)));
} else if (command === 'judge') {
  const tids = subtreeOf(prefix, new RegExp(argv));
  // The sandbox's HOME is code-server's and Chromium's too: only the trace says what this subtree wrote there.
  const verdict = judge(readTrace(prefix, '/', tids), allowed, home, false);
  process.stdout.write(JSON.stringify({ threads: tids.size, ...verdict }));
} else {
  process.stderr.write('usage: traceCli.ts args | judge <prefix> <argv regex> <home> <allowed folder>...\n');
  process.exitCode = 2;
}
