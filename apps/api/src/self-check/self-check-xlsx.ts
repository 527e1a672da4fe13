import ExcelJS from 'exceljs';
import { parseDate } from '@app/stats/period';
import type { SectionDoc } from '@app/stats/report-doc.types';
import { pct, verdictLabel } from './self-check-rules';
import type { SelfCheckDoc } from './self-check.types';

const THIN = { style: 'thin' as const };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const GAP = '\u3000\u3000';
const WIDTH = 9;
const FONT = '宋体';

type Cell = string | number | null;

export function cnDate(d: string | null | undefined): string {
  const p = d ? parseDate(d) : null;
  return p ? `${p.y}年${p.m}月${p.d}日` : '';
}

/** Writes rows top-down on one sheet: banners across the width and bordered tables. */
class SheetWriter {
  r = 1;
  constructor(readonly ws: ExcelJS.Worksheet) {}

  banner(text: string, o: { size?: number; bold?: boolean; align?: 'left' | 'center' } = {}) {
    this.ws.mergeCells(this.r, 1, this.r, WIDTH);
    const c = this.ws.getCell(this.r, 1);
    c.value = text;
    c.font = { name: FONT, size: o.size ?? 11, bold: o.bold ?? false };
    c.alignment = { horizontal: o.align ?? 'left', vertical: 'middle', wrapText: true };
    // A merged banner does not grow with its text: give long lines (about 60 CJK characters a line) their height.
    const lines = Math.ceil(text.length / 60);
    if (lines > 1) this.ws.getRow(this.r).height = 15 * lines;
    this.r++;
  }

  /** A header row and data rows; the last column spans to the sheet's width so every table is as wide as the banners. */
  table(headers: string[], rows: Cell[][]) {
    const span = (row: number, col: number, last: boolean) => {
      if (last && col < WIDTH) this.ws.mergeCells(row, col, row, WIDTH);
    };
    headers.forEach((h, i) => {
      const c = this.ws.getCell(this.r, i + 1);
      c.value = h;
      c.font = { name: FONT, bold: true };
      c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      span(this.r, i + 1, i === headers.length - 1);
    });
    const top = this.r++;
    let tallest = 1;
    for (const row of rows) {
      tallest = 1;
      row.forEach((v, i) => {
        const c = this.ws.getCell(this.r, i + 1);
        c.value = v;
        c.font = { name: FONT };
        c.alignment = { horizontal: typeof v === 'number' ? 'right' : 'left', vertical: 'middle', wrapText: true };
        if (typeof v === 'number') c.numFmt = '0';
        if (typeof v === 'string') tallest = Math.max(tallest, Math.ceil((v.length * 2) / Math.max(8, (this.ws.getColumn(i + 1).width ?? 10) - 1)));
        span(this.r, i + 1, i === row.length - 1);
      });
      if (tallest > 1) this.ws.getRow(this.r).height = 15 * Math.min(tallest, 8);
      this.r++;
    }
    for (let rr = top; rr < this.r; rr++) for (let cc = 1; cc <= WIDTH; cc++) this.ws.getCell(rr, cc).border = BORDER;
    this.r++;
  }

  /** A section of a statistics report (the 通报), its column groups folded into the labels. */
  section(s: SectionDoc) {
    const headers = [s.labelHeader, ...s.columns.map((c) => (c.groups.length ? `${c.groups.join('/')}：${c.label}` : c.label))];
    const rows = s.rows.map((row) => [`${'\u3000'.repeat(row.indent)}${row.label}`, ...row.cells.map((c) => (c.source === 'info' ? (c.text ?? '') : c.value))]);
    this.table(headers, rows);
  }
}

/**
 * The 自查 as a workbook the office can send up: sheet 自查表 (title, 填报单位, month and 检查时间点, the
 * indicators, then each part in detail and the month's 通报, the sign-off footer left to fill and sign like
 * the other exports of libs/stats/src/report-export.service.ts), sheet 问题清单 (one line per problem, with
 * columns for the 整改 the office writes in by hand).
 */
