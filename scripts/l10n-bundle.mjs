// Writes l10n/bundle.l10n.json, the English strings a translator copies to bundle.l10n.<lang>.json: every
// `vscode.l10n.t('…')` of the extension host and every `t('…')` of the webview (webview/l10n.ts), keyed and valued
// by the English message, as @vscode/l10n-dev's export does (without that package). The sources are parsed with
// TypeScript, so strings inside comments or other strings are not mistaken for calls. A message that is not a
// plain literal is refused with file:line: a translator could not see it, and the lookup would miss at run time.
//   node scripts/l10n-bundle.mjs           write the bundle
//   node scripts/l10n-bundle.mjs --check   exit 1 when the bundle on disk differs from the sources
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = path.join(ROOT, 'l10n', 'bundle.l10n.json');
/** Where calls are collected from: the host (`l10n.t`) and the webview (its own `t`). */
const SOURCES = [
  { dir: 'src', isCall: isVscodeL10nCall },
  { dir: 'webview', isCall: isWebviewCall },
];

/** `vscode.l10n.t(…)` or `l10n.t(…)`. */
function isVscodeL10nCall(callee) {
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 't') return false;
  const owner = callee.expression;
  return (
    (ts.isIdentifier(owner) && owner.text === 'l10n') ||
    (ts.isPropertyAccessExpression(owner) && owner.name.text === 'l10n')
  );
}

/** The webview's `t(…)` (a plain identifier; webview/l10n.ts defines it). */
function isWebviewCall(callee) {
  return ts.isIdentifier(callee) && callee.text === 't';
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out.sort();
}

/** Why a message's {0}, {1}… do not match its arguments (a placeholder shown as is, or an argument never shown). */
function placeholderProblem(message, argumentCount) {
  const used = new Set([...message.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1])));
  const missing = [...used].filter((i) => i >= argumentCount);
  if (missing.length) return `{${missing[0]}} has no argument`;
  for (let i = 0; i < argumentCount; i++) if (!used.has(i)) return `argument ${i} is not used (no {${i}})`;
  return undefined;
}

/** The messages of one file's calls, and a problem (file:line: why) for each call whose message is not a literal. */
export function collectFromText(fileName, text, isCall) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const messages = [];
  const problems = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && isCall(node.expression)) {
      const first = node.arguments[0];
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
        messages.push(first.text);
        const mismatch = placeholderProblem(first.text, node.arguments.length - 1);
        if (mismatch) problems.push(`${fileName}:${line + 1}: ${mismatch} in ${JSON.stringify(first.text)}`);
      } else {
        const shown = first ? first.getText(source).slice(0, 60) : '(nothing)';
        problems.push(
          `${fileName}:${line + 1}: the message of ${node.expression.getText(source)}() must be a string literal, not ${shown}`,
        );
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { messages, problems };
}

/** The bundle the sources call for (keys sorted, so it diffs well), and every refused call. */
export function collectBundle(root = ROOT) {
  const bundle = {};
  const problems = [];
  for (const { dir, isCall } of SOURCES) {
    for (const file of sourceFiles(path.join(root, dir))) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      const found = collectFromText(rel, fs.readFileSync(file, 'utf8'), isCall);
      for (const m of found.messages) bundle[m] = m;
      problems.push(...found.problems);
    }
  }
  const sorted = Object.fromEntries(
    Object.keys(bundle)
      .sort()
      .map((k) => [k, bundle[k]]),
  );
  return { bundle: sorted, problems };
}

/** The file's text: what scripts/l10n-bundle.mjs writes and the unit test compares. */
export function bundleText(bundle) {
  return JSON.stringify(bundle, null, 2) + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { bundle, problems } = collectBundle();
  if (problems.length) {
    for (const p of problems) console.error(p);
    process.exit(1);
  }
  const text = bundleText(bundle);
  if (process.argv.includes('--check')) {
    const onDisk = fs.existsSync(BUNDLE) ? fs.readFileSync(BUNDLE, 'utf8') : '';
    if (onDisk !== text) {
      console.error(`${path.relative(ROOT, BUNDLE)} is out of date: run node scripts/l10n-bundle.mjs`);
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(BUNDLE), { recursive: true });
    fs.writeFileSync(BUNDLE, text);
    console.log(`${path.relative(ROOT, BUNDLE)}: ${Object.keys(bundle).length} messages`);
  }
}
