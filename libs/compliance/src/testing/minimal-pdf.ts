/**
 * A tiny but well-formed PDF whose text is Chinese, for tests of attachment extraction. Text is drawn
 * with a Type0/Identity-H font and a ToUnicode CMap, as office suites and print-to-PDF write it, so
 * extraction goes through the same code path as a real 公文 PDF. The glyphs are not embedded: a
 * viewer substitutes a font, the text layer is what matters here.
 */
export function buildMinimalPdf(lines: readonly string[], info: { title?: string } = {}): Buffer {
  const chars = [...new Set(lines.join(''))];
  const cid = new Map(chars.map((c, i) => [c, i + 1]));
  const hex4 = (n: number) => n.toString(16).padStart(4, '0').toUpperCase();
  const utf16Hex = (c: string) => [...Array(c.length).keys()].map((i) => hex4(c.charCodeAt(i))).join('');
  let content = 'BT /F1 14 Tf 72 770 Td 20 TL\n';
  for (const l of lines) content += `<${[...l].map((c) => hex4(cid.get(c)!)).join('')}> Tj T*\n`;
  content += 'ET\n';
  const cmap = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    `${chars.length} beginbfchar`,
    ...chars.map((c) => `<${hex4(cid.get(c)!)}> <${utf16Hex(c)}>`),
    'endbfchar',
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
    '',
  ].join('\n');
  // Info strings as UTF-16BE with BOM, hex-encoded (PDF text string rules).
  const infoTitle = info.title ? `/Title <FEFF${utf16Hex(info.title)}>` : '';
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`,
    '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R /DW 1000 >>',
    `<< /Length ${Buffer.byteLength(cmap, 'latin1')} >>\nstream\n${cmap}endstream`,
    '<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -140 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>',
    `<< /Producer (gov-disclosure tests) ${infoTitle} >>`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R /Info ${objs.length} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
