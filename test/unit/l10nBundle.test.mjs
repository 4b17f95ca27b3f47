// l10n/bundle.l10n.json is what translators start from: it must hold exactly the messages the host's
// vscode.l10n.t and the webview's t calls use, and every message must be a literal a translator can see.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BUNDLE, ROOT, bundleText, collectBundle, collectFromText } from '../../scripts/l10n-bundle.mjs';

test('l10n/bundle.l10n.json is up to date with the sources (node scripts/l10n-bundle.mjs writes it)', () => {
  const { bundle, problems } = collectBundle();
  assert.deepEqual(problems, []);
  assert.ok(fs.existsSync(BUNDLE), 'l10n/bundle.l10n.json exists');
  assert.equal(fs.readFileSync(BUNDLE, 'utf8'), bundleText(bundle), 'run node scripts/l10n-bundle.mjs');
  // Both sides are collected: a host message and a webview message.
  assert.equal(bundle['Training finished: {0} — {1}.'], 'Training finished: {0} — {1}.');
  assert.equal(bundle['Start training'], 'Start training');
});

test('package.json points VS Code at the bundle folder', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(path.resolve(ROOT, manifest.l10n), path.dirname(BUNDLE));
});

test('a non-literal message or placeholders that do not match the arguments are refused with file and line', () => {
  const isT = (callee) => callee.getText() === 'vscode.l10n.t';
  const source = [
    "vscode.l10n.t('single {0}', x);",
    'vscode.l10n.t("double");',
    'vscode.l10n.t(`template without substitutions`);',
    '// vscode.l10n.t(notACall) in a comment',
    "const s = 'vscode.l10n.t(neither)';",
    'vscode.l10n.t(`Hello ${name}`);',
    'vscode.l10n.t(message);',
    "vscode.l10n.t('a' + b);",
    "vscode.l10n.t('{0} of {1}', n);",
    "vscode.l10n.t('no placeholder', n);",
  ].join('\n');
  const { messages, problems } = collectFromText('src/host/x.ts', source, isT);
  assert.deepEqual(messages, [
    'single {0}',
    'double',
    'template without substitutions',
    '{0} of {1}',
    'no placeholder',
  ]);
  assert.equal(problems.length, 5);
  assert.match(problems[0], /^src\/host\/x\.ts:6: .*string literal/);
  assert.match(problems[1], /^src\/host\/x\.ts:7: .*not message/);
  assert.match(problems[2], /^src\/host\/x\.ts:8: /);
  // The placeholders must match the arguments, or a user would read "{1}" or miss a value.
  assert.match(problems[3], /^src\/host\/x\.ts:9: \{1\} has no argument/);
  assert.match(problems[4], /^src\/host\/x\.ts:10: argument 0 is not used/);
});

test('the extension host shows no message, quick pick or input text straight from a literal', () => {
  // A sentence passed to these without vscode.l10n.t is English for every user (an example URL is not a
  // sentence, hence the capital letter); a guard on the common places, not a proof.
  const RAW =
    /(show(Information|Warning|Error)Message\(\s*|(placeHolder|prompt|openLabel|saveLabel|tooltip|title):\s*)['"`][A-Z]/;
  const offenders = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts')) {
        fs.readFileSync(full, 'utf8')
          .split('\n')
          .forEach(
            (line, i) => RAW.test(line) && offenders.push(`${path.relative(ROOT, full)}:${i + 1}: ${line.trim()}`),
          );
      }
    }
  };
  walk(path.join(ROOT, 'src/host'));
  assert.deepEqual(offenders, []);
});
