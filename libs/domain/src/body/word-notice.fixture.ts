/**
 * Test data (imported by specs only): a notice as Word 2016 (Chinese) puts it on the clipboard as
 * text/html: a centred bold title, a salutation, paragraphs with first-line indents written three ways
 * (`text-indent:32.0pt;mso-char-indent-count:2.0`, `text-indent:2em`, `text-indent:24.0pt`), a 4×3
 * `MsoTableGrid` table whose heading row is bold text in <td> cells, a local picture with alt text and its
 * `MsoCaption` line, and the right-aligned 落款 and 成文日期 (the date inside an <st1:chsdate> smart tag).
 */
export const WORD_NOTICE_CLIPBOARD = `<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns:m="http://schemas.microsoft.com/office/2004/12/omml"
xmlns="http://www.w3.org/TR/REC-html40">

<head>
<meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<meta name=Originator content="Microsoft Word 15">
<link rel=File-List
href="file:///C:/Users/ADMINI~1/AppData/Local/Temp/msohtmlclip1/01/clip_filelist.xml">
<!--[if gte mso 9]><xml>
 <o:OfficeDocumentSettings>
  <o:AllowPNG/>
 </o:OfficeDocumentSettings>
</xml><![endif]--><!--[if gte mso 9]><xml>
 <w:WordDocument>
  <w:View>Normal</w:View>
  <w:Zoom>0</w:Zoom>
  <w:PunctuationKerning/>
  <w:DrawingGridVerticalSpacing>7.8 磅</w:DrawingGridVerticalSpacing>
  <w:DisplayHorizontalDrawingGridEvery>0</w:DisplayHorizontalDrawingGridEvery>
  <w:Compatibility>
   <w:SpaceForUL/>
   <w:BalanceSingleByteDoubleByteWidth/>
  </w:Compatibility>
 </w:WordDocument>
</xml><![endif]-->
<style>
<!--
 /* Font Definitions */
 @font-face
	{font-family:宋体;
	panose-1:2 1 6 0 3 1 1 1 1 1;
	mso-font-charset:134;}
 @font-face
	{font-family:仿宋_GB2312;
	mso-font-charset:134;}
 /* Style Definitions */
 p.MsoNormal, li.MsoNormal, div.MsoNormal
	{mso-style-unhide:no;
	margin:0cm;
	text-align:justify;
	text-justify:inter-ideograph;
	font-size:10.5pt;
	font-family:等线;}
p.MsoCaption, li.MsoCaption, div.MsoCaption
	{mso-style-priority:35;
	font-size:10.0pt;
	font-family:"等线 Light";}
@page WordSection1
	{size:595.3pt 841.9pt;
	margin:72.0pt 90.0pt 72.0pt 90.0pt;}
div.WordSection1
	{page:WordSection1;}
-->
</style>
</head>

<body lang=ZH-CN style='tab-interval:21.0pt;word-wrap:break-word;text-justify-trim:punctuation'>
<!--StartFragment-->

<p class=MsoNormal align=center style='text-align:center;line-height:28.0pt;
mso-line-height-rule:exactly'><b><span style='font-size:22.0pt;font-family:
方正小标宋简体'>关于开展冬季供暖安全检查的通知<span lang=EN-US><o:p></o:p></span></span></b></p>

<p class=MsoNormal style='line-height:28.0pt;mso-line-height-rule:exactly'><span
style='font-size:16.0pt;font-family:仿宋_GB2312'>各乡镇人民政府、县直各有关部门：<span
lang=EN-US><o:p></o:p></span></span></p>

<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;
line-height:28.0pt;mso-line-height-rule:exactly'><span style='font-size:16.0pt;
font-family:仿宋_GB2312'>为确保全县群众温暖安全过冬，经县人民政府同意，决定开展冬季供暖安全检查。现将有关事项通知如下：<span
lang=EN-US><o:p></o:p></span></span></p>

<p class=MsoNormal style='text-indent:2em;line-height:28.0pt;mso-line-height-rule:
exactly'><span style='font-size:16.0pt;font-family:仿宋_GB2312'>一、检查安排。各检查组按下表时间到
各单位检查，请提前准备相关资料。<span lang=EN-US><o:p></o:p></span></span></p>

<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0
 style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;
 mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>
 <tr style='mso-yfti-irow:0;mso-yfti-firstrow:yes'>
  <td width=138 valign=top style='width:103.5pt;border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><b><span style='font-family:仿宋_GB2312'>检查组</span></b><span lang=EN-US><o:p></o:p></span></p>
  </td>
  <td width=277 valign=top style='width:207.8pt;border:solid windowtext 1.0pt;border-left:none;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><b><span style='font-family:仿宋_GB2312'>检查范围</span></b><span lang=EN-US><o:p></o:p></span></p>
  </td>
  <td width=138 valign=top style='width:103.5pt;border:solid windowtext 1.0pt;border-left:none;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><b><span style='font-family:仿宋_GB2312'>检查时间</span></b><span lang=EN-US><o:p></o:p></span></p>
  </td>
 </tr>
 <tr style='mso-yfti-irow:1;'>
  <td width=138 valign=top style='width:103.5pt;border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><span style='font-family:仿宋_GB2312'>第一组</span><span lang=EN-US><o:p></o:p></span></p>
  </td>
  <td width=277 valign=top style='width:207.8pt;border:solid windowtext 1.0pt;border-left:none;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><span style='font-family:仿宋_GB2312'>城关镇、东关街道</span><span lang=EN-US><o:p></o:p></span></p>
  </td>
  <td width=138 valign=top style='width:103.5pt;border:solid windowtext 1.0pt;border-left:none;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><span style='font-family:仿宋_GB2312'>12月1日至5日</span><span lang=EN-US><o:p></o:p></span></p>
  </td>
 </tr>
 <tr style='mso-yfti-irow:2;'>
  <td width=138 valign=top style='width:103.5pt;border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><span style='font-family:仿宋_GB2312'>第二组</span><span lang=EN-US><o:p></o:p></span></p>
  </td>
  <td width=277 valign=top style='width:207.8pt;border:solid windowtext 1.0pt;border-left:none;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><span style='font-family:仿宋_GB2312'>北山乡、南河乡</span><span lang=EN-US><o:p></o:p></span></p>
  </td>
  <td width=138 valign=top style='width:103.5pt;border:solid windowtext 1.0pt;border-left:none;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><span style='font-family:仿宋_GB2312'>12月8日至12日</span><span lang=EN-US><o:p></o:p></span></p>
  </td>
 </tr>
 <tr style='mso-yfti-irow:3;mso-yfti-lastrow:yes'>
  <td width=138 valign=top style='width:103.5pt;border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><span style='font-family:仿宋_GB2312'>第三组</span><span lang=EN-US><o:p></o:p></span></p>
  </td>
  <td width=277 valign=top style='width:207.8pt;border:solid windowtext 1.0pt;border-left:none;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><span style='font-family:仿宋_GB2312'>县直供热企业</span><span lang=EN-US><o:p></o:p></span></p>
  </td>
  <td width=138 valign=top style='width:103.5pt;border:solid windowtext 1.0pt;border-left:none;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><span style='font-family:仿宋_GB2312'>12月15日至19日</span><span lang=EN-US><o:p></o:p></span></p>
  </td>
 </tr>
</table>

<p class=MsoNormal style='text-indent:24.0pt'><span style='font-family:仿宋_GB2312'>二、工作要求。各单位要对照检查内容开展自查，发现问题立即整改。<span
lang=EN-US><o:p></o:p></span></span></p>

<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US><img
width=240 height=160 id="图片 1"
src="file:///C:/Users/ADMINI~1/AppData/Local/Temp/msohtmlclip1/01/clip_image002.jpg"
alt="县供热公司锅炉房检查现场" v:shapes="图片_x0020_1"></span><span lang=EN-US><o:p></o:p></span></p>

<p class=MsoCaption align=center style='text-align:center'>图<span lang=EN-US>1 </span>县供热公司锅炉房检查现场</p>

<p class=MsoNormal><span lang=EN-US style='font-size:16.0pt;font-family:仿宋_GB2312'><o:p>&nbsp;</o:p></span></p>

<p class=MsoNormal align=right style='text-align:right;line-height:28.0pt;
mso-line-height-rule:exactly'><span style='font-size:16.0pt;font-family:仿宋_GB2312'>示范县人民政府办公室<span
lang=EN-US><o:p></o:p></span></span></p>

<p class=MsoNormal align=right style='text-align:right;line-height:28.0pt;
mso-line-height-rule:exactly'><st1:chsdate IsROCDate="False" IsLunarDate="False"
Day="20" Month="11" Year="2026" w:st="on"><span lang=EN-US style='font-size:
 16.0pt;font-family:仿宋_GB2312'>2026</span><span style='font-size:16.0pt;
 font-family:仿宋_GB2312'>年<span lang=EN-US>11</span>月<span lang=EN-US>20</span>日</span></st1:chsdate><span
lang=EN-US style='font-size:16.0pt;font-family:仿宋_GB2312'><o:p></o:p></span></p>

<!--EndFragment-->
</body>

</html>
`;

