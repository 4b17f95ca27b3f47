// The engine runs bundled (dist/trainer.js), unbundled from src/ in tests, and inside an installed VSIX.
// In all three the package root is the nearest folder upwards whose package.json names this project.
import fs from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (
      fs.existsSync(pkg) &&
      (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'transfer-studio'
    ) {
      cached = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`transfer-studio package root not found above ${__dirname}`);
    dir = parent;
  }
}
