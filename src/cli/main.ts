// transfer-studio: the headless CLI. It drives the same trainer child process as the extension, through
// the same client and protocol, so scripts and CI run exactly what the editor runs.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { TrainerRpcClient, TrainerError } from '../client/trainerRpcClient';
import type { BackendPreference, TrainRecipe } from '../shared/engineTypes';
import { DEFAULT_BASE, DEFAULT_SEED } from '../shared/recipeDefaults';
import { runDemo } from './demo';
import { formatEvaluation, formatLayers, formatRun, formatScan, formatProbe, table } from './format';
import { ProgressView, outputMode, pct } from './progressView';
import { recipeFromArgs, TRAIN_OPTIONS } from './trainArgs';
import { CliError } from './cliError';
import { RAY_OPTIONS, trainOnRayFromCli } from './rayArgs';
import { RayRunError } from '../ray/rayTraining';
import { exportCommand, formatExport } from './exportCommand';
import { probeCommand } from './probeCommand';

const USAGE = `Usage: transfer-studio <command> [options]

Commands:
  layers <base>                 list the layers of a base (mobilenet_v2, inception_v3, a model.json, a .keras/.h5, a run folder, a URL)
  scan <folder>                 list classes, image counts, skipped files and warnings
  train <folder>                fine-tune (or --source: train a CNN from scratch) and save a run folder
  resume <run>                  continue a crashed or cancelled run from its last checkpoint
  evaluate <run> <folder>       accuracy, per-class metrics and confusion matrix of a run on a class folder
  predict <run> <image...>      classify images with a run
  embed <folder> --layer <name> export embeddings (CSV + .npy) and fit a light classifier on them
  probe <folder> [--bases a,b]  Compare Bases: a linear probe on each base's features, with its costs
  export <run> --format <f>     write a run as onnx, keras or tfjs (scaling and softmax inside) [--out file]
  demo                          the three transfer-learning approaches on real images, offline

Common options: --json (one JSON object per line), --cache <dir>, --backend auto|wasm|cpu|tensorflow
Train options: --base, --feature-layer, --freeze-until, --epochs, --batch-size, --lr, --val, --test, --seed,
  --patience, --augment, --compare-scratch, --recipe <file>, --out <dir>, --name, --source, --input-size,
  --channels, --max-per-class, --second-phase-from <layer> --second-phase-epochs --second-phase-lr,
  --dense, --dropout, --pooling avg|max|flatten, --optimizer adam|sgd|rmsprop,
  --second-phase auto|off, --time-budget <seconds> (epochs, second phase and test split are auto by default)
Ray options (train on a Ray cluster, see README "Running on Ray"): --ray <host:port>|local, --workers <n>,
  --gpus-per-worker <g>, --python <path> (else TRANSFER_STUDIO_PYTHON, else python3)`;

