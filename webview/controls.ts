// The settings of the next training, start and cancel. Fields show the host's choices; edits are checked here
// (so the user sees a mistake at once) and sent as updateSettings; the host checks them again and echoes.
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { AUTO } from '../src/shared/autoFlow';
import type { PanelSnapshot, TrainingSettings, WebviewMessage } from '../src/shared/panelProtocol';
import {
  settingProblem,
  settingSpec,
  usesTimeBudget,
  type FlagSetting as FlagKey,
  type NumberSetting as NumberKey,
} from '../src/shared/trainingSettings';
import { h, replaceChildren } from './dom';
import { t } from './l10n';

// The bounds are the recipe's (src/shared/recipeFields.ts), the same ones the host checks again.
// Functions: the labels are looked up (webview/l10n.ts) when the controls are built, not when the module loads.
const numberFields = (): { key: NumberKey; label: string; title?: string }[] => [
  { key: 'epochs', label: t('Epochs'), title: t('auto, or a number of epochs for the first phase') },
  { key: 'learningRate', label: t('Learning rate') },
  { key: 'batchSize', label: t('Batch size') },
  { key: 'validationSplit', label: t('Validation split') },
  {
    key: 'timeBudget',
    label: t('Time budget (s)'),
    title: t('Seconds the automatic flow may train once features are cached'),
  },
];

/** The line under a field: what its word means, or how to get the word back; undefined: none. */
function fieldNote(key: NumberKey, s: TrainingSettings): { text: string; backToAuto?: boolean } | undefined {
  if (key === 'epochs')
    return s.epochs === AUTO
      ? { text: t('auto: until validation loss stops improving') }
      : { text: t('Back to auto: until validation loss stops improving'), backToAuto: true };
  if (key === 'timeBudget')
    return usesTimeBudget(s)
      ? { text: t('for the automatic choices (auto epochs, auto second phase)') }
      : { text: t('unused: neither epochs nor the second phase is auto') };
  return undefined;
}

