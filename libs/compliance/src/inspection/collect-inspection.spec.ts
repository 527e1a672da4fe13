import { inspectionThresholds } from './collect-inspection';

describe('inspection thresholds from an organisation’s settings', () => {
  it('takes a stricter (lower) threshold, never a laxer one than 国办秘函〔2019〕19号', () => {
    expect(inspectionThresholds({ inspectionThresholds: { staleRuledColumns: 3, staleColumns: 40, blankColumns: 9 } })).toEqual({
      staleRuledColumns: 3,
      staleColumns: 10,
      blankColumns: 5,
    });
  });

  it('ignores what is not a positive integer', () => {
    expect(inspectionThresholds({ inspectionThresholds: { staleRuledColumns: 0, staleColumns: 'x', blankColumns: 2.5 } })).toEqual({});
    expect(inspectionThresholds(null)).toEqual({});
  });
});
