// Paths from the webview or a recipe are confined to the workspace folders, on a real file tree with real
// symlinks: "..", absolute paths, links pointing out, dangling links, loops and files that do not exist yet.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { confinePath, isInside, requireConfined } from '../../src/host/security/confinePath';
import { tempDir } from '../helpers/fixtures';

const top = fs.realpathSync(tempDir('confine'));
after(() => fs.rmSync(top, { recursive: true, force: true }));
const ws = path.join(top, 'workspace');
const second = path.join(top, 'second root');
const outside = path.join(top, 'outside');
for (const d of [path.join(ws, 'data', 'cats'), second, outside]) fs.mkdirSync(d, { recursive: true });
fs.writeFileSync(path.join(ws, 'data', 'cats', '1.png'), 'x');
fs.writeFileSync(path.join(outside, 'secret.txt'), 'x');
fs.symlinkSync(outside, path.join(ws, 'link-out'));
fs.symlinkSync(path.join(ws, 'data'), path.join(ws, 'link-in'));
fs.symlinkSync(path.join(outside, 'not-yet'), path.join(ws, 'dangling-out'));
fs.symlinkSync(path.join(ws, 'loop-b'), path.join(ws, 'loop-a'));
fs.symlinkSync(path.join(ws, 'loop-a'), path.join(ws, 'loop-b'));
const roots = [ws, second];

test('paths inside a workspace folder come back as their real path', () => {
  const image = confinePath(path.join(ws, 'data', 'cats', '1.png'), roots);
  assert.deepEqual(image, { ok: true, path: path.join(ws, 'data', 'cats', '1.png'), root: ws, exists: true });
  const relative = confinePath('data/cats/../cats/1.png', roots);
  assert.ok(relative.ok && relative.path === path.join(ws, 'data', 'cats', '1.png'));
  const viaLink = confinePath(path.join(ws, 'link-in', 'cats'), roots);
  assert.ok(
    viaLink.ok && viaLink.path === path.join(ws, 'data', 'cats'),
    'a link that stays inside is fine, as its target',
  );
  const inSecond = confinePath('x.recipe.yaml', roots, { relativeTo: second });
  assert.ok(inSecond.ok && inSecond.root === second && inSecond.path === path.join(second, 'x.recipe.yaml'));
  assert.equal(confinePath(ws, roots).ok, true, 'the root itself');
  const backIn = confinePath('link-out/../workspace/data/cats', roots);
  assert.ok(
    backIn.ok && backIn.path === path.join(ws, 'data', 'cats'),
    'out through a link and back in by ".." ends inside',
  );
});

test('a path that does not exist yet is checked through its nearest existing folder', () => {
  const out = confinePath('.transfer-studio/runs/new run', roots);
  assert.deepEqual(out, {
    ok: true,
    path: path.join(ws, '.transfer-studio', 'runs', 'new run'),
    root: ws,
    exists: false,
  });
  const underLink = confinePath(path.join(ws, 'link-out', 'runs', 'new'), roots, { what: 'output folder' });
  assert.equal(underLink.ok, false);
  assert.match(
    underLink.ok ? '' : underLink.reason,
    /^The output folder ".*link-out\/runs\/new" resolves through a symbolic link to ".*outside\/runs\/new", which is outside/,
  );
});

test('"..", absolute paths and symlinks pointing out are refused with the real location and the roots', () => {
  const cases: [string, RegExp][] = [
    [
      '../outside/secret.txt',
      /^The dataset folder "\.\.\/outside\/secret\.txt" is outside the workspace folders \(".*workspace", ".*second root"\); Transfer Studio only reads and writes inside the workspace\.$/,
    ],
    [path.join(ws, 'data', '..', '..', 'outside'), /is outside the workspace folders/],
    ['/etc/passwd', /^The dataset folder "\/etc\/passwd" is outside/],
    [
      path.join(ws, 'link-out', 'secret.txt'),
      /resolves through a symbolic link to ".*\/outside\/secret\.txt", which is outside/,
    ],
    ['link-out', /resolves through a symbolic link to ".*\/outside", which is outside/],
    [path.join(ws, 'dangling-out'), /resolves through a symbolic link to ".*\/outside\/not-yet", which is outside/],
    [`${ws}-sibling/data`, /is outside/],
    // ".." after a link applies to the link's target, as the kernel does it: this is outside/secret.txt.
    [
      'link-out/../outside/secret.txt',
      /^The dataset folder "link-out\/\.\.\/outside\/secret\.txt" resolves through a symbolic link to ".*\/outside\/secret\.txt", which is outside/,
    ],
    ['link-in/../../outside', /^The dataset folder "link-in\/\.\.\/\.\.\/outside" is outside/],
  ];
  for (const [p, reason] of cases) {
    const r = confinePath(p, roots, { what: 'dataset folder' });
    assert.equal(r.ok, false, p);
    assert.match(r.ok ? '' : r.reason, reason);
  }
});

test('loops, NUL bytes, empty paths and a workspace without folders are refused', () => {
  const loop = confinePath(path.join(ws, 'loop-a', 'x.png'), roots);
  assert.match(loop.ok ? '' : loop.reason, /goes through a symbolic link loop/);
  assert.match(String((confinePath('a\0b', roots) as { reason?: string }).reason), /NUL character/);
  assert.match(String((confinePath(' ', roots) as { reason?: string }).reason), /No path given/);
  assert.match(
    String((confinePath(path.join(ws, 'data'), []) as { reason?: string }).reason),
    /no workspace folder is open/,
  );
});

test('requireConfined returns the real path or throws the reason', () => {
  assert.equal(requireConfined('link-in', roots), path.join(ws, 'data'));
  assert.throws(
    () => requireConfined('../outside', roots, { what: 'image' }),
    /^Error: The image "\.\.\/outside" is outside/,
  );
});

test('fuzz: any mix of "..", links and names is refused or comes back as a real path inside a root', () => {
  const segment = fc.constantFrom(
    '..',
    '.',
    '',
    'data',
    'cats',
    '1.png',
    'link-out',
    'link-in',
    'dangling-out',
    'loop-a',
    'secret.txt',
    'outside',
    'workspace',
    'new',
  );
  const candidate = fc
    .tuple(fc.constantFrom('', `${ws}/`, `${top}/`, '/'), fc.array(segment, { maxLength: 8 }))
    .map(([start, parts]) => start + parts.join('/'));
  let tried = 0;
  let accepted = 0;
  fc.assert(
    fc.property(candidate, (p) => {
      tried++;
      const r = confinePath(p, roots);
      // An independent oracle where one exists: the C library's realpath of the path as written.
      let kernel: string | undefined;
      try {
        kernel = fs.realpathSync.native(path.isAbsolute(p) ? p : `${ws}/${p}`);
      } catch {
        kernel = undefined;
      }
      if (kernel !== undefined && p.trim() !== '') {
        assert.equal(
          r.ok,
          roots.some((root) => isInside(kernel!, root)),
          `${p} → ${kernel}`,
        );
        if (r.ok) assert.equal(r.path, kernel);
      }
      if (!r.ok) return;
      accepted++;
      assert.ok(
        roots.some((root) => isInside(r.path, root)),
        `${p} accepted as ${r.path}`,
      );
      assert.ok(!r.path.split(path.sep).includes('..'));
      if (r.exists) assert.equal(fs.realpathSync(r.path), r.path);
    }),
    { seed: 20261127, numRuns: 3000 },
  );
  console.log(
    `confinePath fuzz (seed 20261127): ${tried} paths, ${accepted} accepted inside the roots, ${tried - accepted} refused, 0 exceptions`,
  );
});
