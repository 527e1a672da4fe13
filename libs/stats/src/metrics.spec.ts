import { dimPredicate, metricDims, metricValue, parseMetric, SqlParams } from './metrics';

describe('metrics', () => {
  it('maps report metrics to ledger dimensions', () => {
    expect(parseMetric('ledger.total')).toEqual({ type: 'dim', dim: '*' });
    expect(parseMetric('ledger.channel.wechat')).toEqual({ type: 'dim', dim: 'ch:wechat' });
    expect(parseMetric('ledger.group.other')).toEqual({ type: 'dim', dim: 'g:other' });
    expect(parseMetric('ledger.response.weiboWechat')).toEqual({ type: 'dim', dim: 'f:response-wbwx' });
    expect(parseMetric('ledger.response.otherWays')).toEqual({ type: 'dimDiff', plus: 'f:response', minus: 'f:response-wbwx' });
    expect(parseMetric('ledger.account.3F2504E0-4F89-11D3-9A0C-0305E82C3301')).toEqual({ type: 'dim', dim: 'a:3f2504e0-4f89-11d3-9a0c-0305e82c3301' });
    expect(parseMetric('docs.normative.inForce')).toEqual({ type: 'docs', kind: 'normative', measure: 'inForce' });
    expect(parseMetric('docs.memo.written')).toBeNull();
    expect(parseMetric('ledger.channel.Bad Type')).toBeNull();
    expect(parseMetric('ledger.account.not-a-uuid')).toBeNull();
    expect(parseMetric('ledger.kind.unknown')).toBeNull();
  });

  it('computes a difference metric from its two dimensions', () => {
    const def = parseMetric('ledger.response.otherWays')!;
    expect(metricDims(def)).toEqual(['f:response', 'f:response-wbwx']);
    expect(metricValue(def, new Map([['f:response', 7], ['f:response-wbwx', 3]]))).toBe(4);
  });

  it('binds values of row predicates instead of inlining them', () => {
    const p = new SqlParams();
    expect(dimPredicate('ch:portal', p.add)).toBe('p.channel_type = $1');
    expect(dimPredicate("c:x'); DROP TABLE items; --", p.add)).toBe('p.category = $2');
    expect(p.values).toEqual(['portal', "x'); DROP TABLE items; --"]);
    expect(dimPredicate('g:other', p.add)).toContain('NOT IN');
    expect(() => dimPredicate('zz:1', p.add)).toThrow();
  });
});
