import { TemplateInfo, templateName } from './stats-types';

export interface StatsFilterValues {
  org: string;
  subtree: boolean;
  template: string;
  year: number;
  /** '', 'q1'..'q4', 'm1'..'m12' */
  part: string;
}

/** The scope of the statistics page: organisation, subtree, template, year and (for non-annual templates) the part of it. */
export function StatsFilters({
  orgs,
  templates,
  years,
  value,
  set,
}: {
  orgs: { id: string; name: string; path: string }[];
  templates: TemplateInfo[] | undefined;
  years: number[];
  value: StatsFilterValues;
  set: { [K in keyof StatsFilterValues]: (v: StatsFilterValues[K]) => void };
}) {
  const { org, subtree, template, year, part } = value;
  const tpl = templates?.find((t) => t.id === template);
  const { org: setOrg, subtree: setSubtree, template: setTemplate, year: setYear, part: setPart } = set;
  return (
    <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="统计范围">
      <div className="field">
        <label htmlFor="s-org">机构</label>
        <select id="s-org" value={org} onChange={(e) => setOrg(e.target.value)}>
          {orgs.map((o) => (
            <option key={o.id} value={o.id}>
              {'　'.repeat(Math.max(0, o.path.split('/').filter(Boolean).length - 1))}
              {o.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field-inline">
        <input id="s-subtree" type="checkbox" checked={subtree} onChange={(e) => setSubtree(e.target.checked)} />
        <label htmlFor="s-subtree">含下级单位</label>
      </div>
      <div className="field">
        <label htmlFor="s-tpl">报表</label>
        <select id="s-tpl" value={template} onChange={(e) => setTemplate(e.target.value)}>
          {(templates ?? [{ id: 'gov-2014', title: '政府信息公开情况统计表' } as TemplateInfo]).map((t) => (
            <option key={t.id} value={t.id}>
              {templateName(t)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="s-year">年度</label>
        <select id="s-year" value={year} onChange={(e) => setYear(Number(e.target.value))}>
          {years.map((y) => (
            <option key={y} value={y}>
              {y}年
            </option>
          ))}
        </select>
      </div>
      {tpl && !tpl.annual ? (
        <div className="field">
          <label htmlFor="s-part">期间</label>
          <select id="s-part" value={part} onChange={(e) => setPart(e.target.value)}>
            <option value="">全年</option>
            {[1, 2, 3, 4].map((q) => (
              <option key={q} value={`q${q}`}>
                第{q}季度
              </option>
            ))}
            {Array.from({ length: 12 }, (_, i) => (
              <option key={i} value={`m${i + 1}`}>
                {i + 1}月
              </option>
            ))}
          </select>
        </div>
      ) : null}
    </form>
  );
}