const flags = (): { key: FlagKey; label: string; title: string }[] => [
  {
    key: 'augmentation',
    label: t('Augmentation'),
    title: t('Random flips, rotations, crops and brightness while training'),
  },
  {
    key: 'secondPhase',
    label: t('Second phase'),
    title: t(
      'After the head converges, unfreeze the top of the base at a lower learning rate (mixed: auto, tried within the time budget and kept only if validation improves)',
    ),
  },
  {
    key: 'compareScratch',
    label: t('Compare with scratch'),
    title: t('Also train the same architecture from random weights on the same split'),
  },
];

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export class Controls {
  readonly element: HTMLElement;
  private readonly numbers = new Map<NumberKey, { field: VscodeTextfield; error: HTMLElement; note: HTMLElement }>();
  private readonly flags = new Map<FlagKey, VscodeCheckbox>();
  private readonly start = h('vscode-button', { 'data-testid': 'start-training' }, t('Start training'));
  private readonly startOnRay = h(
    'vscode-button',
    {
      'data-testid': 'start-training-ray',
      secondary: true,
      title: t('Train these choices data-parallel on a Ray cluster (asks which)'),
    },
    t('Run on Ray Cluster…'),
  );
  private readonly cancel = h('vscode-button', { 'data-testid': 'cancel-training', secondary: true }, t('Cancel'));
  private readonly reason = h('p', { class: 'hint', 'data-testid': 'start-disabled-reason', hidden: true });

  constructor(private readonly post: (m: WebviewMessage) => void) {
    const form = h('div', { class: 'settings', 'data-testid': 'training-settings' });
    for (const f of numberFields()) {
      const id = `setting-${kebab(f.key)}`;
      const attrs = { id, 'data-testid': id, inputmode: 'decimal', 'aria-label': f.label, title: f.title };
      const field = h('vscode-textfield', attrs);
      const error = h('span', { class: 'field-error', role: 'alert' });
      const note = h('span', { class: 'field-note hint', 'data-testid': `${id}-note` });
      field.addEventListener('change', () => this.onNumber(f.key));
      this.numbers.set(f.key, { field, error, note });
      form.append(h('label', { class: 'setting', for: id }, h('span', {}, f.label), field, error, note));
    }
    for (const f of flags()) {
      const box = h('vscode-checkbox', { 'data-testid': `setting-${kebab(f.key)}`, title: f.title, label: f.label });
      box.addEventListener('change', () => this.post({ type: 'updateSettings', settings: { [f.key]: box.checked } }));
      this.flags.set(f.key, box);
      form.append(box);
    }
    this.start.addEventListener('click', () => {
      if (!this.start.disabled) this.post({ type: 'startTraining' });
    });
    this.startOnRay.addEventListener('click', () => {
      if (!this.startOnRay.disabled) this.post({ type: 'startTrainingOnRay' });
    });
    this.cancel.addEventListener('click', () => {
      if (!this.cancel.disabled) this.post({ type: 'cancelTraining' });
    });
    this.element = h(
      'section',
      { class: 'controls', 'data-testid': 'controls' },
      form,
      h('div', { class: 'buttons' }, this.start, this.startOnRay, this.cancel),
      this.reason,
    );
  }

  show(s: PanelSnapshot): void {
    this.showSettings(s.choices.settings);
    const running = s.training.status === 'running' || s.training.status === 'cancelling';
    const why = !s.trusted
      ? t(
          'Training is disabled in Restricted Mode: this workspace is not trusted. Trust it (Manage Workspace Trust) to train; you can still inspect layers and data.',
        )
      : running
        ? undefined
        : !s.choices.dataFolder
          ? t('Choose a dataset folder (one subfolder per class) to train.')
          : !s.base
            ? s.baseError
              ? t('The base model is not loaded: {0}', s.baseError)
              : t('The base model is not loaded.')
            : undefined;
    this.start.disabled = running || why !== undefined;
    this.startOnRay.disabled = this.start.disabled;
    this.cancel.disabled = s.training.status !== 'running';
    this.reason.hidden = why === undefined;
    replaceChildren(this.reason, why ?? '');
    for (const { field } of this.numbers.values()) field.disabled = !s.trusted;
    for (const box of this.flags.values()) box.disabled = !s.trusted;
  }

  private showSettings(settings: TrainingSettings): void {
    for (const [key, { field, error, note }] of this.numbers) {
      this.showNote(key, note, settings);
      // Never overwrite what the user is typing.
      if (document.activeElement === field) continue;
      field.value = String(settings[key]);
      field.invalid = false;
      error.textContent = '';
    }
    for (const [key, box] of this.flags) {
      box.indeterminate = settings[key] === 'auto';
      box.checked = settings[key] === true;
    }
  }

  private showNote(key: NumberKey, note: HTMLElement, settings: TrainingSettings): void {
    const n = fieldNote(key, settings);
    const link = () => {
      const b = h(
        'button',
        { type: 'button', class: 'link-button', 'data-testid': `setting-${kebab(key)}-auto` },
        n!.text,
      );
      b.addEventListener('click', () => this.post({ type: 'updateSettings', settings: { [key]: AUTO } }));
      return b;
    };
    replaceChildren(note, n ? (n.backToAuto ? link() : n.text) : '');
    note.hidden = !n;
  }

  private onNumber(key: NumberKey): void {
    const parts = this.numbers.get(key);
    if (!parts) return;
    const text = parts.field.value.trim();
    // A word the recipe field takes (epochs: auto) is a value too.
    if (settingSpec(key).words?.includes(text)) {
      [parts.field.invalid, parts.error.textContent] = [false, ''];
      this.post({ type: 'updateSettings', settings: { [key]: text } });
      return;
    }
    const value = Number(text);
    const problem = text === '' || !Number.isFinite(value) ? t('a number') : settingProblem(key, value);
    parts.field.invalid = problem !== undefined;
    // The problem itself comes from src/shared/trainingSettings (the host's and the recipe's words), in English.
    parts.error.textContent = problem ? t('Must be {0}.', problem) : '';
    if (!problem) this.post({ type: 'updateSettings', settings: { [key]: value } });
  }
}
