// The CLI's image paths: what layers, scan, train, resume, evaluate, predict, embed and probe do when their
// data is images. The command table (commands.ts) sends text data to textCommands.ts instead.
import path from 'node:path';
import type { ProgressEvent, RunResult, TrainRecipe } from '../shared/engineTypes';
import { DEFAULT_BASE, DEFAULT_SEED } from '../shared/recipeDefaults';
import * as P from '../shared/trainerProtocol';
import { CliError } from './cliError';
import { stringOption as str, type CommandContext } from './commandSpec';
import { EXIT } from './exitCodes';
import { formatEmbed, formatEvaluation, formatLayers, formatProbe, formatRun, formatScan, whatRuns } from './format';
import { refuseToOverwrite } from './overwrite';
import { runPredict } from './predictCommand';
import { probeCommand } from './probeCommand';
import { trainOnRayFromCli, wantsRay } from './rayArgs';
import { recipeFromArgs, type TrainValues } from './trainArgs';

async function finishRun(ctx: CommandContext, run: Promise<RunResult>): Promise<number> {
  const result = await run;
  ctx.view.result(result, formatRun(result, ctx.options.verbose === true));
  return result.cancelled ? EXIT.cancelled : EXIT.ok;
}

export async function imageLayers(ctx: CommandContext, base: string): Promise<number> {
  const layers = await ctx.client().sendRequest(P.listLayers, { base, cacheDir: ctx.cacheDir }, ctx.token);
  ctx.view.result(layers, formatLayers(layers));
  return EXIT.ok;
}

export async function imageScan(ctx: CommandContext, folder: string): Promise<number> {
  const scan = await ctx.client().sendRequest(P.scanDataset, { folder: path.resolve(folder) }, ctx.token);
  ctx.view.result(scan, formatScan(scan));
  return EXIT.ok;
}

export async function imageTrain(ctx: CommandContext, recipe: TrainRecipe): Promise<number> {
  const client = ctx.client();
  if (wantsRay(ctx.options)) {
    const run = { cacheDir: ctx.cacheDir, token: ctx.token, emit: (e: ProgressEvent) => ctx.view.event(e) };
    return finishRun(ctx, trainOnRayFromCli(client, recipe, ctx.options, run));
  }
  ctx.view.say(whatRuns(await client.sendRequest(P.hello), ctx.options.verbose === true));
  return finishRun(ctx, client.sendRequest(P.train, { recipe, cacheDir: ctx.cacheDir }, ctx.token));
}

/** The recipe of `train [folder]` with its flags (or --recipe). */
export const imageRecipe = (ctx: CommandContext) => recipeFromArgs(ctx.args[0], ctx.options as TrainValues);

export function resumeRun(ctx: CommandContext, runDir: string): Promise<number> {
  const params = { runDir: path.resolve(runDir), cacheDir: ctx.cacheDir };
  return finishRun(ctx, ctx.client().sendRequest(P.resume, params, ctx.token));
}

export async function imageEvaluate(ctx: CommandContext, runDir: string, folder: string): Promise<number> {
  const evaluation = await ctx
    .client()
    .sendRequest(P.evaluate, { runDir: path.resolve(runDir), folder: path.resolve(folder) }, ctx.token);
  ctx.view.result(evaluation, formatEvaluation(evaluation));
  return EXIT.ok;
}

export function imagePredict(ctx: CommandContext, runDir: string, inputs: string[]): Promise<number> {
  if (str(ctx, 'text') !== undefined) throw new CliError('--text needs a text run; this run classifies images.');
  if (inputs.length === 0) throw new CliError('Give images, folders or globs to classify.');
  return runPredict(ctx, runDir, inputs);
}

/** The folder `embed` writes into: --out, else .transfer-studio/embeddings/<name>. */
export function embedOutDir(ctx: CommandContext, name: string): string {
  const outDir = path.resolve(str(ctx, 'out') ?? path.join('.transfer-studio', 'embeddings', name));
  refuseToOverwrite(
    P.EMBED_FILES.map((f) => path.join(outDir, f)),
    ctx.options.force === true,
  );
  return outDir;
}

/** The light classifier and its seed, as --classifier and --seed give them. */
export const embedChoices = (ctx: CommandContext) => ({
  classifier: (str(ctx, 'classifier') ?? P.EMBED_CLASSIFIERS[0]) as (typeof P.EMBED_CLASSIFIERS)[number],
  seed: Number(str(ctx, 'seed') ?? DEFAULT_SEED),
});

export async function imageEmbed(ctx: CommandContext, data: string): Promise<number> {
  const folder = path.resolve(data);
  const params: P.EmbedParams = {
    folder,
    base: str(ctx, 'base') ?? DEFAULT_BASE,
    layer: str(ctx, 'layer'),
    cacheDir: ctx.cacheDir,
    ...embedChoices(ctx),
    outDir: embedOutDir(ctx, path.basename(folder)),
  };
  const result = await ctx.client().sendRequest(P.embed, params, ctx.token);
  ctx.view.result(result, formatEmbed(result, 'images'));
  return EXIT.ok;
}

export async function imageProbe(ctx: CommandContext, folder: string): Promise<number> {
  const flags = { bases: str(ctx, 'bases'), val: str(ctx, 'val'), seed: str(ctx, 'seed') };
  const result = await probeCommand(ctx.client(), folder, flags, ctx.cacheDir, ctx.token);
  ctx.view.result(result, formatProbe(result));
  return EXIT.ok;
}
