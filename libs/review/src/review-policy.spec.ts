import { AppError } from '@app/common/errors/app-error';
import { DEFAULT_REVIEW_POLICY, legacyReviewPolicy, normaliseReviewPolicy, reviewPolicyProblems } from './review-policy';

const l = (label: string, role: string, recordsSecrecy: boolean) => ({ label, role, recordsSecrecy });
const fields = (levels: unknown) => reviewPolicyProblems(levels).map((p) => p.field);

describe('review policy', () => {
  it('defaults to one reviewer level recording secrecy (the behaviour before policies)', () => {
    expect(DEFAULT_REVIEW_POLICY).toEqual([l('审核', 'reviewer', true)]);
    expect(reviewPolicyProblems(DEFAULT_REVIEW_POLICY)).toEqual([]);
  });

  it('turns the old number of levels into that many reviewer levels, each recording secrecy', () => {
    expect(legacyReviewPolicy(1)).toEqual(DEFAULT_REVIEW_POLICY);
    expect(legacyReviewPolicy(2).map((x) => x.label)).toEqual(['初审', '终审']);
    expect(legacyReviewPolicy(3).map((x) => x.label)).toEqual(['初审', '复审', '终审']);
    expect(legacyReviewPolicy(5).map((x) => x.label)).toEqual(['初审', '复审', '三审', '四审', '终审']);
    expect(legacyReviewPolicy(4).every((x) => x.role === 'reviewer' && x.recordsSecrecy)).toBe(true);
    for (const n of [1, 2, 3, 4, 5]) expect(reviewPolicyProblems(legacyReviewPolicy(n))).toEqual([]);
  });

  it('accepts 三审 with a role per level and secrecy at the last level', () => {
    expect(reviewPolicyProblems([l('初审', 'reviewer', false), l('复审', 'reviewer_lead', false), l('终审', 'leader', true)])).toEqual([]);
    expect(reviewPolicyProblems([l('初审', 'reviewer', true), l('终审', 'leader', true)])).toEqual([]);
  });

  it('refuses 0 or more than 5 levels, and what is not a list', () => {
    expect(fields([])).toEqual(['levels']);
    expect(fields(Array.from({ length: 6 }, (_, i) => l(`第${i}级`, 'reviewer', true)))).toEqual(['levels']);
    expect(fields({ label: '审核' })).toEqual(['levels']);
  });

  it('names each broken level field', () => {
    const problems = reviewPolicyProblems([
      l(' ', 'reviewer', false),
      l('复审', 'editor', false),
      l('复审', 'chief', 'yes' as never),
      { ...l('终审', 'leader', false), extra: 1 },
    ]);
    expect(problems.map((p) => p.field)).toEqual([
      'levels.0.label',
      'levels.1.role',
      'levels.2.label',
      'levels.2.role',
      'levels.2.recordsSecrecy',
      'levels.3.extra',
      'levels.3.recordsSecrecy',
    ]);
    expect(problems.find((p) => p.field === 'levels.1.role')!.reason).toContain('信息员');
    expect(problems.find((p) => p.field === 'levels.3.recordsSecrecy')!.reason).toContain('最后一级');
  });

  it('normalises (labels trimmed, nothing else kept) or throws 400 VALIDATION_FAILED', () => {
    expect(normaliseReviewPolicy([l(' 初审 ', 'reviewer', false), l('终审', 'leader', true)])).toEqual([
      l('初审', 'reviewer', false),
      l('终审', 'leader', true),
    ]);
    let err: unknown;
    try {
      normaliseReviewPolicy([l('终审', 'operator', true)]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', details: [{ field: 'levels.0.role' }] });
  });
});
