// Entry of the trainer child process. The host forks it and speaks vscode-jsonrpc over the IPC channel;
// nothing here knows whether the host is the extension or the CLI.
import '../noTelemetry';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import * as P from '../../shared/trainerProtocol';
import { initBackend } from '../backend/selectBackend';
import { extraThreads } from '../parallel/featurePool';
import { frozenPartRuntime } from '../runtime/frozenRuntime';
import { registerHandlers } from './handlers';

const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
const preference = (process.env.TRANSFER_STUDIO_BACKEND ?? 'auto') as P.BackendPreference;
// The CLI's one line about what runs names the threads and the frozen part's runtime beside the backend.
const backend = initBackend(preference).then((b) => ({
  ...b,
  threads: extraThreads() + 1,
  frozenPart: frozenPartRuntime(),
}));
registerHandlers(connection, backend);
// The host going away (window closed, CLI killed) ends us too: there is nobody left to report to.
connection.onClose(() => process.exit(0));
process.on('disconnect', () => process.exit(0));
connection.listen();
