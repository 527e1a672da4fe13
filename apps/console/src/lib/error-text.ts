/**
 * The API's field reasons in Chinese. Most reasons are written in Chinese by the services; DTO checks
 * (class-validator) answer in English ("must be a UUID"): those are put into words here, and a reason
 * still in another language becomes 填写有误 (the original stays in the element's title for support).
 */
const PATTERNS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/must be a UUID|must be a uuid/i, () => '格式不正确'],
  [/should not be empty|must not be empty|is required|required/i, () => '不能为空'],
  [/must be longer than or equal to (\d+)/i, (m) => `至少 ${m[1]} 个字符`],
  [/must be shorter than or equal to (\d+)/i, (m) => `不能超过 ${m[1]} 个字符`],
  [/must not be greater than (\d+)|must not exceed (\d+)/i, (m) => `不能大于 ${m[1] ?? m[2]}`],
  [/must not be less than (\d+)/i, (m) => `不能小于 ${m[1]}`],
  [/must contain (no )?more than (\d+) elements/i, (m) => `不能超过 ${m[2]} 项`],
  [/ISO 8601|must be a date|date string/i, () => '日期或时间格式不正确'],
  [/must be an integer/i, () => '必须是整数'],
  [/must be a number|must be a positive number/i, () => '必须是数字'],
  [/must be a boolean/i, () => '必须选择“是”或“否”'],
  [/must be a string/i, () => '必须是文字'],
  [/must be an array|must be a list/i, () => '必须是列表'],
  [/must be an object|must be a mapping/i, () => '格式不正确'],
  [/must be one of|must be a valid enum/i, () => '不是可选的值'],
  [/must be a URL|must be an URL|url/i, () => '网址格式不正确'],
  [/must match .* regular expression|format/i, () => '格式不正确'],
  [/unknown field|should not exist/i, () => '不是可以提交的内容'],
  [/nested too deep/i, () => '层级过深'],
  [/invalid credentials/i, () => '用户名或密码错误'],
];

const HAS_CJK = /[\u3400-\u9fff]/;

export function reasonText(reason: string): string {
  if (!reason || HAS_CJK.test(reason) || !/[A-Za-z]/.test(reason)) return reason;
  for (const [re, words] of PATTERNS) {
    const m = re.exec(reason);
    if (m) return words(m);
  }
  return '填写有误';
}
