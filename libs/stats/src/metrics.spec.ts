import { dimPredicate, metricDims, metricValue, parseMetric, SqlParams } from './metrics';

describe('metrics', () => {
  it('maps report metrics to ledger dimensions', () => {
    expect(parseMetric('ledger.total')).toEqual({ type: 'dim', dim: '*' });
    expect(parseMetric('ledger.row.other')).toEqual({ type: 'dim', dim: 'r:other' });
    expect(parseMetric('ledger.row.anyrow')).toEqual({ type: 'dim', dim: 'r:anyrow' });
    expect(parseMetric('ledger.channel.anytype')).toEqual({ type: 'dim', dim: 'ch:anytype' });
    expect(parseMetric('ledger.response.newMedia')).toEqual({ type: 'dim', dim: 'f:response-newmedia' });
    expect(parseMetric('ledger.response.otherWays')).toEqual({ type: 'dimDiff', plus: 'f:response', minus: 'f:response-newmedia' });
    expect(parseMetric('ledger.account.3F2504E0-4F89-11D3-9A0C-0305E82C3301')).toEqual({ type: 'dim', dim: 'a:3f2504e0-4f89-11d3-9a0c-0305e82c3301' });
    expect(parseMetric('docs.normative.inForce')).toEqual({ type: 'docs', kind: 'normative', measure: 'inForce' });
    expect(parseMetric('docs.regulation.published')).toEqual({ type: 'docs', kind: 'regulation', measure: 'published' });
    expect(parseMetric('docs.normative.publicTotal')).toEqual({ type: 'docs', kind: 'normative', measure: 'publicTotal' });
    expect(parseMetric('docs.normative.withdrawn')).toBeNull();
    expect(parseMetric('docs.memo.written')).toBeNull();
    expect(parseMetric('ledger.channel.Bad Type')).toBeNull();
    expect(parseMetric('ledger.row.Bad Row')).toBeNull();
    expect(parseMetric('ledger.account.not-a-uuid')).toBeNull();
    expect(parseMetric('ledger.kind.unknown')).toBeNull();
  });

  it('still reads the metric ids stored before report rows were data', () => {
    expect(parseMetric('ledger.group.other')).toEqual(parseMetric('ledger.row.other'));
    expect(parseMetric('ledger.response.weiboWechat')).toEqual(parseMetric('ledger.response.newMedia'));
  });

  it('computes a difference metric from its two dimensions', () => {
    const def = parseMetric('ledger.response.otherWays')!;
    expect(metricDims(def)).toEqual(['f:response', 'f:response-newmedia']);
    expect(
      metricValue(
        def,
        new Map([
          ['f:response', 7],
          ['f:response-newmedia', 3],
        ]),
      ),
    ).toBe(4);
  });

  it('binds values of row predicates instead of inlining them', () => {
    const p = new SqlParams();
    expect(dimPredicate('ch:anytype', p.add)).toBe('p.channel_type = $1');
    expect(dimPredicate("c:x'); DROP TABLE items; --", p.add)).toBe('p.category = $2');
    expect(dimPredicate('r:other', p.add)).toBe('p.report_row = $3');
    expect(p.values).toEqual(['anytype', "x'); DROP TABLE items; --", 'other']);
    expect(dimPredicate('f:response-newmedia', p.add)).toBe('(p.is_response AND p.new_media)');
    expect(() => dimPredicate('zz:1', p.add)).toThrow();
  });
});
