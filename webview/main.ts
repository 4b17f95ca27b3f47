// The training panel's entry: lays out the tabs, keeps the last snapshot (also in VS Code's webview state, so
// a restored panel draws at once), applies host messages to it and sends `ready` so the host replies with a
// full snapshot.
import './components';
import './styles.css';
import type { VscodeTabs } from '@vscode-elements/elements/dist/vscode-tabs/index.js';
import type { HostMessage, PanelSnapshot, TrainingStatus } from '../src/shared/panelProtocol';
import { Controls } from './controls';
import { DatasetPreview } from './datasetPreview';
import { h, replaceChildren } from './dom';
import { EvaluationView } from './evaluationView';
import { asHostMessage } from './hostMessages';
import { t } from './l10n';
import { LayerTree } from './layerTree';
import { LiveCharts } from './liveCharts';
import { StatusHeader } from './statusHeader';
import { TextLayersView } from './textLayersView';
import { onThemeChange } from './theme';
import { loadState, post, saveState } from './vscodeApi';

const TABS = ['layers', 'training', 'dataset', 'evaluation'] as const;
type Tab = (typeof TABS)[number];
const ACTIVE: ReadonlySet<TrainingStatus> = new Set(['running', 'cancelling']);

const header = new StatusHeader();
const tree = new LayerTree(post);
const textLayers = new TextLayersView(post);
const controls = new Controls(post);
const charts = new LiveCharts();
const preview = new DatasetPreview(post);
const evaluation = new EvaluationView(post);

const saved = loadState();
let snapshot: PanelSnapshot | undefined = saved.snapshot;
// The saved snapshot is from the host before a reload; changes from the new host refer to its own state.
let hostSnapshotSeen = false;
let tab: Tab = TABS.includes(saved.tab as Tab) ? (saved.tab as Tab) : 'training';
let tabs: VscodeTabs | undefined;

function layout(): void {
  const panel = (name: Tab, label: string, content: HTMLElement) => [
    h('vscode-tab-header', { slot: 'header', id: `tab-${name}`, 'data-testid': `tab-${name}` }, label),
    h('vscode-tab-panel', { 'data-testid': `panel-${name}` }, content),
  ];
  const training = h(
    'vscode-split-layout',
    { class: 'training-split', 'initial-handle-position': '32%', 'min-start': '220px', 'min-end': '280px' },
    h('div', { slot: 'start', class: 'pane' }, controls.element),
    h('div', { slot: 'end', class: 'pane' }, charts.element),
  );
  tabs = h(
    'vscode-tabs',
    { 'data-testid': 'tabs' },
    ...panel('layers', t('Layers'), h('div', { class: 'layers-pane' }, textLayers.element, tree.element)),
    ...panel('training', t('Training'), training),
    ...panel('dataset', t('Dataset'), preview.element),
    ...panel('evaluation', t('Evaluation'), evaluation.element),
  );
  const shown = tabs;
  shown.selectedIndex = TABS.indexOf(tab);
  shown.addEventListener('vsc-tabs-select', () => {
    tab = TABS[shown.selectedIndex] ?? 'training';
    persist();
  });
  const app = document.getElementById('app') ?? document.body;
  replaceChildren(app, header.element, shown);
}

/** A text run's layers above the image base's; without an image base, the text model's alone. */
function showLayers(s: PanelSnapshot): void {
  textLayers.show(s.evaluation?.text);
  tree.element.hidden = textLayers.shown && !s.base;
}

function renderAll(s: PanelSnapshot): void {
  header.show(s);
  tree.show(s.base, s.baseError, s.choices);
  showLayers(s);
  controls.show(s);
  preview.show(s.dataset);
  evaluation.show(s.evaluation);
  charts.setActive(ACTIVE.has(s.training.status));
  charts.replay(s.history);
}

function apply(m: HostMessage): void {
  if (m.type === 'snapshot') {
    snapshot = m.snapshot;
    hostSnapshotSeen = true;
    renderAll(snapshot);
    persist();
    return;
  }
  // Until this host's first snapshot the panel has nothing to apply changes to; the snapshot carries them.
  // (Applied to the saved one, a new host's choices met the old host's base: a cut at a layer it lacks.)
  const s = hostSnapshotSeen ? snapshot : undefined;
  if (!s) return;
  switch (m.type) {
    case 'choices':
      s.choices = m.choices;
      tree.show(s.base, s.baseError, s.choices);
      controls.show(s);
      break;
    case 'dataset':
      s.dataset = m.dataset;
      preview.show(s.dataset);
      break;
    case 'training':
      // A new run starts with fresh charts; its progress follows.
      if (m.training.status === 'running' && !ACTIVE.has(s.training.status)) {
        s.history = [];
        charts.replay([]);
      }
      s.training = m.training;
      charts.setActive(ACTIVE.has(s.training.status));
      header.show(s);
      controls.show(s);
      break;
    case 'progress':
      s.history.push(...m.events);
      charts.add(m.events);
      break;
    case 'evaluation':
      s.evaluation = m.evaluation;
      evaluation.show(s.evaluation);
      header.show(s);
      showLayers(s);
      if (m.reveal && tabs) {
        tab = 'evaluation';
        tabs.selectedIndex = TABS.indexOf(tab);
      }
      break;
  }
  persist(m.type === 'progress' ? 5000 : 500);
}

// setState serializes the whole history (thousands of events in a long run): while progress streams in, do it
// every few seconds. The host replays the full history after `ready` anyway; the state only lets a restored
// panel draw before it answers.
let persistTimer: ReturnType<typeof setTimeout> | undefined;
let persistDue = Infinity;
function persist(delay = 500): void {
  const due = performance.now() + delay;
  if (persistTimer !== undefined && persistDue <= due) return;
  clearTimeout(persistTimer);
  persistDue = due;
  persistTimer = setTimeout(() => {
    persistTimer = undefined;
    persistDue = Infinity;
    saveState({ snapshot, tab });
  }, delay);
}

layout();
if (snapshot) renderAll(snapshot);
onThemeChange(() => {
  charts.restyle();
  evaluation.restyle();
});
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = asHostMessage(event.data);
  if (m) apply(m);
});
post({ type: 'ready' });
