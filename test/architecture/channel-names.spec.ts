import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Channel knowledge lives in the channel (libs/channels/src/<type>/, apps/console/src/channels/<type>/):
 * generic code reads what an adapter declares (ChannelCapabilities) and never names a channel. This
 * fails when a channel type's name appears in generic code as a quoted string literal ('wechat',
 * "led", `gazette`) or inside SQL text (channel_type = 'portal'). Comments and longer words
 * ('wechat-preview', 'portalUrl') do not count. Unit specs beside the code are test data, not generic code.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const CHANNEL_NAMES = ['portal', 'wechat', 'weibo', 'gazette', 'led', 'huidu', 'novastar', 'testchan'];
const GENERIC: { dir: string; except?: RegExp }[] = [
  { dir: 'libs/channels/src/engine' },
  { dir: 'libs/stats/src', except: /\/migrations\// },
  { dir: 'libs/compliance/src', except: /\/migrations\// },
  { dir: 'apps/api/src/compliance' },
  { dir: 'apps/console/src/pages' },
  { dir: 'apps/console/src/components' },
];

const NAME = new RegExp(`^(${CHANNEL_NAMES.join('|')})$`);
const IN_SQL = new RegExp(`'(${CHANNEL_NAMES.join('|')})'`);

export interface NameHit {
  line: number;
  text: string;
}

/** Channel names in the string literals and template texts of one TypeScript source. */
export function channelNamesIn(fileName: string, source: string): NameHit[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const hits: NameHit[] = [];
  const visit = (node: ts.Node) => {
    let text: string | null = null;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) text = node.text;
    else if (ts.isJsxText(node)) text = null;
    if (text !== null && (NAME.test(text) || IN_SQL.test(text))) {
      hits.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: node.getText(sf).slice(0, 80) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return hits;
}

function sources(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|tsx)$/.test(e.name) && !/\.(spec|int-spec)\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('channel names stay out of generic code', () => {
  it('the check catches quoted names and names in SQL, not comments or longer words', () => {
    const src = [
      `// the portal and 'wechat' in a comment`,
      `const a = 'wechat';`,
      `const b = x === "led" ? 1 : 2;`,
      'const c = `gazette`;',
      "const d = `SELECT 1 FROM deliveries WHERE channel_type = 'portal' AND id = ${id}`;",
      `const e = { testid: 'wechat-preview', key: 'portalUrl', weibo: 1 };`,
      `type T = 'huidu' | 'other';`,
      `const f = <div data-x="novastar">weibo</div>;`,
    ].join('\n');
    expect(channelNamesIn('x.tsx', src).map((h) => h.line)).toEqual([2, 3, 4, 5, 7, 8]);
  });

  it('no generic file names a channel', () => {
    const offenders: string[] = [];
    for (const { dir, except } of GENERIC) {
      for (const file of sources(path.join(ROOT, dir))) {
        const rel = path.relative(ROOT, file);
        if (except?.test(`/${rel}`)) continue;
        for (const h of channelNamesIn(file, fs.readFileSync(file, 'utf8'))) offenders.push(`${rel}:${h.line} ${h.text}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
