/**
 * The text of an HTML page or feed: the charset of the Content-Type header, else of the page's own
 * <meta charset> / <meta http-equiv>, else the XML declaration, else UTF-8. Old county portals still
 * serve GB2312/GBK pages; Node's full ICU decodes them (GB18030 covers both).
 */
export function decodeText(data: Buffer, contentType: string): string {
  const head = data.subarray(0, 2048).toString('latin1');
  const cs =
    /charset\s*=\s*["']?([\w-]+)/i.exec(contentType)?.[1] ??
    /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1] ??
    /<\?xml[^>]+encoding\s*=\s*["']([\w-]+)/i.exec(head)?.[1] ??
    'utf-8';
  const label = /^(gb2312|gbk|gb_2312-80|x-gbk)$/i.test(cs) ? 'gb18030' : cs.toLowerCase();
  try {
    return new TextDecoder(label).decode(data);
  } catch {
    return data.toString('utf8');
  }
}
