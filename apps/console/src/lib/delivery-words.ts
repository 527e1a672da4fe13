/**
 * A delivery event's technical parts in words. The engine logs each call to an outside system as it
 * went out (`POST /cgi-bin/freepublish/submit (freepublish/submit)`, `reconcile`, `write <url>`) with the
 * raw answer and an error code: the operator reads what was done in Chinese; the raw call, answer and
 * code stay available, folded, for the platform's or the vendor's support.
 */
const CALLS: [RegExp, string][] = [
  [/^callback$/, '平台回调'],
  [/reconcile/, '向平台核实发布结果'],
  [/erratum/, '登记勘误，编入下一期公报'],
  [/queue for next issue/, '等待编入下一期公报'],
  [/emergency/, '撤下紧急插播'],
  [/evidence/, '获取上屏证据'],
  [/remove from screen|program getAll|screen program|program/, '更新显示屏节目单'],
  [/statuses\/destroy|freepublish\/delete|mass\/delete|draft\/delete|\bdel\b|DELETE |withdraw/, '撤回'],
  [/token/, '获取访问令牌'],
  [/upload|material|picture|media|thumb/, '上传图片或素材'],
  [/draft\/add/, '创建草稿'],
  [/statuses\/share|freepublish\/submit|mass\/sendall|mass\/preview|POST \/posts/, '提交发布'],
  [/user_timeline|batchget|freepublish\/get|mass\/get|draft\/get|quota|GET |\bget\b|status|poll|query|check/i, '查询发布状态'],
  [/^write /, '写入网站页面'],
  [/publish|submit|share|send|post|deliver|update/i, '提交发布'],
];

export function callWords(call: string): string {
  for (const [re, words] of CALLS) if (re.test(call)) return words;
  return '调用外部系统';
}

/** An event's message: the engine's and the adapters' are Chinese; an outside system's raw text is not shown as such. */
export function eventMessage(message: string | null, errorCode: string | null): string | null {
  if (!message) return errorCode ? '外部系统返回错误（见技术详情）' : null;
  // an answer without an error (a checkpoint's values, a platform's id) is only in 技术详情
  return /[\u3400-\u9fff]/.test(message) ? platformWords(message) : errorCode ? '外部系统返回错误（见技术详情）' : null;
}

/**
 * A platform problem as the server words it ("微博认为内容违规（微博错误码 20021：Content is illegal!）"):
 * the sentence and the platform's error number stay, the platform's own English words go (they are in
 * the delivery's 技术详情). A message with no Chinese at all is replaced by a sentence that says so.
 */
export function platformWords(message: string): string;
export function platformWords(message: string | null | undefined): string | null | undefined;
export function platformWords(message: string | null | undefined): string | null | undefined {
  if (!message) return message;
  if (!/[\u3400-\u9fff]/.test(message)) return '外部系统返回错误（详见发送详情中的技术详情）';
  return message.replace(/(错误码\s*[\w-]+)：[^（）]*[A-Za-z][^（）]*）/g, '$1）').replace(/[：:]\s*[A-Za-z][\w\s.,'!?/:-]*$/, '');
}
