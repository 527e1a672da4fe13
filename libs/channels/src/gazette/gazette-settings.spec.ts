import { acceptedKinds, effectiveSections, parseGazetteSettings, sectionFor } from './gazette-settings';

describe('gazette settings', () => {
  it('defaults to 规章, 行政规范性文件, 人事任免; the organisation can change that, the account overrides both', () => {
    const { settings } = parseGazetteSettings({}, '示范县人民政府公报');
    expect(acceptedKinds(settings, {})).toEqual(['regulation', 'normative', 'personnel']);
    expect(acceptedKinds(settings, { gazette: { kinds: ['normative', 'interpretation'] } })).toEqual(['normative', 'interpretation']);
    const own = parseGazetteSettings({ kinds: ['regulation'] }, 'x').settings;
    expect(acceptedKinds(own, { gazette: { kinds: ['normative'] } })).toEqual(['regulation']);
  });

  it('adds a section for an accepted kind no section covers, and checks an editor section override', () => {
    const { settings } = parseGazetteSettings({}, 'x');
    const sections = effectiveSections(settings, ['regulation', 'normative', 'personnel', 'interpretation']);
    expect(sections.map((s) => s.title)).toEqual(['政府规章', '行政规范性文件', '人事任免', '政策解读']);
    expect(sectionFor(sections, 'interpretation')).toEqual({ section: '政策解读' });
    expect(sectionFor(sections, 'normative', '人事任免')).toEqual({ section: '人事任免' });
    expect(sectionFor(sections, 'normative', '广告').problem).toContain('栏目“广告”不存在');
  });

  it('reports bad settings in Chinese and strips 《》 from the title', () => {
    const r = parseGazetteSettings({ title: '《示范县人民政府公报》', frequency: 'weekly', numbering: { totalNo: -1 }, kinds: ['ads'] }, 'x');
    expect(r.settings.title).toBe('示范县人民政府公报');
    expect(r.problems.map((p) => p.field)).toEqual(['settings.frequency', 'settings.numbering.totalNo', 'settings.kinds']);
    expect(r.settings.frequency).toBe('monthly');
  });
});