export const WORD_NOTICE_TABLE = [
  ['检查组', '检查范围', '检查时间'],
  ['第一组', '城关镇、东关街道', '12月1日至5日'],
  ['第二组', '北山乡、南河乡', '12月8日至12日'],
  ['第三组', '县直供热企业', '12月15日至19日'],
];

/** The picture as the editor stores it once uploaded (Word's local file cannot come with the paste). */
export const WORD_NOTICE_FIGURE =
  '<figure><img src="/api/v1/uploads/2026/11/0123456789abcdef01234567.jpg" alt="县供热公司锅炉房检查现场" /><figcaption>图1 县供热公司锅炉房检查现场</figcaption></figure>';

/** The stored body right after the paste: what the editor makes of the clipboard, sanitised. */
export const WORD_NOTICE_PASTED = [
  '<p style="text-align:center"><strong>关于开展冬季供暖安全检查的通知</strong></p>',
  '<p>各乡镇人民政府、县直各有关部门：</p>',
  '<p style="text-indent:2em">为确保全县群众温暖安全过冬，经县人民政府同意，决定开展冬季供暖安全检查。现将有关事项通知如下：</p>',
  '<p style="text-indent:2em">一、检查安排。各检查组按下表时间到各单位检查，请提前准备相关资料。</p>',
  '<table><tbody>',
  ...WORD_NOTICE_TABLE.map(
    (r, i) => `<tr>${r.map((c) => (i ? `<td><p style="text-align:center">${c}</p></td>` : `<th><p style="text-align:center">${c}</p></th>`)).join('')}</tr>`,
  ),
  '</tbody></table>',
  '<p style="text-indent:2em">二、工作要求。各单位要对照检查内容开展自查，发现问题立即整改。</p>',
  '<p style="text-align:center">图1 县供热公司锅炉房检查现场</p>',
  '<p></p>',
  '<p style="text-align:right">示范县人民政府办公室</p>',
  '<p style="text-align:right">2026年11月20日</p>',
].join('');

/** The stored body once the editor has uploaded the picture in place of its caption line. */
export const WORD_NOTICE_BODY = WORD_NOTICE_PASTED.replace('<p style="text-align:center">图1 县供热公司锅炉房检查现场</p>', WORD_NOTICE_FIGURE);
