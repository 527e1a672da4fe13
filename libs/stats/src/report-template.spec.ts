import { loadTemplates, reportsDir } from './template-registry.service';
import { normaliseTemplate, TemplateError, templateDims } from './report-template';

describe('report templates (config/reports)', () => {
  const all = loadTemplates(reportsDir());

  it('has the three layouts', () => {
    expect([...all.keys()].sort()).toEqual(['bulletin', 'gov-2014', 'gov-2019', 'gov-2021', 'website-annual']);
    expect(all.get('gov-2014')!.layout).toBe('A');
    expect(all.get('gov-2021')!.layout).toBe('B');
    expect(all.get('bulletin')!.layout).toBe('C');
  });

  it('gov-2014 holds every row of the national table with its unit', () => {
    const t = all.get('gov-2014')!;
    const rows = t.tables[0].sections[0].rows;
    // seed 001: sections 一 to 九, 65 rows counting the headings (一 10, 二 10, 三 24, 四 4, 五 4, 六 1, 七 1, 八 7, 九 4).
    expect(rows.length).toBe(65);
    expect(rows.filter((r) => r.heading).map((r) => r.label.slice(0, 2))).toEqual(['一、', '（二', '二、', '（二', '三、', '八、', '九、']);
    const byId = (id: string) => t.cellIndex.get(id)!;
    expect(byId('1-1').cell.metric).toBe('ledger.total');
    expect(byId('1-1-b').cell).toMatchObject({ metric: 'docs.normative.written', unit: '件' });
    expect(byId('2-2-3').cell.unit).toBe('篇');
    expect(byId('7').cell).toMatchObject({ manual: 'decimal', unit: '万元' });
    expect(byId('8-4').cell).toMatchObject({ manual: 'decimal', unit: '万元' });
    expect(byId('9-3').cell).toMatchObject({ manual: 'integer', unit: '人次' });
    const computed = [...t.cellIndex.values()].filter((c) => c.cell.metric).map((c) => c.cell.id);
    expect(computed).toEqual(['1-1', '1-1-a', '1-1-b', '1-2-1', '1-2-2', '1-2-3', '1-2-4', '1-2-5', '2-1', '2-2-3', '2-2-4', '2-2-5']);
    expect(templateDims(t).sort()).toEqual(
      ['*', 'r:gazette', 'r:portal', 'r:wechat', 'r:weibo', 'f:interpretation', 'f:normative', 'f:response', 'f:response-newmedia', 'r:other'].sort(),
    );
  });

  it('gov-2021 expands table 三 per column with sums and the 一+二=三+四 check per column', () => {
    const t = all.get('gov-2021')!;
    expect(t.cellIndex.get('t2.normative.inForce')!.cell.metric).toBe('docs.normative.inForce');
    expect(t.cellIndex.get('t2.fees.amount')!.cell.manual).toBe('decimal');
    expect(t.cellIndex.get('t3.new.natural')!.cell.manual).toBe('integer');
    expect(t.cellIndex.get('t3.new.total')!.cell.sum).toEqual(['natural', 'commercial', 'research', 'welfare', 'legal', 'other'].map((c) => `t3.new.${c}`));
    expect(t.cellIndex.get('t3.denied.legal')!.cell.sum).toHaveLength(8);
    expect(t.cellIndex.get('t4.cases.afterTotal')!.cell.sum).toHaveLength(4);
    const balance = t.checks.filter((c) => c.id.startsWith('t3-balance.'));
    expect(balance).toHaveLength(7);
    expect(balance[0]).toMatchObject({
      severity: 'error',
      lhs: ['t3.new.natural', 't3.carried.natural'],
      rhs: ['t3.resultTotal.natural', 't3.carryOver.natural'],
    });
  });

  it('rejects broken templates', () => {
    const base = { id: 'x', layout: 'A', title: 'T' };
    const rows = (r: any[]) => ({ ...base, tables: [{ id: 'm', sections: [{ rows: r }] }] });
    expect(() => normaliseTemplate(rows([{ id: 'a', label: 'A', metric: 'ledger.nope' }]))).toThrow(TemplateError);
    expect(() => normaliseTemplate(rows([{ id: 'a', label: 'A', manual: 'text' }]))).toThrow(/manual must be/);
    expect(() =>
      normaliseTemplate(
        rows([
          { id: 'a', label: 'A', manual: 'integer' },
          { id: 'a', label: 'B', manual: 'integer' },
        ]),
      ),
    ).toThrow(/duplicate/);
    expect(() =>
      normaliseTemplate(
        rows([
          { id: 'a', label: 'A', sum: ['b'] },
          { id: 'b', label: 'B', sum: ['a'] },
        ]),
      ),
    ).toThrow(/cycle/);
    expect(() =>
      normaliseTemplate({ ...rows([{ id: 'a', label: 'A', manual: 'integer' }]), checks: [{ id: 'c', label: 'c', lhs: ['a'], rhs: ['zz'] }] }),
    ).toThrow(/unknown cell/);
    expect(() => normaliseTemplate({ ...base, layout: 'Z' })).toThrow(/layout/);
  });
});