export async function selfCheckXlsx(doc: SelfCheckDoc): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'gov-disclosure';
  wb.created = new Date(doc.generatedAt);
  const ws = wb.addWorksheet('自查表', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  [22, 22, 30, 30, 14, 14, 12, 12, 14].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const out = new SheetWriter(ws);

  out.banner(doc.title, { size: 16, bold: true, align: 'center' });
  out.banner(`（${doc.period.label}）`, { align: 'center' });
  out.banner(doc.basis, { align: 'center' });
  out.banner(`填报单位（盖章）：${doc.organisation.name}${doc.subtree ? '（含下级单位）' : ''}`);
  out.banner(
    `检查时间点：${cnDate(doc.referenceDate)}${GAP}统计期间：${cnDate(doc.period.from)}至${cnDate(doc.period.to)}${GAP}自查结论：${doc.verdict === 'pass' ? '未发现单项否决问题' : '存在单项否决问题'}`,
  );

  out.banner('一、指标自查情况', { bold: true });
  out.table(
    ['检查对象', '指标', '评分细则', '自查情况', '问题数', '结论'],
    doc.indicators.map((i) => [i.object, i.indicator, i.rule, i.finding, i.count, verdictLabel(i)]),
  );

  out.banner('二、网站栏目更新情况', { bold: true });
  out.table(
    ['单位', '网站', '栏目', '更新要求', '最近更新日期', '距检查时间点天数', '本月发布条数', '状态'],
    doc.columns.length
      ? doc.columns.map((c) => [
          c.organisationName,
          c.accountName,
          c.column,
          c.period ? `${c.ruleLabel}（${c.period}）` : `${c.ruleLabel}（无固定周期）`,
          c.lastPublishedDate ?? '—',
          c.idleDays,
          c.monthItems,
          c.empty ? '空白栏目' : c.breach ? (c.lastPublishedDate ? `超过${c.period}未更新` : '从未更新') : '正常',
        ])
      : [['（无网站栏目）']],
  );

  out.banner('三、政务新媒体更新情况', { bold: true });
  out.table(
    ['单位', '账号', '平台', '最近发布日期', '距检查时间点天数', '更新要求', '本月发布条数', '状态'],
    doc.accounts.length
      ? doc.accounts.map((a) => [
          a.organisationName,
          a.accountName,
          a.channelLabel,
          a.lastPublishedDate ?? '—',
          a.idleDays,
          `${a.period}内更新`,
          a.monthItems,
          a.breach ? (a.lastPublishedDate ? `超过${a.period}未更新` : '从未发布') : '正常',
        ])
      : [['（无政务新媒体账号）']],
  );

  out.banner('四、政策解读情况（检查时间点前12个月首次发布的政策文件）', { bold: true });
  const ir = (r: SelfCheckDoc['interpretation']['total']): Cell[] => [r.organisationName, r.policies, r.interpreted, pct(r.coverage), r.linkedBothWays];
  out.table(['单位', '政策文件数', '已发布解读', '解读率', '与解读双向关联'], [...doc.interpretation.rows.map(ir), ir(doc.interpretation.total)]);
  if (doc.interpretation.gaps.length) {
    out.table(
      ['单位', '政策文件', '索引号', '首次发布日期', '问题'],
      doc.interpretation.gaps.map((g) => [
        g.organisationName,
        g.title,
        g.indexNo,
        g.publishedDate,
        g.problem === '未解读' ? '未解读' : `未与《${g.interpretationTitle}》双向关联`,
      ]),
    );
  }

  out.banner('五、发布日期核查（发布日期不得早于首次确认发布日期）', { bold: true });
  out.table(
    ['单位', '标题', '索引号', '发布日期', '首次发布日期', '提前天数'],
    doc.backdated.length
      ? doc.backdated.map((b) => [b.organisationName, b.title, b.indexNo, b.publishDate, b.firstPublishedDate, b.daysEarlier])
      : [['未发现发布日期早于首次发布日期的信息']],
  );

  out.banner('六、本月信息发布情况', { bold: true });
  for (const t of doc.publications.tables) {
    if (t.title) out.banner(t.title.replace(/^[一二三四五六七八九十]+、/, (m) => `（${m.slice(0, -1)}）`));
    for (const s of t.sections) out.section(s);
    if (t.note) out.banner(t.note);
  }

  out.banner(`单位负责人：${GAP}${GAP}审核人：${GAP}${GAP}填报人：`);
  out.banner(`联系电话：${GAP}${GAP}${GAP}填报日期：${GAP}年${GAP}月${GAP}日`);

  const ps = wb.addWorksheet('问题清单', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  ps.columns = [
    { header: '序号', width: 6 },
    { header: '单位', width: 20 },
    { header: '检查对象', width: 12 },
    { header: '问题', width: 50 },
    { header: '依据', width: 28 },
    { header: '整改措施', width: 24 },
    { header: '整改时限', width: 12 },
    { header: '整改情况', width: 16 },
  ];
  doc.problems.forEach((p, i) => ps.addRow([i + 1, p.organisationName, p.object, p.problem, p.basis, '', '', '']));
  ps.getRow(1).font = { name: FONT, bold: true };
  ps.eachRow((row) => row.eachCell({ includeEmpty: true }, (c) => ((c.border = BORDER), (c.alignment = { vertical: 'middle', wrapText: true }))));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
