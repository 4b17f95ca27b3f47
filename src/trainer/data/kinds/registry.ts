// Which module handles which kind of data. A new kind is one module implementing DataKind (see dataKind.ts)
// and one line here; a kind that exists only in tests registers itself with registerKind.
import { EngineError } from '../../../shared/engineError';
import type { InputSpec, KindInput } from '../../../shared/inputSpec';
import type { DataKind } from './dataKind';
import { imageKind } from './image';
import { textKind } from './text';

const kinds = new Map<string, DataKind<KindInput>>();

export function registerKind<I extends KindInput>(module: DataKind<I>): void {
  kinds.set(module.kind, module as unknown as DataKind<KindInput>);
}

registerKind(imageKind);
registerKind(textKind);

/** The module of an input's kind; a run folder naming a kind this version lacks fails here, by name. */
export function dataKind<I extends KindInput = InputSpec>(input: I): DataKind<I> {
  const module = kinds.get(input.kind);
  if (!module) throw new EngineError(`This version of Transfer Studio cannot read "${input.kind}" data.`);
  return module as unknown as DataKind<I>;
}
