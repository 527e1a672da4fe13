import { breakLastDigit, validResidentId, withLuhnDigit } from '../testing/fixtures';
import { PersonalDataDetector } from './personal-data.detector';
import { isValidResidentId, isValidUscc, luhnValid } from './personal-data.validators';

const today = () => new Date('2025-06-01T00:00:00Z');
const detector = new PersonalDataDetector(today);
const rules = (text: string) => detector.detect(text).map((h) => [h.rule, text.slice(h.start, h.end)]);

const ID = validResidentId('11010519491001002'); // a 1949 Beijing birth date
const ID_X = (() => {
  for (let i = 0; i < 1000; i++) {
    const id = validResidentId(`52010219850615${String(i).padStart(3, '0')}`);
    if (id.endsWith('X')) return id;
  }
  throw new Error('no X id');
})();
const CARD = withLuhnDigit('622202020000123456'); // 19 digits, UnionPay-like
const CARD16 = withLuhnDigit('436742123456789'); // 16 digits, Visa-like

describe('validators', () => {
  it('checks GB 11643 check characters, birth dates and provinces', () => {
    expect(isValidResidentId(ID, today())).toBe(true);
    expect(isValidResidentId(ID_X, today())).toBe(true);
    expect(isValidResidentId(ID_X.toLowerCase(), today())).toBe(true);
    expect(isValidResidentId(breakLastDigit(ID), today())).toBe(false);
    expect(isValidResidentId(validResidentId('11010519490231002'), today())).toBe(false); // 31 Feb… 0231
    expect(isValidResidentId(validResidentId('11010520300101002'), today())).toBe(false); // born in the future
    expect(isValidResidentId(validResidentId('99010519491001002'), today())).toBe(false); // no province 99
  });

  it('checks Luhn and 统一社会信用代码', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
  });
});

