// Check Data's results in the editor: diagnostics on the flagged files (the Problems panel) and the Data
// Issues view, where each finding offers its actions. Both show the last report until the next check; a
// finding acted on leaves both at once.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DoctorFinding, DoctorReport } from '../../shared/doctorTypes';
import { Disposable } from '../dispose';

/** The Problems panel gets at most this many findings, highest first (the view shows all). */
export const MAX_DIAGNOSTICS = 300;

type Node = { kind: 'group'; title: string; findings: DoctorFinding[] } | { kind: 'finding'; finding: DoctorFinding };

export class DataIssuesView extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('transferStudio.doctor'));
  report: DoctorReport | undefined;
  /** The findings as the check ranked them, before any was acted on. */
  private checked: readonly DoctorFinding[] = [];

  constructor() {
    super();
    this.view = this._register(vscode.window.createTreeView('transferStudio.dataIssues', { treeDataProvider: this }));
  }

  show(report: DoctorReport): void {
    this.report = report;
    this.checked = report.findings;
    this.refresh();
    // The view is hidden until a check has findings to show: an empty fourth pane squeezed the Layers view.
    void vscode.commands
      .executeCommand('setContext', 'transferStudio.hasDataIssues', true)
      .then(() => vscode.commands.executeCommand('transferStudio.dataIssues.focus'));
  }

  /** Drops a finding (the user acted on it); the file's other findings stay. */
  remove(finding: DoctorFinding): void {
    if (!this.report) return;
    this.report = { ...this.report, findings: this.report.findings.filter((f) => f !== finding) };
    this.refresh();
  }

  /** Lists a finding again (its action was undone), in the report's ranked order. */
  restore(finding: DoctorFinding): void {
    if (!this.report || this.report.findings.includes(finding)) return;
    const order = (f: DoctorFinding) => this.checked.indexOf(f);
    const findings = [...this.report.findings, finding].sort((a, b) => order(a) - order(b));
    this.report = { ...this.report, findings };
    this.refresh();
  }

  private refresh(): void {
    const report = this.report;
    this.view.description = report ? path.basename(report.folder) : undefined;
    this.view.message = report && report.findings.length === 0 ? vscode.l10n.t('No issues found.') : undefined;
    this.diagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const ranked = [...(report?.findings ?? [])].sort((a, b) => b.score - a.score).slice(0, MAX_DIAGNOSTICS);
    for (const f of ranked) byFile.set(f.path, [...(byFile.get(f.path) ?? []), diagnostic(f)]);
    this.diagnostics.set([...byFile].map(([file, list]) => [vscode.Uri.file(file), list]));
    this.changeEmitter.fire();
  }

  getChildren(node?: Node): Node[] {
    if (node?.kind === 'group') return node.findings.map((finding) => ({ kind: 'finding', finding }));
    if (node || !this.report) return [];
    const of = (...kinds: DoctorFinding['kind'][]) => this.report!.findings.filter((f) => kinds.includes(f.kind));
    const groups: Node[] = [
      { kind: 'group', title: vscode.l10n.t('Label issues'), findings: of('label') },
      { kind: 'group', title: vscode.l10n.t('Duplicates'), findings: of('duplicate', 'near-duplicate') },
      { kind: 'group', title: vscode.l10n.t('Outliers'), findings: of('outlier') },
    ];
    return groups.filter((g) => g.kind === 'group' && g.findings.length > 0);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.title, vscode.TreeItemCollapsibleState.Expanded);
      item.description = String(node.findings.length);
      return item;
    }
    const f = node.finding;
    const item = new vscode.TreeItem(path.relative(this.report!.folder, f.path));
    item.description = f.suggestedClass
      ? vscode.l10n.t('{0} → {1} ({2})', f.label, f.suggestedClass, f.score.toFixed(2))
      : f.score.toFixed(2);
    item.tooltip = f.detail;
    item.resourceUri = vscode.Uri.file(f.path);
    item.contextValue = `finding.${f.kind}`;
    item.command = { command: 'vscode.open', title: vscode.l10n.t('Open'), arguments: [vscode.Uri.file(f.path)] };
    return item;
  }

  /** The finding a view command was invoked on. */
  static findingOf(arg: unknown): DoctorFinding | undefined {
    const node = arg as Node | undefined;
    return node && node.kind === 'finding' ? node.finding : undefined;
  }
}

function diagnostic(f: DoctorFinding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(
    new vscode.Range(0, 0, 0, 0),
    f.kind === 'label'
      ? vscode.l10n.t('Possibly mislabelled: {0}', f.detail)
      : f.kind === 'outlier'
        ? vscode.l10n.t('Unlike the other images: {0}', f.detail)
        : vscode.l10n.t('Duplicate: {0}', f.detail),
    f.kind === 'outlier' ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Warning,
  );
  d.source = 'Transfer Studio';
  d.code = f.kind;
  return d;
}
