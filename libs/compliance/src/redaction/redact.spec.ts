import { PersonalDataDetector } from '../detectors/personal-data.detector';
import { htmlToTextWithMap, plainTextMap, toOriginalSpan } from '../text/html-text';
import { validResidentId, withLuhnDigit } from '../testing/fixtures';
import { redact, redactWithReport } from './redact';

const ID = validResidentId('11010519491001002');
const CARD = withLuhnDigit('622202020000123456');
const detector = new PersonalDataDetector(() => new Date('2025-06-01T00:00:00Z'));

/** Findings in original offsets, as ComplianceChecker would store them. */
function findingsFor(text: string, html: boolean) {
  const map = html ? htmlToTextWithMap(text) : plainTextMap(text);
  return detector.detect(map.text).map((h) => ({ rule: h.rule, ...toOriginalSpan(map, h.start, h.end) }));
}

describe('redact', () => {
  it('masks ID, mobile and bank card numbers in plain text', () => {
    const text = `身份证号${ID}，手机13800138000，卡号${CARD}。`;
    const out = redact(text, findingsFor(text, false));
    expect(out).toBe(`身份证号${ID.slice(0, 3)}***********${ID.slice(14)}，手机138****8000，卡号${CARD.slice(0, 4)}***********${CARD.slice(-4)}。`);
    expect(out).toHaveLength(text.length);
  });

  it('keeps separators and the shape of grouped numbers', () => {
    const text = '电话 138 0013 8000';
    expect(redact(text, findingsFor(text, false))).toBe('电话 138 **** 8000');
  });

  it('masks names and addresses', () => {
    const text = '当事人：张三丰，男，住贵州省贵阳市观山湖区长岭北路8号。';
    expect(redact(text, findingsFor(text, false))).toBe('当事人：张**，男，住贵州省贵阳市观山湖区******。');
  });

  it('keeps HTML intact when the number is split by tags or written with entities', () => {
    const html = `<p class="x">电话<b>138</b>0013&#56;000，身份证<span>${ID.slice(0, 9)}</span>${ID.slice(9)}</p>`;
    const findings = findingsFor(html, true);
    expect(findings.map((f) => f.rule)).toEqual(['personal-mobile', 'personal-id-card']);
    const out = redact(html, findings, { html: true });
    expect(out).toBe(`<p class="x">电话<b>138</b>****&#56;000，身份证<span>${ID.slice(0, 3)}******</span>*****${ID.slice(14)}</p>`);
    expect(htmlToTextWithMap(out).text).toBe(`\n电话138****8000，身份证${ID.slice(0, 3)}***********${ID.slice(14)}\n`);
  });

  it('ignores findings that are not personal data and reports stale ones', () => {
    const text = '秘密★1年 手机13800138000';
    const [mobile] = findingsFor(text, false);
    const r = redactWithReport(text, [{ rule: 'secrecy-mark', start: 0, end: 6 }, mobile, { rule: 'personal-mobile', start: 0, end: 5 }]);
    expect(r.text).toBe('秘密★1年 手机138****8000');
    expect(r.applied).toEqual([mobile]);
    expect(r.skipped.map((s) => s.reason).sort()).toEqual(['not personal data', 'text changed since the check']);
  });

  it('leaves text without findings unchanged', () => {
    expect(redact('<p>无个人信息</p>', [], { html: true })).toBe('<p>无个人信息</p>');
  });
});
