import { Contribution, fourEyesRefusal, reviewChanges } from './four-eyes';

const at = '2026-12-06T08:00:00Z';
const c = (userId: string, action: Contribution['action'], o: Partial<Contribution> = {}): Contribution => ({
  userId,
  username: userId,
  action,
  fields: [],
  at,
  round: null,
  ...o,
});

describe('four-eyes policy', () => {
  it('lets a reviewer who contributed nothing approve', () => {
    expect(fourEyesRefusal('r', 1, [c('e', 'create'), c('e', 'change', { fields: ['title'] }), c('e', 'submit', { round: 1 })])).toBeNull();
  });

  it('refuses a changer, naming each field changed', () => {
    const e = fourEyesRefusal('x', 1, [
      c('e', 'create'),
      c('x', 'change', { fields: ['title'] }),
      c('x', 'change', { fields: ['bodyHtml', 'title'] }),
      c('e', 'submit', { round: 1 }),
    ])!;
    expect(e.code).toBe('FOUR_EYES');
    expect(e.status).toBe(403);
    expect(e.message).toContain('修改（标题、正文）');
    expect((e.details as { field: string }[]).map((d) => d.field)).toEqual(['title', 'bodyHtml']);
  });

  it("refuses the submitter of this round, not an earlier round's", () => {
    const list = [c('e', 'create'), c('x', 'submit', { round: 1 }), c('e', 'submit', { round: 2 })];
    expect(fourEyesRefusal('x', 2, list)).toBeNull();
    const e = fourEyesRefusal('e', 2, list)!;
    expect(e.message).toContain('撰写、提交审核');
  });

  it('records a redaction without barring the reviewer who made it', () => {
    const list = [c('e', 'create'), c('e', 'submit', { round: 1 }), c('r', 'redact', { fields: ['bodyHtml'] })];
    expect(fourEyesRefusal('r', 1, list)).toBeNull();
    expect(reviewChanges(list).map((x) => [x.userId, x.action])).toEqual([
      ['e', 'create'],
      ['e', 'submit'],
      ['r', 'redact'],
    ]);
    expect(reviewChanges(list)[0]).not.toHaveProperty('round');
  });
});
