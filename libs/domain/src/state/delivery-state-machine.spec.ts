import { DELIVERY_STATES } from '../enums/domain-enums';
import {
  assertDeliveryTransition,
  assertDeliveryTransitions,
  canTransition,
  DELIVERY_TRANSITIONS,
  DeliveryTransitionError,
  sourcesOf,
} from './delivery-state-machine';

describe('delivery state machine (transitions as data)', () => {
  it('names every state, and only known states as successors', () => {
    expect(Object.keys(DELIVERY_TRANSITIONS).sort()).toEqual([...DELIVERY_STATES].sort());
    for (const next of Object.values(DELIVERY_TRANSITIONS)) for (const s of next) expect(DELIVERY_STATES).toContain(s);
  });

  it('withdrawn is final; every other state can be left', () => {
    expect(DELIVERY_TRANSITIONS.withdrawn).toEqual([]);
    for (const s of DELIVERY_STATES.filter((x) => x !== 'withdrawn')) expect(DELIVERY_TRANSITIONS[s].filter((t) => t !== s).length).toBeGreaterThan(0);
  });

  it('allows what the engine does, refuses what it must never do', () => {
    expect(canTransition('pending', 'processing')).toBe(true);
    expect(canTransition('processing', 'published')).toBe(true);
    expect(canTransition('awaiting_issue', 'published')).toBe(true);
    expect(canTransition('withdrawing', 'withdrawn')).toBe(true);
    // a publication is never undone into sending again, a withdrawn one never republished
    expect(canTransition('published', 'pending')).toBe(false);
    expect(canTransition('published', 'processing')).toBe(false);
    expect(canTransition('withdrawn', 'published')).toBe(false);
    expect(canTransition('cancelled', 'published')).toBe(false);
    // something that may have gone out is not simply cancelled
    expect(canTransition('awaiting_confirmation', 'cancelled')).toBe(false);
    expect(canTransition('unconfirmed', 'cancelled')).toBe(false);
    expect(canTransition('pending', 'nonsense')).toBe(false);
  });

  it('a refused transition is a typed error naming both states', () => {
    expect(() => assertDeliveryTransition('published', 'pending')).toThrow(DeliveryTransitionError);
    try {
      assertDeliveryTransitions(['pending', 'published'], 'cancelled');
      throw new Error('not refused');
    } catch (e) {
      expect(e).toBeInstanceOf(DeliveryTransitionError);
      expect(e).toMatchObject({ code: 'INVALID_DELIVERY_TRANSITION', status: 409, from: 'published', to: 'cancelled' });
      expect((e as Error).message).toBe('发送任务不能从「已发布」变为「已取消」');
    }
    expect(assertDeliveryTransitions(['pending', 'failed'], 'cancelled')).toEqual(['pending', 'failed']);
  });

  it('sourcesOf reads the table backwards', () => {
    expect(sourcesOf('withdrawn').sort()).toEqual(['published', 'withdrawing']);
    expect(sourcesOf('awaiting_issue')).toEqual(['processing']);
  });
});
