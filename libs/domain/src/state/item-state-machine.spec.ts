import { AppError } from '@app/common/errors/app-error';
import { ITEM_STATUSES } from '../enums/domain-enums';
import { assertItemTransition, canItemTransition, ITEM_TRANSITIONS, itemSourcesOf } from './item-state-machine';

describe('item state machine', () => {
  it('allows the review path and its exits', () => {
    for (const [from, to] of [
      ['draft', 'submitted'],
      ['rejected', 'submitted'],
      ['submitted', 'approved'],
      ['submitted', 'rejected'],
      ['submitted', 'draft'],
      ['approved', 'published'],
      ['approved', 'withdrawn'],
      ['approved', 'draft'],
      ['published', 'withdrawn'],
      ['published', 'draft'],
      ['rejected', 'draft'],
    ] as const) {
      expect([from, to, canItemTransition(from, to)]).toEqual([from, to, true]);
    }
  });

  it('refuses skipping review, leaving withdrawn and unknown statuses', () => {
    expect(canItemTransition('draft', 'approved')).toBe(false);
    expect(canItemTransition('draft', 'published')).toBe(false);
    expect(canItemTransition('submitted', 'published')).toBe(false);
    for (const s of ITEM_STATUSES) expect(canItemTransition('withdrawn', s)).toBe(false);
    expect(canItemTransition('archived', 'draft')).toBe(false);
    expect(canItemTransition('draft', 'archived')).toBe(false);
  });

  it('throws 409 INVALID_TRANSITION naming the status, in Chinese', () => {
    let err: unknown;
    try {
      assertItemTransition('approved', 'submitted');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({
      status: 409,
      code: 'INVALID_TRANSITION',
      message: '信息当前状态为「已审核」，不能提交审核',
      details: [{ field: 'status', reason: 'approved' }],
    });
    expect(() => assertItemTransition('draft', 'submitted')).not.toThrow();
  });

  it('names every status and the sources of each target', () => {
    expect(Object.keys(ITEM_TRANSITIONS).sort()).toEqual([...ITEM_STATUSES].sort());
    expect(itemSourcesOf('submitted')).toEqual(['draft', 'rejected']);
    expect(itemSourcesOf('withdrawn')).toEqual(['approved', 'published']);
  });
});
