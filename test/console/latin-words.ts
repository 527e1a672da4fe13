/**
 * Issue 15.9: everything a user reads is Chinese. `latinWords` returns the words in Latin letters of a
 * page's visible text that are not allowed, after removing what is written in Latin letters on purpose:
 *
 * - addresses: URLs (http://…, www.…) and host names (a site's domain, an account's 接口地址);
 * - 索引号 (`sfx/2026-00001`: the organisation's code, the year, a number) and 文号 patterns;
 * - identifiers typed in Latin letters (usernames, organisation codes: the caller passes the installation's);
 * - ALLOWED, the short list below: file formats and terms Chinese government offices write in Latin
 *   letters themselves. WeChat is not one of them (it is 微信).
 */
const ALLOWED = new Set([
  // file formats named on the buttons that produce them (导出 XLSX / CSV), and attachments (PDF)
  'XLSX',
  'CSV',
  'PDF',
  // LED显示屏 is what the screens are called in Chinese government procurement and on the screens' own menus
  'LED',
  // storage units, written so in Chinese software (文件大小 1.2 MB)
  'KB',
  'MB',
  // NovaStar's cloud platform for LED screens, named so in its own Chinese interface (诺瓦 VNNOX 云平台)
  'VNNOX',
  // document formats as office software in China names them (the attachment field lists what it takes)
  'OFD',
  'WPS',
  'Word',
  'Excel',
  // the names 微信公众平台 prints next to the keys an admin copies from it (AppID, AppSecret, Token, EncodingAESKey)
  'AppID',
  'AppSecret',
  'Token',
  'EncodingAESKey',
  // IP白名单: what 微信公众平台 calls the list in 设置与开发 - 基本配置, and the 测试连接 result names it so
  'IP',
  // status codes as browsers and web servers show them in Chinese too (图片无法导入：HTTP 404)
  'HTTP',
  // ICP备案号: the row of 政府网站工作年度报表 (website-annual) names the MIIT filing number so
  'ICP',
]);

const REMOVE: RegExp[] = [
  /\bhttps?:\/\/[^\s，。；、）)]+/g,
  // the scheme alone, as address rules name it (须以 http:// 或 https:// 开头)
  /\bhttps?:\/\//g,
  // the file every site keeps its crawling rules in (导入旧网站: robots.txt 不允许抓取此页面)
  /\brobots\.txt\b/g,
  /\bwww\.[^\s，。；、）)]+/g,
  /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:gov\.cn|com\.cn|org\.cn|cn|com|org|net)\b/gi,
  // 索引号: organisation code / year - number
  /\b[a-z][a-z0-9-]*\/\d{4}-\d{3,6}\b/g,
  // the 索引号 scheme's placeholders, typed by the admin as they are ({orgCode}/{yyyy}-{seq:5})
  /\{[A-Za-z]+(?::\d+)?\}/g,
  // device serial numbers as printed on an LED controller (HD-SFX-0001), which the admin types in
  /\b[A-Z]{2,}(?:-[A-Z0-9]+)*-\d+\b/g,
];

export function latinWords(text: string, identifiers: Iterable<string> = []): string[] {
  const users = new Set(identifiers);
  let t = text;
  for (const re of REMOVE) t = t.replace(re, ' ');
  const words = t.match(/[A-Za-z][A-Za-z0-9_'’-]*/g) ?? [];
  return [...new Set(words.filter((w) => !ALLOWED.has(w) && !users.has(w)))];
}
