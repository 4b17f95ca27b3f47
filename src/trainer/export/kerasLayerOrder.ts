// Where each layer's weights go in a Keras 3 `model.weights.h5`. Keras does not address them by layer
// name: saving_lib walks `model.layers` and names each entry by its class in snake_case, numbered per
// class (`layers/conv2d`, `layers/conv2d_1`, …). So the order of `model.layers` that Keras will compute
// when it rebuilds the model from config.json decides which weights a layer gets. That order is
// keras/src/ops/function.py `map_graph`: operations by decreasing depth from the output, ties broken by
// the order a depth-first walk from the output first meets them. This file repeats that computation.

/** One operation of the functional graph, by name, with the operations whose outputs it reads. */
export interface OrderNode {
  name: string;
  /** Keras class name (e.g. `Conv2D`), for the h5 path. */
  kerasClass: string;
  /** Names of the operations whose outputs this one reads, in argument order. */
  parents: string[];
  /** False for operations that are not Layers (e.g. `ops.numpy` nodes): they never get an h5 entry. */
  isLayer: boolean;
}

/** Names of the operations in the order Keras' Functional lists them (`model.layers` ∪ other ops). */
export function kerasOperationOrder(nodes: readonly OrderNode[], output: string): string[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const traversal = new Map<string, number>();
  const finished = new Set<string>();
  const inDecreasingDepth: string[] = [];
  // Iterative depth-first walk (a deep network would overflow a recursive one), same visiting order as
  // keras' recursive _build_map_helper: a node is finished after all its parents, in argument order.
  const stack: { name: string; next: number }[] = [{ name: output, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const node = byName.get(top.name);
    if (!node) throw new Error(`unknown layer ${top.name}`);
    if (top.next === 0 && !traversal.has(node.name)) traversal.set(node.name, traversal.size);
    const parent = node.parents[top.next];
    if (parent !== undefined) {
      top.next++;
      if (!finished.has(parent) && !stack.some((s) => s.name === parent)) stack.push({ name: parent, next: 0 });
      continue;
    }
    stack.pop();
    finished.add(node.name);
    inDecreasingDepth.push(node.name);
  }
  const depth = new Map<string, number>();
  for (const name of [...inDecreasingDepth].reverse()) {
    const d = depth.get(name) ?? 0;
    depth.set(name, d);
    for (const parent of byName.get(name)!.parents) depth.set(parent, Math.max(d + 1, depth.get(parent) ?? 0));
  }
  return [...depth.keys()].sort((a, b) => depth.get(b)! - depth.get(a)! || traversal.get(a)! - traversal.get(b)!);
}

/** Keras' naming.to_snake_case. */
export function kerasSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Layer name → its group in model.weights.h5 (`layers/<class>[_<n>]`), in Keras' order. */
export function kerasWeightPaths(nodes: readonly OrderNode[], output: string): Map<string, string> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const used = new Map<string, number>();
  const paths = new Map<string, string>();
  for (const name of kerasOperationOrder(nodes, output)) {
    const node = byName.get(name)!;
    if (!node.isLayer) continue;
    const base = kerasSnakeCase(node.kerasClass);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    paths.set(name, `layers/${n === undefined ? base : `${base}_${n + 1}`}`);
  }
  return paths;
}
