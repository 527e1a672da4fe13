import { tickJobId, validateSchedule } from './schedule-validation';

const task = (name: string, cron: string) => ({ name, cron: () => cron });

describe('validateSchedule', () => {
  it('accepts unique names with valid expressions, seconds field included', () => {
    expect(() => validateSchedule([task('delivery-sweep', '*/15 * * * * *'), task('led-sync', '0 * * * *')])).not.toThrow();
  });

  it('names every problem: duplicate names, malformed names, invalid expressions', () => {
    let message = '';
    try {
      validateSchedule([task('led-sync', '0 * * * * *'), task('led-sync', '0 * * * * *'), task('Bad Name', '* * * * *'), task('gazette', 'every minute')]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('"led-sync" is registered twice');
    expect(message).toContain('"Bad Name" must be lower-case');
    expect(message).toContain('task gazette: "every minute" is not a cron expression');
  });

  it('reports a task whose expression cannot be read', () => {
    const broken = {
      name: 'x',
      cron: (): string => {
        throw new Error('unset');
      },
    };
    expect(() => validateSchedule([broken])).toThrow('task x: no cron expression (unset)');
  });
});

describe('tickJobId', () => {
  it('is the same for the same slot and differs between slots, without the ":" BullMQ refuses', () => {
    const slot = new Date('2026-03-01T08:00:15Z');
    expect(tickJobId('delivery-sweep', slot)).toBe(tickJobId('delivery-sweep', new Date(slot.getTime())));
    expect(tickJobId('delivery-sweep', slot)).not.toBe(tickJobId('delivery-sweep', new Date(slot.getTime() + 15_000)));
    expect(tickJobId('delivery-sweep', slot)).not.toContain(':');
  });
});
