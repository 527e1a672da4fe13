import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppError } from '@app/common/errors/app-error';
import { ComplianceChecker } from '@app/compliance/compliance-checker';
import { LEXICON_DIR } from '@app/compliance/testing/fixtures';
import { applyEntryEdits, buildLexicons, FileLexicon, LexiconDoc, LexiconOverride, mergeLexicons, readLexiconFiles, summarize } from './lexicon-documents';

const override = (id: string, doc: Record<string, unknown>, disabled = false): LexiconOverride => ({
  id,
  kind: doc.kind as LexiconOverride['kind'],
  doc: { ...doc, id } as LexiconDoc,
  disabled,
  updatedAt: null,
  updatedBy: null,
});

describe('lexicon documents', () => {
  let dir: string;
  let files: FileLexicon[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lexdocs-'));
    fs.writeFileSync(path.join(dir, 'b-typos.yaml'), 'kind: typos\nid: typos\npairs:\n  - { wrong: 惯彻, right: 贯彻 }\n');
    fs.writeFileSync(path.join(dir, 'a-words.json'), JSON.stringify({ kind: 'sensitive', severity: 'review', category: '测试', terms: ['甲词'] }));
    files = readLexiconFiles(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads files in name order with their ids (file name when the document has none)', () => {
    expect(files.map((f) => [f.file, f.id, f.doc.kind])).toEqual([
      ['a-words.json', 'a-words', 'sensitive'],
      ['b-typos.yaml', 'typos', 'typos'],
    ]);
  });

  it('lets the admin replace, add and switch off lexicons, and the checker follows', () => {
    const merged = mergeLexicons(files, [
      override('typos', { kind: 'typos', pairs: [{ wrong: '布署', right: '部署' }] }),
      override('a-words', { kind: 'sensitive', severity: 'review', terms: ['甲词'] }, true),
      override('local', { kind: 'sensitive', severity: 'warn', category: '本地', terms: ['乙词'] }),
    ]);
    expect(merged.map((m) => [m.id, m.source, m.disabled])).toEqual([
      ['a-words', 'file+admin', true],
      ['typos', 'file+admin', false],
      ['local', 'admin', false],
    ]);
    const checker = new ComplianceChecker(buildLexicons(merged));
    const rules = (text: string) => checker.check({ fields: [{ field: 't', text }] }).map((f) => `${f.rule}:${f.excerpt}`);
    expect(rules('认真惯彻，甲词')).toEqual([]); // replaced typo list, disabled word list
    expect(rules('工作布署')).toEqual(['typo:布署']);
    expect(rules('乙 词')).toEqual(['sensitive-word:乙 词']);
    expect(summarize(merged[2])).toMatchObject({ id: 'local', kind: 'sensitive', category: '本地', severity: 'warn', entryCount: 1, editable: true });
  });

  it('refuses an invalid edit with every problem listed', () => {
    let err: AppError | undefined;
    try {
      buildLexicons(mergeLexicons(files, [override('x', { kind: 'sensitive', severity: 'severe', terms: [{ term: '丙', allowedContexts: ['无关'] }] })]));
    } catch (e) {
      err = e as AppError;
    }
    expect(err?.code).toBe('LEXICON_INVALID');
    expect((err!.details as { field: string }[]).map((d) => d.field)).toEqual(['lexicon:x:severity', 'lexicon:x:terms[0].allowedContexts']);
  });

  it('adds, replaces and removes entries by their key', () => {
    const doc = { kind: 'sensitive', id: 'w', severity: 'review', terms: ['甲', { term: '乙', severity: 'warn' }, '丙'] } as LexiconDoc;
    expect(applyEntryEdits(doc, { upsert: [{ term: '乙', severity: 'block' }, '丁'], remove: ['甲'] }).terms).toEqual([
      { term: '乙', severity: 'block' },
      '丙',
      '丁',
    ]);
    const typos = { kind: 'typos', id: 't', pairs: [{ wrong: '惯彻', right: '贯彻' }] } as LexiconDoc;
    expect(
      applyEntryEdits(typos, {
        upsert: [
          { wrong: '惯彻', right: '贯彻', allowedContexts: [] },
          { wrong: '布署', right: '部署' },
        ],
      }).pairs,
    ).toHaveLength(2);
    expect(() => applyEntryEdits(typos, { upsert: ['布署'] })).toThrow(AppError);
    expect(() => applyEntryEdits({ kind: 'charmap', id: 'c', pairs: [] } as LexiconDoc, { remove: ['x'] })).toThrow(/不能在此编辑/);
    // The input is not modified.
    expect(doc.terms).toHaveLength(3);
  });

  it('reads the shipped lexicons', () => {
    const shipped = readLexiconFiles(LEXICON_DIR);
    expect(shipped.map((f) => f.id)).toEqual(expect.arrayContaining(['common-typos', 'outdated-agency', 'secrecy-phrases']));
    expect(() => buildLexicons(mergeLexicons(shipped, []))).not.toThrow();
  });
});
