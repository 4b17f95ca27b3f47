// The first images of each class of a fixture folder, labelled by the classes' sorted order (as a run labels them).
import fs from 'node:fs';
import path from 'node:path';
import type { Sample } from '../../src/shared/split';
import { fixture } from './fixtures';

export function fixtureSamples(name: string, perClass: number): Sample[] {
  const root = fixture(name);
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .flatMap((c, label) =>
      fs
        .readdirSync(path.join(root, c))
        .sort()
        .slice(0, perClass)
        .map((f) => ({ path: path.join(root, c, f), label })),
    );
}
