// `transfer-studio probe <texts>`: Compare Bases on a text folder or table (GloVe against lexical), with the
// same table, intervals and paired test as the image probe.
import path from 'node:path';
import { PROBE_VALIDATION_SPLIT } from '../shared/probeRules';
import { DEFAULT_SEED } from '../shared/recipeDefaults';
import { textProbe } from '../shared/text/textProbeProtocol';
import { stringOption as str, type CommandContext } from './commandSpec';
import { EXIT } from './exitCodes';
import { formatProbe } from './format';
import { encoderBase } from './textCommands';
import { numberFlag } from './trainArgs';

export async function textProbeCommand(ctx: CommandContext, source: string): Promise<number> {
  // Text compares GloVe and lexical always; --bases adds the user's ONNX encoder (a folder or its URL).
  const encoder = encoderBase(str(ctx, 'bases'), 'bases').base;
  const val = str(ctx, 'val');
  const seed = str(ctx, 'seed');
  const result = await ctx.client().sendRequest(
    textProbe,
    {
      source: path.resolve(source),
      columns: { text: str(ctx, 'text-column'), label: str(ctx, 'label-column') },
      seed: seed === undefined ? DEFAULT_SEED : numberFlag('seed', seed, ['seed']),
      validationSplit: val === undefined ? PROBE_VALIDATION_SPLIT : numberFlag('val', val, ['validationSplit']),
      ...(encoder === undefined ? {} : { encoder }),
      cacheDir: ctx.cacheDir,
    },
    ctx.token,
  );
  ctx.view.result(result, formatProbe(result));
  return EXIT.ok;
}
