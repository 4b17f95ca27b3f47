// `transfer-studio probe <texts>`: Compare Bases on a text folder or table (GloVe against lexical), with the
// same table, intervals and paired test as the image probe.
import fs from 'node:fs';
import path from 'node:path';
import { PROBE_VALIDATION_SPLIT } from '../shared/probeRules';
import { DEFAULT_SEED } from '../shared/recipeDefaults';
import { textProbe } from '../shared/text/textProbeProtocol';
import { CliError } from './cliError';
import type { CommandContext } from './commandSpec';
import { EXIT } from './exitCodes';
import { formatProbe } from './format';
import { numberFlag } from './trainArgs';

const str = (ctx: CommandContext, name: string) => {
  const v = ctx.options[name];
  return typeof v === 'string' ? v : undefined;
};

export async function textProbeCommand(ctx: CommandContext, source: string): Promise<number> {
  // Text compares GloVe and lexical always; --bases adds one folder with the user's ONNX encoder.
  const encoder = str(ctx, 'bases');
  if (encoder !== undefined && !fs.statSync(encoder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new CliError(
      `--bases ${encoder}: text data takes one folder with an ONNX sentence encoder (GloVe and lexical are always compared).`,
    );
  }
  const val = str(ctx, 'val');
  const seed = str(ctx, 'seed');
  const result = await ctx.client().sendRequest(
    textProbe,
    {
      source: path.resolve(source),
      columns: { text: str(ctx, 'text-column'), label: str(ctx, 'label-column') },
      seed: seed === undefined ? DEFAULT_SEED : numberFlag('seed', seed, ['seed']),
      validationSplit: val === undefined ? PROBE_VALIDATION_SPLIT : numberFlag('val', val, ['validationSplit']),
      ...(encoder === undefined ? {} : { encoder: path.resolve(encoder) }),
      cacheDir: ctx.cacheDir,
    },
    ctx.token,
  );
  ctx.view.result(result, formatProbe(result));
  return EXIT.ok;
}
