import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppError } from '@app/common/errors/app-error';
import { LEXICON_DIR } from '../testing/fixtures';
import { addLexiconDocument, emptyLexicons, loadLexicons } from './lexicon-loader';

describe('loadLexicons', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lexicons-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads YAML and JSON of every kind', () => {
    fs.writeFileSync(
      path.join(dir, 'a.yaml'),
      'kind: sensitive\nid: demo\ncategory: 演示\nseverity: review\nterms:\n  - 词一\n  - { term: 词二, severity: block, suggestion: 词三, allowedContexts: [原词二] }\n',
    );
    fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ kind: 'typos', pairs: [{ wrong: '按装', right: '安装' }] }));
    fs.writeFileSync(path.join(dir, 'c.yml'), 'kind: secrecy\nphrases: [请勿外传]\n');
    fs.writeFileSync(path.join(dir, 'd.json'), JSON.stringify({ kind: 'charmap', pairs: ['國国們们'] }));
    fs.writeFileSync(path.join(dir, 'readme.txt'), 'ignored');
    const lex = loadLexicons(dir);
    expect(lex.files).toEqual(['a.yaml', 'b.json', 'c.yml', 'd.json']);
    expect(lex.sensitive.map((e) => [e.term, e.severity, e.categoryId, e.categoryName, e.suggestion, e.allowedContexts])).toEqual([
      ['词一', 'review', 'demo', '演示', undefined, []],
      ['词二', 'block', 'demo', '演示', '词三', ['原词二']],
    ]);
    expect(lex.typos[0]).toMatchObject({ term: '按装', suggestion: '安装', severity: 'warn', categoryId: 'b' });
    expect(lex.secrecyPhrases).toEqual(['请勿外传']);
    expect([...lex.charMaps[0]]).toEqual([
      ['國', '国'],
      ['們', '们'],
    ]);
  });

  it('reports every problem at once with file and place', () => {
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'kind: sensitive\nseverity: severe\nterms:\n  - { term: 词, allowedContexts: [无关短语] }\n  - 42\n');
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ not json');
    fs.writeFileSync(path.join(dir, 'kind.yaml'), 'kind: nonsense\n');
    let err: AppError | undefined;
    try {
      loadLexicons(dir);
    } catch (e) {
      err = e as AppError;
    }
    expect(err).toBeInstanceOf(AppError);
    expect(err!.code).toBe('LEXICON_INVALID');
    expect(err!.message).toMatch(/词库配置有误/);
    const fields = (err!.details as Array<{ field: string }>).map((d) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['bad.yaml:severity', 'bad.yaml:terms[0].allowedContexts', 'bad.yaml:terms[1]', 'broken.json', 'kind.yaml:kind']),
    );
  });

  it('rejects typo pairs without a correction', () => {
    const problems = addLexiconDocument({ kind: 'typos', pairs: [{ wrong: '按装' }] }, 't.yaml', emptyLexicons());
    expect(problems).toEqual([{ field: 't.yaml:pairs[0]', reason: '错误写法和正确写法都要填写' }]);
  });

  it('loads the shipped config/lexicons', () => {
    const lex = loadLexicons(LEXICON_DIR);
    expect(lex.sensitive.length).toBeGreaterThan(40);
    expect(lex.typos.length).toBeGreaterThanOrEqual(50);
    expect(lex.charMaps[0].get('國')).toBe('国');
    expect(lex.charMaps[0].size).toBeGreaterThan(2000);
  });
});