export function defaultCacheDir(): string {
  return process.env.TRANSFER_STUDIO_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'transfer-studio');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true, strict: true,
    options: {
      ...TRAIN_OPTIONS,
      json: { type: 'boolean', default: false },
      cache: { type: 'string' },
      backend: { type: 'string' },
      layer: { type: 'string' },
      bases: { type: 'string' },
      classifier: { type: 'string', default: 'logistic' },
      quick: { type: 'boolean', default: false },
      ...RAY_OPTIONS,
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const view = new ProgressView(outputMode(values.json ?? false));
  const cacheDir = path.resolve(values.cache ?? defaultCacheDir());
  const backend = values.backend as BackendPreference | undefined;
  const client = new TrainerRpcClient({ backend, onLog: (line) => { if (process.env.TRANSFER_STUDIO_DEBUG) process.stderr.write(`[trainer] ${line}\n`); } });
  client.onProgress((e) => view.event(e));
  // Ctrl+C cancels the running request (the trainer keeps its last checkpoint) instead of killing it.
  const cancel = new CancellationTokenSource();
  const token = cancel.token;
  process.once('SIGINT', () => cancel.cancel());
  const need = (n: number, what: string) => {
    if (positionals.length < n) throw new CliError(`${command} needs ${what}. Run transfer-studio --help.`);
  };
  try {
    switch (command) {
      case 'layers': {
        need(1, 'a base (e.g. mobilenet_v2)');
        const base = await client.listLayers(positionals[0], cacheDir, token);
        view.result(base, formatLayers(base));
        return 0;
      }
      case 'scan': {
        need(1, 'a dataset folder');
        const scan = await client.scanDataset(path.resolve(positionals[0]), token);
        view.result(scan, formatScan(scan));
        return 0;
      }
      case 'train': {
        const recipe: TrainRecipe = recipeFromArgs(positionals[0], values);
        if (values.ray !== undefined) {
          const result = await trainOnRayFromCli(client, recipe, values, { cacheDir, token, emit: (e) => view.event(e) });
          view.result(result, formatRun(result));
          return 0;
        }
        const backendInfo = await client.hello();
        view.event({ kind: 'log', level: 'info', message: `Backend: ${backendInfo.detail}` });
        const result = await client.train(recipe, cacheDir, token);
        view.result(result, formatRun(result));
        return result.cancelled ? 130 : 0;
      }
      case 'resume': {
        need(1, 'a run folder with a checkpoint');
        const result = await client.resume(path.resolve(positionals[0]), cacheDir, token);
        view.result(result, formatRun(result));
        return result.cancelled ? 130 : 0;
      }
      case 'evaluate': {
        need(2, 'a run folder and a class folder');
        const evaluation = await client.evaluate(path.resolve(positionals[0]), path.resolve(positionals[1]), token);
        view.result(evaluation, formatEvaluation(evaluation));
        return 0;
      }
      case 'predict': {
        need(2, 'a run folder and at least one image');
        const predictions = await client.predict(path.resolve(positionals[0]), positionals.slice(1).map((p) => path.resolve(p)), token);
        view.result(predictions, table(['image', 'label', 'confidence'], predictions.map((p) => [p.path, p.label, pct(p.confidence)])));
        return 0;
      }
      case 'embed': {
        need(1, 'a dataset folder');
        const folder = path.resolve(positionals[0]);
        const classifier = values.classifier as 'knn' | 'logistic' | 'none';
        if (!['knn', 'logistic', 'none'].includes(classifier)) throw new CliError('--classifier must be knn, logistic or none.');
        const result = await client.embed({
          folder, base: values.base ?? DEFAULT_BASE, layer: values.layer, cacheDir, classifier, seed: Number(values.seed ?? DEFAULT_SEED),
          outDir: path.resolve(values.out ?? path.join('.transfer-studio', 'embeddings', path.basename(folder))),
        }, token);
        view.result(result, `${result.count} embeddings of layer ${result.layer} (${result.dims} values each)\n  ${result.csvPath}\n  ${result.npyPath}`
          + (result.classifier ? `\n${result.classifier.kind} classifier on the embeddings: ${pct(result.classifier.accuracy)} on ${result.classifier.evaluatedOn} held-out images` : ''));
        return 0;
      }
      case 'probe': {
        need(1, 'a dataset folder');
        const result = await probeCommand(client, positionals[0], values, cacheDir, token);
        view.result(result, formatProbe(result));
        return 0;
      }
      case 'export': {
        need(1, 'a run folder');
        const exported = await exportCommand(client, positionals[0], values.format, values.out, token);
        view.result(exported, formatExport(exported));
        return 0;
      }
      case 'demo':
        return await runDemo(client, view, { cacheDir, quick: values.quick ?? false, workDir: path.resolve(values.out ?? '.transfer-studio/demo') });
      default:
        throw new CliError(`Unknown command "${command}". Run transfer-studio --help.`);
    }
  } catch (e) {
    if (e instanceof TrainerError || e instanceof CliError || e instanceof RayRunError) {
      view.error(e.message);
      return (e instanceof TrainerError || e instanceof RayRunError) && e.cancelled ? 130 : 1;
    }
    throw e;
  } finally {
    client.dispose();
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  // Argument errors from parseArgs and anything unexpected: one line, no stack trace.
  process.stderr.write(`transfer-studio: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
