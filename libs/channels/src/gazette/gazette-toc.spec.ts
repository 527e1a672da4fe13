import { buildToc, compareDocNo, erratumText, TocArticleInput, tocEntries } from './gazette-toc';
import { effectiveSections, parseGazetteSettings } from './gazette-settings';

function art(id: string, over: Partial<TocArticleInput>): TocArticleInput {
  return {
    entryId: id,
    deliveryId: `d-${id}`,
    itemId: `i-${id}`,
    versionNo: 1,
    title: `文件${id}`,
    docNo: null,
    issuingBody: '示范县人民政府',
    writtenDate: '2026-03-01',
    kind: 'normative',
    indexNo: `sfx/2026-0000${id}`,
    approvedAt: '2026-03-05T00:00:00.000Z',
    section: '行政规范性文件',
    ...over,
  };
}

describe('gazette table of contents', () => {
  const { settings } = parseGazetteSettings({}, '示范县人民政府公报');
  const sections = effectiveSections(settings, ['regulation', 'normative', 'personnel']);

  it('compares 文号 numerically, not as text', () => {
    expect(compareDocNo('示政发〔2026〕8号', '示政发〔2026〕12号')).toBeLessThan(0);
    expect(compareDocNo('示政发〔2025〕30号', '示政发〔2026〕2号')).toBeLessThan(0);
    expect(compareDocNo(null, '示政发〔2026〕2号')).toBeGreaterThan(0);
  });

  it('groups by section in the configured order, orders articles by date then 文号, numbers them through the issue', () => {
    const toc = buildToc(
      sections,
      [
        art('1', { section: '人事任免', kind: 'personnel', title: '关于张三等同志任免职务的通知', writtenDate: '2026-03-02' }),
        art('2', { docNo: '示政发〔2026〕12号', writtenDate: '2026-03-10' }),
        art('3', { docNo: '示政发〔2026〕8号', writtenDate: '2026-03-10' }),
        art('4', { docNo: '示政发〔2026〕3号', writtenDate: '2026-02-20' }),
        art('5', { section: '政府规章', kind: 'regulation', writtenDate: '2026-03-20' }),
        art('6', { writtenDate: null }),
      ],
      [],
    );
    expect(toc.sections.map((s) => s.title)).toEqual(['政府规章', '行政规范性文件', '人事任免']);
    expect(toc.sections[1].entries.map((e) => e.entryId)).toEqual(['4', '3', '2', '6']);
    expect(tocEntries(toc).map((e) => [e.entryId, e.position, e.anchor])).toEqual([
      ['5', 1, 'a1'],
      ['4', 2, 'a2'],
      ['3', 3, 'a3'],
      ['2', 4, 'a4'],
      ['6', 5, 'a5'],
      ['1', 6, 'a6'],
    ]);
  });

  it('keeps an operator order, puts sections that no longer exist after the configured ones and errata last', () => {
    const toc = buildToc(
      sections,
      [art('1', { position: 2 }), art('2', { position: 1 }), art('3', { section: '机构设置', position: 3 })],
      [
        {
          entryId: 'e1',
          deliveryId: 'dx',
          itemId: 'ix',
          title: '旧文件',
          docNo: '示政发〔2026〕1号',
          text: '……特此更正。',
          correctsIssueId: 'iss1',
          correctsLabel: '2026年第1期（总第121期）',
          createdAt: '2026-03-03T00:00:00Z',
        },
      ],
      true,
    );
    expect(toc.sections.map((s) => s.title)).toEqual(['行政规范性文件', '机构设置', '勘误']);
    expect(toc.sections[0].entries.map((e) => e.entryId)).toEqual(['2', '1']);
    const last = tocEntries(toc).at(-1)!;
    expect(last.erratum?.correctsLabel).toBe('2026年第1期（总第121期）');
    expect(last.title).toBe('关于《旧文件》的勘误');
    expect(last.position).toBe(4);
  });

  it('writes the erratum for a withdrawn article with the issue it appeared in', () => {
    const t = erratumText({
      title: '示范县城区停车管理办法',
      docNo: '示政发〔2026〕8号',
      issueLabel: '2026年第3期（总第123期）',
      withdrawnOn: '2026-04-02',
      reason: '内容有误。',
    });
    expect(t).toBe(
      '本刊2026年第3期（总第123期）刊登的《示范县城区停车管理办法》（示政发〔2026〕8号）已于2026-04-02撤回，不再作为公开的政府信息。撤回原因：内容有误。特此更正。',
    );
  });
});
