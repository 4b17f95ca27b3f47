// `transfer-studio probe <texts>`: Compare Bases on a text folder or table (GloVe against lexical), with the
// same table, intervals and paired test as the image probe.
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
  if (str(ctx, 'bases') !== undefined) {
    throw new CliError('--bases does not apply to text data: probe compares the text bases glove and lexical.');
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
    },
    ctx.token,
  );
  ctx.view.result(result, formatProbe(result));
  return EXIT.ok;
}
