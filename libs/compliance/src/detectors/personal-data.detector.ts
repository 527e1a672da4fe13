import { RULES, TextHit } from '../finding';
import { maskText } from '../redaction/masks';
import { isValidResidentId, isValidUscc, luhnValid } from './personal-data.validators';

/**
 * Personal data that needs a reviewer's decision before publication (keep with a reason, or redact):
 * resident ID numbers with a valid GB 11643 check character and a plausible birth date; mobile numbers;
 * bank card numbers passing Luhn; and a name next to an address ("姓名：张三 … 住址：…", "张三，男，…，
 * 住…"). Nothing inside a URL counts: an id in "https://…/art/2024/110105194910010021.html" is a
 * page address, not a person.
 *
 * Numbers are matched on a copy where full-width digits are folded to ASCII (same length, so offsets
 * hold). Spaced or hyphenated groupings ("138 0013 8000", "6222 0202 0000 1234 567") are accepted.
 */
const URL_RE = /(?:https?:\/\/|www\.)[^\s<>"'`\u3000-\u303f\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20\u201c\u201d\u2018\u2019]+/gi;
const ID_RE = /(?<![0-9])([1-9]\d{5})[ -]?((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))[ -]?(\d{3}[0-9Xx])(?![0-9])/g;
const MOBILE_RE = /(?<![0-9+])(?:(?:\+|00)?86[ -]?)?1[3-9]\d([ -]?)\d{4}\1\d{4}(?![0-9])/g;
const CARD_RE = /(?<![0-9])(?:\d{4}[ -]){3}\d{4}(?:[ -]?\d{1,3})?(?![0-9])|(?<![0-9])\d{16,19}(?![0-9])/g;
const CARD_CONTEXT_RE = /卡号|账号|帐号|账户|帐户|银行|开户|银联|信用卡|储蓄卡|借记卡/;

const CJK = '[\\u4e00-\\u9fa5]';
const NAME = `(${CJK}(?:${CJK}|·){0,3}?${CJK})`;
const NAME_END = '(?=[\\s，,、。；;（(：:]|$|性别|男|女|身份|住|家住|现住|户籍|出生|民族|电话|手机|联系|年龄|\\d)';
const NAME_LABEL_RE = new RegExp(
  `(?:姓\\s*名|当事人|申请人|被申请人|被处罚人|被检查人|联系人|户主|法定代表人|经营者|举报人|投诉人|监护人|患者)\\s*[:：]\\s*${NAME}${NAME_END}`,
  'g',
);
const NAME_GENDER_RE = new RegExp(`(?:^|(?<=[\\s：:，,。；;、）)]))${NAME}[，,]\\s*[男女](?=[，,、；;\\s])`, 'g');
const ADDRESS_RE =
  /(?:家庭住址|现住址|居住地址|户籍地址|户籍所在地|住址|住所地|住所|家住|现住|(?<=[，,、]\s*)住)\s*[:：]?\s*([\u4e00-\u9fa5A-Za-z0-9\-－—#（）()·]{4,60}?)(?=[，,。；;\s]|$)/;
const ADDRESS_DETAIL_RE = /省|市|县|区|旗|镇|乡|村|街道|路|街|巷|弄|号|组|社区|小区|栋|幢|单元|室/;
const ADDRESS_WINDOW = 120;

function foldDigits(text: string): string {
  return text.replace(/[\uff10-\uff19\uff38\uff58\uff0b\uff0d\u3000]/g, (ch) => {
    const c = ch.charCodeAt(0);
    if (c === 0x3000) return ' ';
    return String.fromCharCode(c - 0xfee0);
  });
}

type Span = [number, number];
const overlaps = (spans: Span[], s: number, e: number) => spans.some(([a, b]) => s < b && a < e);

export class PersonalDataDetector {
  constructor(private readonly today: () => Date = () => new Date()) {}

  detect(text: string): TextHit[] {
    const t = foldDigits(text);
    const urls: Span[] = [];
    for (const m of t.matchAll(URL_RE)) urls.push([m.index!, m.index! + m[0].length]);
    const taken: Span[] = [...urls];
    const hits: TextHit[] = [];
    const add = (rule: string, start: number, end: number, message: (masked: string) => string) => {
      taken.push([start, end]);
      const excerpt = maskText(rule, text.slice(start, end));
      hits.push({ rule, severity: 'review', start, end, excerpt, message: message(excerpt) });
    };

    const today = this.today();
    for (const m of t.matchAll(ID_RE)) {
      const start = m.index!;
      const end = start + m[0].length;
      if (overlaps(taken, start, end)) continue;
      if (!isValidResidentId(m[1] + m[2] + m[3], today)) continue;
      add(RULES.idCard, start, end, (x) => `疑似居民身份证号码（${x}），校验位有效。公开前须由审核人确认：去标识化处理，或说明依法保留的理由。`);
    }
    for (const m of t.matchAll(MOBILE_RE)) {
      const start = m.index!;
      const end = start + m[0].length;
      if (overlaps(taken, start, end)) continue;
      add(RULES.mobile, start, end, (x) => `疑似个人手机号码（${x}）。如非公开的办公联系方式，请去标识化处理；保留须由审核人确认。`);
    }
    for (const m of t.matchAll(CARD_RE)) {
      const start = m.index!;
      const end = start + m[0].length;
      if (overlaps(taken, start, end)) continue;
      const digits = m[0].replace(/[ -]/g, '');
      if (digits.length < 16 || digits.length > 19 || !luhnValid(digits)) continue;
      if (digits.length === 18 && isValidUscc(digits)) continue;
      const plausibleIssuer = /^[3-69]/.test(digits);
      const context = CARD_CONTEXT_RE.test(text.slice(Math.max(0, start - 15), start));
      if (!plausibleIssuer && !context) continue;
      add(RULES.bankCard, start, end, (x) => `疑似银行卡号（${x}），通过Luhn校验。公开前须由审核人确认：去标识化处理，或说明依法保留的理由。`);
    }
    this.namesWithAddresses(text, taken, add);
    return hits.sort((a, b) => a.start - b.start);
  }

  private namesWithAddresses(text: string, taken: Span[], add: (rule: string, start: number, end: number, message: (masked: string) => string) => void): void {
    const names: Span[] = [];
    for (const re of [NAME_LABEL_RE, NAME_GENDER_RE]) {
      for (const m of text.matchAll(re)) {
        const start = m.index! + m[0].indexOf(m[1]);
        const end = start + m[1].length;
        if (!overlaps(names, start, end)) names.push([start, end]);
      }
    }
    names.sort((a, b) => a[0] - b[0]);
    for (let i = 0; i < names.length; i++) {
      const [ns, ne] = names[i];
      const nl = text.indexOf('\n', ne);
      const nextName = i + 1 < names.length ? names[i + 1][0] : text.length;
      const limit = Math.min(ne + ADDRESS_WINDOW, nl < 0 ? text.length : nl, nextName);
      const window = text.slice(ne, limit);
      const m = ADDRESS_RE.exec(window);
      if (!m || !ADDRESS_DETAIL_RE.test(m[1])) continue;
      const as = ne + m.index + m[0].lastIndexOf(m[1]);
      const ae = as + m[1].length;
      if (overlaps(taken, ns, ne) || overlaps(taken, as, ae)) continue;
      add(RULES.personName, ns, ne, (x) => `疑似自然人姓名（${x}）与住址同时出现。公开前须由审核人确认：对姓名、住址去标识化处理，或说明依法保留的理由。`);
      add(RULES.personAddress, as, ae, (x) => `疑似自然人住址（${x}），与姓名同时出现。公开前须由审核人确认：去标识化处理，或说明依法保留的理由。`);
    }
  }
}
