// A TF.js export is a folder (model.json beside its weights and labels). It is made complete in a temporary
// sibling and renamed over the target, so a reader never sees half of it; only an earlier TF.js export (or
// an empty folder) is replaced, never a folder of something else.
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../shared/engineError';

/** Refuses a target that holds files but no model.json: it is not ours to replace. */
export function checkTfjsTarget(target: string): void {
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0 && !fs.existsSync(path.join(target, 'model.json'))) {
    throw new EngineError(`${target} exists and is not a TF.js model folder; choose another --out.`);
  }
}

/** Makes the folder `target` with `write` (given the folder to fill), replacing an earlier export whole. */
export function publishTfjsFolder(target: string, write: (dir: string) => void): void {
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    write(tmp);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (e instanceof EngineError) throw e; // a file's own one-line error, naming it
    throw new EngineError(`Could not write ${target}: ${(e as Error).message.split('\n')[0]}.`);
  }
}
