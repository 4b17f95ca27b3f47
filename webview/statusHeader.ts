// The strip above the tabs: base model, training status, run, backend, and the Restricted Mode notice.
import type { VscodeProgressBar } from '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { PanelSnapshot, TrainingStatus } from '../src/shared/panelProtocol';
import { h, replaceChildren } from './dom';
import { formatCount } from './format';
import { t } from './l10n';

// A function: the words are looked up when shown, not when the module loads.
const statusText = (): Record<TrainingStatus, string> => ({
  idle: t('Ready'),
  running: t('Training…'),
  cancelling: t('Cancelling…'),
  finished: t('Finished'),
  cancelled: t('Cancelled'),
  failed: t('Failed'),
});

export class StatusHeader {
  readonly element: HTMLElement;
  private readonly base = h('span', { class: 'base', 'data-testid': 'base-title' }, t('Waiting for the extension…'));
  private readonly status = h('span', { class: 'status-chip', 'data-testid': 'training-status', hidden: true });
  private readonly run = h('span', { class: 'run', 'data-testid': 'run-name' });
  private readonly backend = h('span', { class: 'backend hint', 'data-testid': 'backend' });
  private readonly message = h('p', { class: 'status-message', 'data-testid': 'training-message', hidden: true });
  private readonly trust = h(
    'p',
    { class: 'trust-banner', 'data-testid': 'trust-banner', role: 'status', hidden: true },
    t(
      'Restricted Mode: this workspace is not trusted, so training is disabled. Layers and data can still be inspected.',
    ),
  );
  private readonly progress: VscodeProgressBar = h('vscode-progress-bar', {
    'data-testid': 'training-progress',
    'aria-label': t('Training in progress'),
    indeterminate: true,
    hidden: true,
  });

  constructor() {
    this.element = h(
      'header',
      { class: 'status-header', 'data-testid': 'status-header' },
      h('div', { class: 'status-line' }, this.base, this.status, this.run, this.backend),
      this.progress,
      this.message,
      this.trust,
    );
  }

  show(s: PanelSnapshot): void {
    const b = s.base;
    // A text run shown without an image base: its kept text model is what it stands on.
    const text = s.evaluation?.text;
    replaceChildren(
      this.base,
      b
        ? t('{0} · {1} layers · {2} parameters', b.title, b.layers.length, formatCount(b.totalParams))
        : text
          ? t('Text model: {0}', textModelWords(text.kept))
          : s.baseError
            ? t('Base not loaded')
            : t('No base'),
    );
    if (b?.credit) this.base.title = b.credit;
    this.status.hidden = false;
    this.status.textContent = statusText()[s.training.status] ?? s.training.status;
    this.status.dataset.status = s.training.status;
    this.run.textContent = s.training.runName ?? '';
    this.run.title = s.training.runDir ?? '';
    // What runs in the CLI's words (backend, threads, the frozen part's runtime); every kernel on hover.
    this.backend.textContent = s.training.backend ?? '';
    this.backend.title = s.training.backendDetail ?? '';
    this.message.textContent = s.training.message ?? '';
    this.message.hidden = !s.training.message;
    this.message.classList.toggle('error', s.training.status === 'failed');
    this.progress.hidden = s.training.status !== 'running' && s.training.status !== 'cancelling';
    this.trust.hidden = s.trusted;
  }
}

/** The text models a text run keeps, in words (names as the engine writes them). */
export function textModelWords(kept: string): string {
  const words: Record<string, string> = {
    glove: t('GloVe-100 word vectors (built-in), pooled'),
    lexical: t('word and character n-gram TF-IDF'),
    fused: t('GloVe-100 word vectors and n-gram TF-IDF, averaged'),
    tuned: t('GloVe-100 word vectors fine-tuned with the head'),
  };
  return words[kept] ? `${kept} · ${words[kept]}` : kept;
}
