/**
 * What every detector returns. Positions are UTF-16 offsets into the string the caller passed for that
 * field (for HTML fields: the original HTML, not its text content), so the console can highlight them
 * and `redact` can rewrite them without re-running the checks.
 */
export type Severity = 'block' | 'review' | 'warn';

export const SEVERITY_RANK: Record<Severity, number> = { warn: 1, review: 2, block: 3 };

export interface Finding {
  /** Stable machine id of the check, e.g. `secrecy-mark`, `personal-id-card`, `sensitive-word`. */
  rule: string;
  severity: Severity;
  field: string;
  /** Inclusive start offset in the field's original string. */
  start: number;
  /** Exclusive end offset in the field's original string. */
  end: number;
  /** The matched text as a reader sees it; personal data is already masked here, so a finding row never stores it in clear. */
  excerpt: string;
  /** What an editor or reviewer reads (Simplified Chinese). */
  message: string;
  /** Suggested replacement, where the rule has one (typos, outdated wording). */
  suggestion?: string;
  /** Lexicon category id for lexicon-driven rules. */
  category?: string;
}

/** One field to check. `html` overrides the input-wide flag for this field (title is plain, body is HTML). */
export interface CheckField {
  field: string;
  text: string;
  html?: boolean;
}

export interface CheckInput {
  fields: CheckField[];
  html?: boolean;
}

/**
 * A hit in a detector's own coordinates: offsets into the plain text the detector was given. The checker
 * maps them back to the field's original string.
 */
export interface TextHit {
  rule: string;
  severity: Severity;
  start: number;
  end: number;
  excerpt: string;
  message: string;
  suggestion?: string;
  category?: string;
}

/** Rule ids, so the lead can refer to them without string literals scattered around. */
export const RULES = {
  secrecyMark: 'secrecy-mark',
  secrecyPhrase: 'secrecy-phrase',
  idCard: 'personal-id-card',
  mobile: 'personal-mobile',
  bankCard: 'personal-bank-card',
  personName: 'personal-name',
  personAddress: 'personal-address',
  sensitiveWord: 'sensitive-word',
  typo: 'typo',
  brokenLink: 'link-broken',
  refusedLink: 'link-refused',
  attachmentUnreadable: 'attachment-unreadable',
} as const;

/** Rules whose findings `redact` can mask. */
export const PERSONAL_DATA_RULES: ReadonlySet<string> = new Set([RULES.idCard, RULES.mobile, RULES.bankCard, RULES.personName, RULES.personAddress]);
