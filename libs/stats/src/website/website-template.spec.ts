import * as path from 'path';
import { load } from 'js-yaml';
import * as fs from 'fs';
import { TemplateError } from '../report-template';
import { normaliseWebsiteTemplate, websiteDefOf } from './website-template';

const FILE = path.resolve(__dirname, '../../../../config/reports/website-annual.yaml');
const raw = () => load(fs.readFileSync(FILE, 'utf8')) as any;
const ACCOUNT = '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';

describe('website template (config/reports/website-annual.yaml)', () => {
  it('loads the national rows, the site figures, the identity rows and the repeated account section', () => {
    const tpl = normaliseWebsiteTemplate(raw());
    const def = websiteDefOf(tpl)!;
    expect(def.siteRow).toBe('portal');
    expect([...def.siteCells.values()].sort()).toEqual([
      'catalogue',
      'hasNewMedia',
      'interpretations',
      'news',
      'overview',
      'responses',
      'topicsMaintained',
      'topicsNew',
    ]);
    expect([...def.infoCells.values()].sort()).toEqual(['homeUrl', 'icp', 'idCode', 'police', 'siteName', 'siteType', 'sponsor']);
    expect(def.yesNoCells.size).toBe(11);
    expect(tpl.cellIndex.get('pub.total')!.cell.metric).toBe('ledger.row.portal');
    // computed and text rows cannot be entered by hand: they are bound, and not as manual cells
    expect(tpl.cellIndex.get('pub.overview')!.cell.manual).toBeUndefined();
    expect(tpl.cellIndex.get('site.name')!.cell.manual).toBeUndefined();
  });

  it('resolves the repeated cells of any account, and nothing else', () => {
    const tpl = normaliseWebsiteTemplate(raw());
    expect(tpl.cellIndex.get(`media.${ACCOUNT}.followers`)!.cell).toMatchObject({ manual: 'integer', unit: '个' });
    expect(tpl.cellIndex.get(`media.${ACCOUNT}.items`)!.cell.metric).toBe(`ledger.account.${ACCOUNT}`);
    expect(tpl.cellIndex.has(`media.${ACCOUNT}.other`)).toBe(false);
    expect(tpl.cellIndex.has(`media.not-a-uuid.followers`)).toBe(false);
    expect(tpl.cellIndex.has(`mediaX${ACCOUNT}.followers`)).toBe(false);
    // iteration lists the fixed cells only
    expect([...tpl.cellIndex.keys()].some((k) => k.includes(ACCOUNT))).toBe(false);
  });

  it('refuses broken website blocks at load', () => {
    const broken = (edit: (r: any) => void) => {
      const r = raw();
      edit(r);
      return () => normaliseWebsiteTemplate(r);
    };
    expect(broken((r) => (r.tables[0].sections[0].rows[10].site = 'visits'))).toThrow(TemplateError);
    expect(broken((r) => (r.tables[0].sections[0].rows[0].info = 'mayor'))).toThrow(/unknown info field/);
    expect(broken((r) => delete r.tables[1].sections[0].repeat)).toThrow(/repeat: accounts/);
    expect(broken((r) => (r.tables[1].sections[0].columns = ['类型']))).toThrow(/column labels/);
    expect(broken((r) => (r.website.newsColumns = ['机构概况']))).toThrow(/both 概况类 and 政务动态/);
    expect(broken((r) => (r.website.siteRow = 'Portal!'))).toThrow(/siteRow/);
    expect(
      broken((r) => {
        r.tables[0].sections[0].rows[7].yesNo = true;
        r.tables[0].sections[0].rows[7].manual = 'decimal';
      }),
    ).toThrow(/yesNo/);
  });
});
