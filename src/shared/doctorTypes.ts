// What the data doctor reports: the CLI prints it (or writes it as JSON, the schema in the README), the
// editor turns it into diagnostics and the Data Issues view. Paths are absolute; classes are folder names.

/** What kind of problem a finding is. */
export type FindingKind = 'label' | 'duplicate' | 'near-duplicate' | 'outlier';

/** What the doctor suggests; nothing happens until the user chooses it. */
export type FindingAction = 'move' | 'delete' | 'review';

/** One flagged example. */
export interface DoctorFinding {
  kind: FindingKind;
  path: string;
  /** The class folder the file is in. */
  label: string;
  /**
   * 0–1, higher is more likely a real problem. label: 1 − the probe's probability of the given label;
   * duplicate: 1; near-duplicate: 1 − the thumbnails' pixel distance; outlier: the share of examples less isolated.
   */
  score: number;
  action: FindingAction;
  /** label: the class the probe finds more likely. */
  suggestedClass?: string;
  /** duplicate, near-duplicate: the copy that stays (the first by path). */
  duplicateOf?: string;
  /** One sentence for people. */
  detail: string;
}

/** Two classes the probe mixes up often. */
export interface ConfusedPair {
  classes: [string, string];
  /** Examples of either class predicted as the other. */
  count: number;
  /** `count` over the smaller class's size. */
  share: number;
}

/** Counts behind the summary line. */
export interface DoctorSummary {
  examples: number;
  label: number;
  duplicate: number;
  nearDuplicate: number;
  outlier: number;
  /** Distinct files with at least one finding. */
  flagged: number;
}

/** The result of `transfer-studio doctor` and of Check Data. */
export interface DoctorReport {
  folder: string;
  base: string;
  seed: number;
  classes: string[];
  /** Ranked: label issues, then duplicates, near-duplicates and outliers, each by score, highest first. */
  findings: DoctorFinding[];
  confusedPairs: ConfusedPair[];
  summary: DoctorSummary;
  /** Checks that were skipped or limited, and why. */
  notes: string[];
}

/** Training warns when the last check flagged at least this share of the examples… */
export const DOCTOR_WARN_SHARE = 0.03;
/** …and at least this many. */
export const DOCTOR_WARN_MIN = 3;

/** The warning training gives when the last check of its folder flagged many examples still present. */
export function flaggedWarning(flagged: number, examples: number): string | undefined {
  if (examples === 0 || flagged < DOCTOR_WARN_MIN || flagged < DOCTOR_WARN_SHARE * examples) return undefined;
  const share = ((100 * flagged) / examples).toFixed(1);
  return `The last data check flagged ${flagged} of ${examples} images (${share}%) that are still in place; run "transfer-studio doctor" or Check Data to review them.`;
}