describe('PersonalDataDetector', () => {
  it('finds resident ID numbers with a valid check digit, also grouped or full-width', () => {
    expect(rules(`身份证号：${ID}。`)).toEqual([['personal-id-card', ID]]);
    expect(rules(`证件号码 ${ID_X}，`)).toEqual([['personal-id-card', ID_X]]);
    const grouped = `${ID.slice(0, 6)} ${ID.slice(6, 14)} ${ID.slice(14)}`;
    expect(rules(`号码${grouped}。`)).toEqual([['personal-id-card', grouped]]);
    const wide = ID.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    expect(rules(`身份证${wide}`)).toEqual([['personal-id-card', wide]]);
  });

  it('masks the excerpt so a stored finding does not hold the number', () => {
    const [hit] = detector.detect(`身份证号：${ID}`);
    expect(hit.excerpt).toBe(`${ID.slice(0, 3)}***********${ID.slice(14)}`);
    expect(hit.message).not.toContain(ID);
    expect(hit.severity).toBe('review');
  });

  it('ignores 18-digit numbers with a wrong check digit or date, and longer digit runs', () => {
    expect(rules(`编号${breakLastDigit(ID)}`)).toEqual([]);
    expect(rules(`流水号9${ID}`)).toEqual([]);
    expect(rules(`流水号${ID}7`)).toEqual([]);
    expect(rules('合同编号110105199913450021')).toEqual([]);
  });

  it('finds mobile numbers, with separators and +86', () => {
    expect(rules('联系电话：13800138000。')).toEqual([['personal-mobile', '13800138000']]);
    expect(rules('电话 138 0013 8000，')).toEqual([['personal-mobile', '138 0013 8000']]);
    expect(rules('电话138-0013-8000')).toEqual([['personal-mobile', '138-0013-8000']]);
    expect(rules('Tel:+86 13912345678')).toEqual([['personal-mobile', '+86 13912345678']]);
    expect(rules('手机１３９１２３４５６７８')).toEqual([['personal-mobile', '１３９１２３４５６７８']]);
    const [hit] = detector.detect('13800138000');
    expect(hit.excerpt).toBe('138****8000');
  });

  it('ignores numbers that only look like mobiles', () => {
    expect(rules('办公电话0851-88123456')).toEqual([]);
    expect(rules('订单号213800138000')).toEqual([]); // longer digit run
    expect(rules('金额12345678901234元')).toEqual([]);
    expect(rules('12800138000')).toEqual([]); // 12x is not a mobile prefix
    expect(rules('138 0013-8000')).toEqual([]); // mixed separators
  });

  it('finds bank cards passing Luhn', () => {
    expect(rules(`收款账号：${CARD}`)).toEqual([['personal-bank-card', CARD]]);
    const grouped = CARD16.replace(/(\d{4})(?=\d)/g, '$1 ');
    expect(rules(`卡号 ${grouped}`)).toEqual([['personal-bank-card', grouped]]);
    const [hit] = detector.detect(`卡号${CARD}`);
    expect(hit.excerpt).toBe(`${CARD.slice(0, 4)}***********${CARD.slice(-4)}`);
  });

  it('ignores digit runs failing Luhn, credit codes and implausible issuers', () => {
    expect(rules(`账号${breakLastDigit(CARD)}`)).toEqual([]);
    // An all-digit 统一社会信用代码 that happens to pass Luhn too: an organisation, not a card.
    let uscc = '';
    for (let i = 0; i < 100000 && !uscc; i++) {
      const c = `9152010${String(i).padStart(10, '0')}`;
      for (let d = 0; d <= 9; d++) if (isValidUscc(c + d) && luhnValid(c + d)) uscc = c + d;
    }
    expect(uscc).toHaveLength(18);
    expect(rules(`统一社会信用代码${uscc}`)).toEqual([]);
    const notIssuer = withLuhnDigit('123456789012345');
    expect(rules(`批次${notIssuer}`)).toEqual([]);
    // …unless the text says it is an account number
    expect(rules(`银行账号${notIssuer}`)).toEqual([['personal-bank-card', notIssuer]]);
  });

  it('ignores numbers inside URLs', () => {
    expect(rules(`详见 https://www.gov.cn/zhengce/${ID}.html 。`)).toEqual([]);
    expect(rules('http://www.example.gov.cn/art/13800138000/index.html')).toEqual([]);
    expect(rules(`www.example.gov.cn/${CARD}`)).toEqual([]);
    expect(rules(`见http://a.cn/x，联系13800138000`)).toEqual([['personal-mobile', '13800138000']]);
  });

  it('finds a name next to an address', () => {
    const text = '当事人：张三丰，男，汉族，1980年5月出生，住贵州省贵阳市观山湖区长岭北路8号。';
    expect(rules(text)).toEqual([
      ['personal-name', '张三丰'],
      ['personal-address', '贵州省贵阳市观山湖区长岭北路8号'],
    ]);
    expect(rules('姓名：李四 性别：女 家庭住址：某某县某某镇某某村3组')).toEqual([
      ['personal-name', '李四'],
      ['personal-address', '某某县某某镇某某村3组'],
    ]);
    expect(rules('王五，女，家住城关镇解放路12号，')).toEqual([
      ['personal-name', '王五'],
      ['personal-address', '城关镇解放路12号'],
    ]);
    const masked = detector.detect(text).map((h) => h.excerpt);
    expect(masked).toEqual(['张**', '贵州省贵阳市观山湖区******']);
  });

  it('does not pair names with addresses that are not there', () => {
    expect(rules('联系人：张三，联系电话：0851-88123456')).toEqual([]);
    expect(rules('经营者：贵阳市某某餐饮管理有限公司，住所：贵阳市观山湖区')).toEqual([]);
    expect(rules('地址：贵阳市观山湖区长岭北路8号（市政府办公楼）')).toEqual([]);
    expect(rules('联系人：张三\n住址：贵阳市观山湖区长岭北路8号')).toEqual([]); // different paragraphs
  });
});
