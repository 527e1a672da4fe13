import { CheckInput, Finding, SEVERITY_RANK, TextHit } from './finding';
import { extractLinks, FoundLink, linkFindings } from './detectors/link.detector';
import { PersonalDataDetector } from './detectors/personal-data.detector';
import { SecrecyMarkDetector } from './detectors/secrecy-mark.detector';
import { SensitiveWordDetector } from './detectors/sensitive-word.detector';
import { TypoDetector } from './detectors/typo.detector';
import { LoadedLexicons, loadLexicons } from './lexicons/lexicon-loader';
import { checkLinks, LinkCheckOptions } from './links/link-checker';
import { RedactableFinding, redact, redactWithReport, RedactResult } from './redaction/redact';
import { CharFolding } from './text/char-folding';
import { htmlToTextWithMap, plainTextMap } from './text/html-text';

export interface ComplianceCheckerOptions {
  /** "Today" for birth-date plausibility of ID numbers (tests pin it). */
  today?: () => Date;
}

const MAX_EXCERPT = 200;

/**
 * The content checks an item goes through on save and on submit. Pure and synchronous (no I/O after
 * construction): build one per process from the lexicons and call `check` as often as needed.
 *
 *   const checker = ComplianceChecker.fromDirectory('config/lexicons');
 *   const findings = checker.check({ fields: [{ field: 'title', text }, { field: 'body', text: html, html: true }] });
 *
 * Findings carry offsets into each field's original string (HTML included). Link checking needs the
 * network and is separate: `await checker.checkLinks(input, opts)`.
 */
export class ComplianceChecker {
  readonly folding: CharFolding;
  private readonly secrecy: SecrecyMarkDetector;
  private readonly personal: PersonalDataDetector;
  private readonly sensitive: SensitiveWordDetector;
  private readonly typos: TypoDetector;

  constructor(
    readonly lexicons: LoadedLexicons,
    options: ComplianceCheckerOptions = {},
  ) {
    this.folding = CharFolding.create(lexicons.charMaps);
    this.secrecy = new SecrecyMarkDetector(this.folding, lexicons.secrecyPhrases);
    this.personal = new PersonalDataDetector(options.today);
    this.sensitive = new SensitiveWordDetector(lexicons.sensitive, this.folding);
    this.typos = new TypoDetector(lexicons.typos, this.folding);
  }

  static fromDirectory(dir: string, options: ComplianceCheckerOptions = {}): ComplianceChecker {
    return new ComplianceChecker(loadLexicons(dir), options);
  }

  check(input: CheckInput): Finding[] {
    const findings: Finding[] = [];
    input.fields.forEach((f) => {
      const html = f.html ?? input.html ?? false;
      const map = html ? htmlToTextWithMap(f.text) : plainTextMap(f.text);
      const text = map.text;
      const norm = this.folding.normalize(text);
      const hits: TextHit[] = [
        ...this.secrecy.detect(text, norm),
        ...this.personal.detect(text),
        ...this.sensitive.detect(text, norm),
        ...this.typos.detect(text, norm),
      ];
      const own: Finding[] = hits.map((h) => ({
        ...h,
        field: f.field,
        start: map.starts[h.start],
        end: map.ends[h.end - 1],
        excerpt: h.excerpt.length > MAX_EXCERPT ? `${h.excerpt.slice(0, MAX_EXCERPT)}…` : h.excerpt,
      }));
      own.sort((a, b) => a.start - b.start || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.end - b.end);
      findings.push(...own);
    });
    return findings;
  }

  /** Outgoing links of the fields, with positions. */
  extractLinks(input: CheckInput): FoundLink[] {
    return extractLinks(input);
  }

  /** Fetch every outgoing link (SSRF-guarded) and return warn findings for broken and refused ones. */
  async checkLinks(input: CheckInput, options: LinkCheckOptions = {}): Promise<Finding[]> {
    const links = extractLinks(input);
    if (!links.length) return [];
    const results = await checkLinks(
      links.map((l) => l.url),
      options,
    );
    return linkFindings(links, results);
  }

  /** See redaction/redact.ts. `findings` are those of this one field. */
  redact(text: string, findings: readonly RedactableFinding[], opts: { html?: boolean } = {}): string {
    return redact(text, findings, opts);
  }

  redactWithReport(text: string, findings: readonly RedactableFinding[], opts: { html?: boolean } = {}): RedactResult {
    return redactWithReport(text, findings, opts);
  }
}

/** True when any finding blocks submission outright. */
export function hasBlockingFindings(findings: readonly Pick<Finding, 'severity'>[]): boolean {
  return findings.some((f) => f.severity === 'block');
}
