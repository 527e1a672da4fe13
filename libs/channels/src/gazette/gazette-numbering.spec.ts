import { issueLabel, issueSlug, nextIssueNumber, periodKey } from './gazette-numbering';

describe('gazette numbering (年 / 期 / 总期)', () => {
  const start = { year: null, issueNo: 1, totalNo: 1 };

  it('prints the numbering the way gazettes do', () => {
    expect(issueLabel({ year: 2026, issueNo: 3, totalNo: 123 })).toBe('2026年第3期（总第123期）');
    expect(issueSlug({ year: 2026, issueNo: 3 })).toBe('2026-03');
    expect(issueSlug({ year: 2026, issueNo: 24 })).toBe('2026-24');
  });

  it('counts up within a year and restarts the issue of the year (not the total) in a new Beijing year', () => {
    const last = { year: 2026, issueNo: 11, totalNo: 132 };
    expect(nextIssueNumber(last, start, new Date('2026-12-20T00:00:00Z'))).toEqual({ year: 2026, issueNo: 12, totalNo: 133 });
    // 2026-12-31T16:30Z is already 2027-01-01 in Beijing.
    expect(nextIssueNumber(last, start, new Date('2026-12-31T16:30:00Z'))).toEqual({ year: 2027, issueNo: 1, totalNo: 133 });
    expect(nextIssueNumber(last, start, new Date('2026-12-31T15:30:00Z'))).toEqual({ year: 2026, issueNo: 12, totalNo: 133 });
  });

  it('starts from the configured numbering of a gazette that existed before the system', () => {
    const now = new Date('2026-05-10T02:00:00Z');
    expect(nextIssueNumber(null, { year: 2026, issueNo: 5, totalNo: 125 }, now)).toEqual({ year: 2026, issueNo: 5, totalNo: 125 });
    expect(nextIssueNumber(null, { year: 2025, issueNo: 9, totalNo: 125 }, now)).toEqual({ year: 2026, issueNo: 1, totalNo: 125 });
    expect(nextIssueNumber(null, { year: null, issueNo: 1, totalNo: 121 }, now)).toEqual({ year: 2026, issueNo: 1, totalNo: 121 });
    expect(nextIssueNumber(null, start, now)).toEqual({ year: 2026, issueNo: 1, totalNo: 1 });
  });

  it('keys schedule periods by the Beijing calendar for each frequency', () => {
    const endOfJanUtc = new Date('2026-01-31T16:30:00Z'); // 2026-02-01 00:30 in Beijing
    expect(periodKey('monthly', endOfJanUtc)).toBe('2026-02');
    expect(periodKey('monthly', new Date('2026-01-31T15:59:59Z'))).toBe('2026-01');
    expect(periodKey('semi-monthly', new Date('2026-03-15T15:00:00Z'))).toBe('2026-03a');
    expect(periodKey('semi-monthly', new Date('2026-03-15T16:00:00Z'))).toBe('2026-03b');
    expect(periodKey('bimonthly', new Date('2026-03-01T00:00:00Z'))).toBe('2026-b2');
    expect(periodKey('bimonthly', new Date('2026-04-30T00:00:00Z'))).toBe('2026-b2');
    expect(periodKey('bimonthly', new Date('2026-12-30T00:00:00Z'))).toBe('2026-b6');
    expect(periodKey('manual', endOfJanUtc)).toBeNull();
  });
});
