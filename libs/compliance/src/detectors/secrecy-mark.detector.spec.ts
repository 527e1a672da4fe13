import { CharFolding } from '../text/char-folding';
import { SecrecyMarkDetector } from './secrecy-mark.detector';

describe('SecrecyMarkDetector', () => {
  const folding = CharFolding.create([
    new Map([
      ['內', '内'],
      ['資', '资'],
      ['機', '机'],
    ]),
  ]);
  const detector = new SecrecyMarkDetector(folding, ['请勿外传']);
  const found = (text: string) => detector.detect(text).map((h) => [h.rule, h.excerpt]);

  it.each([
    ['秘密★1年', '秘密★1年'],
    ['机密★启用前', '机密★启用前'],
    ['绝密★长期', '绝密★长期'],
    ['秘密 ★ 6个月', '秘密 ★ 6个月'],
    ['机密☆', '机密☆'],
    ['秘密*', '秘密*'],
    ['绝密＊１０年', '绝密＊１０年'],
    ['秘 密 ★', '秘 密 ★'],
    ['機密★', '機密★'],
    ['秘\u200b密★2年', '秘\u200b密★2年'],
  ])('finds the mark in %j', (text, excerpt) => {
    const hits = detector.detect(`关于做好有关工作的通知 ${text} 各乡镇人民政府：`);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ rule: 'secrecy-mark', severity: 'block', excerpt });
  });

  it('reports exact offsets of the mark', () => {
    const text = '标题\n机密★1年\n正文';
    const [hit] = detector.detect(text);
    expect(text.slice(hit.start, hit.end)).toBe('机密★1年');
    expect(hit.message).toContain('不可忽略');
  });

  it('finds a 密级 label and a bare level on its own line', () => {
    expect(found('密级：秘密\n标题')).toEqual([['secrecy-mark', '密级：秘密']]);
    expect(found('份号 000123\n  机密  \n关于…的请示')).toEqual([['secrecy-mark', '机密']]);
  });

  it.each(['内部资料', '内部文件', '注意保密', '不得外传', '内部使用', '请勿外传'])('finds the phrase %s', (phrase) => {
    const hits = detector.detect(`本材料为${phrase}，印发至各单位。`);
    expect(hits.map((h) => [h.rule, h.severity, h.excerpt])).toEqual([['secrecy-phrase', 'block', phrase]]);
  });

  it('finds phrases written with spaces or traditional characters, with original offsets', () => {
    const text = '（內 部 資 料）';
    const [hit] = detector.detect(text);
    expect(hit.rule).toBe('secrecy-phrase');
    expect(text.slice(hit.start, hit.end)).toBe('內 部 資 料');
  });

  it.each([
    '依法保护商业秘密和个人隐私',
    '严格落实政府信息公开保密审查制度',
    '坚持“上网不涉密、涉密不上网”，涉密文件严禁上网',
    '除依法需要保密的外，及时公开议定事项',
    '泄露国家秘密的，依法追究责任',
    '机密性、完整性和可用性',
    '密级：公开',
    '内部控制制度',
    '秘密会议\n',
    '★★★★★ 五星级服务',
    '依法保护商业秘密*，不得泄露',
    '不得泄露国家秘密\n* 注：本表数据截至年底',
  ])('does not flag ordinary wording: %s', (text) => {
    expect(detector.detect(text)).toEqual([]);
  });

  it('still flags an asterisk mark that carries a period or stands alone', () => {
    expect(found('商业秘密*1年')).toEqual([['secrecy-mark', '秘密*1年']]);
    expect(found('秘密*\n关于…')).toEqual([['secrecy-mark', '秘密*']]);
    expect(found('国家秘密★')).toEqual([['secrecy-mark', '秘密★']]);
  });

  it('works on file names and metadata lines', () => {
    expect(found('关于2024年度考核的通知（秘密★1年）.docx')).toEqual([['secrecy-mark', '秘密★1年']]);
    expect(found('Title: 内部资料 注意保密')).toEqual([
      ['secrecy-phrase', '内部资料'],
      ['secrecy-phrase', '注意保密'],
    ]);
  });
});
