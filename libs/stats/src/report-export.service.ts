import { Injectable, Optional } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { headerLayout } from './header-layout';
import { beijingDateOf, parseDate } from './period';
import type { CellDrill, CellValue, ReportDoc, SectionDoc } from './report-doc.types';
import { StatsCatalogue } from './stats-catalogue';
import { SIGNED_NUM_FMT } from './signed-manual';

const THIN = { style: 'thin' as const };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const FULLWIDTH_GAP = '\u3000\u3000';

function cnDate(d: string | undefined | null): string {
  const p = d ? parseDate(d) : null;
  return p ? `${p.y}年${p.m}月${p.d}日` : '';
}

/** A CSV field, quoted when needed; text that a spreadsheet would run as a formula is defused. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with a UTF-8 byte order mark (so spreadsheet programs read the Chinese right) and CRLF lines. */
export function toCsv(rows: unknown[][]): string {
  return '\uFEFF' + rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** RFC 6266 Content-Disposition with a UTF-8 file name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function sourceLabel(c: CellValue): string {
  return c.source === 'computed' ? '系统计算' : c.source === 'manual' ? '手工填报' : c.source === 'sum' ? '合计' : '';
}

function sectionWidth(s: SectionDoc): number {
  return 1 + (s.unitColumn ? 1 : 0) + s.columns.length;
}

/**
 * Renders report documents: XLSX laid out like the official table (title, 填报单位, period, the
 * columns, the sign-off footer), CSV of the figures, CSV of a drill-down.
 */
@Injectable()
export class ReportExportService {
  private readonly catalogue: StatsCatalogue;

  constructor(@Optional() catalogue?: StatsCatalogue) {
    this.catalogue = catalogue ?? new StatsCatalogue();
  }

  async toXlsx(doc: ReportDoc): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    wb.creator = 'gov-disclosure';
    wb.created = new Date(doc.generatedAt);
    const width = Math.max(3, ...doc.tables.flatMap((t) => t.sections.map(sectionWidth)));
    const ws = wb.addWorksheet('统计表', {
      pageSetup: { paperSize: 9, orientation: width > 6 ? 'landscape' : 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    });
    ws.getColumn(1).width = doc.template.layout === 'C' ? 30 : 62;
    for (let c = 2; c <= width; c++) ws.getColumn(c).width = doc.template.layout === 'A' && c === 2 ? 10 : 14;

    let r = 1;
    const banner = (text: string, opts: { size?: number; bold?: boolean; align?: 'center' | 'left' } = {}) => {
      ws.mergeCells(r, 1, r, width);
      const cell = ws.getCell(r, 1);
      cell.value = text;
      cell.font = { name: '宋体', size: opts.size ?? 11, bold: opts.bold ?? false };
      cell.alignment = { horizontal: opts.align ?? 'left', vertical: 'middle', wrapText: true };
      r++;
    };

    banner(doc.template.title, { size: 16, bold: true, align: 'center' });
    if (doc.template.subtitle) banner(doc.template.subtitle, { align: 'center' });
    banner(`（${doc.period.label}）`, { align: 'center' });
    banner(`填报单位（盖章）：${doc.organisation.name}${doc.subtree ? '（含下级单位）' : ''}`);

    for (const table of doc.tables) {
      if (table.title) banner(table.title, { bold: true });
      for (const section of table.sections) {
        if (section.title) banner(section.title, { bold: true });
        r = this.writeSection(ws, section, r);
      }
      if (table.note && doc.template.layout === 'C') banner(table.note);
      r++;
    }

    const s = doc.signoff;
    banner(`单位负责人：${s?.unitHead ?? ''}${FULLWIDTH_GAP}审核人：${s?.reviewer ?? ''}${FULLWIDTH_GAP}填报人：${s?.preparer ?? ''}`);
    banner(`联系电话：${s?.phone ?? ''}${FULLWIDTH_GAP}填报日期：${cnDate(s?.filledDate)}`);
    // frozenAt is an instant (UTC): the day printed is the Beijing calendar day (00:30 on the 26th is not the 25th).
    if (doc.frozen) banner(`本表已于${cnDate(beijingDateOf(new Date(doc.frozen.frozenAt)))}封存，数据不再变动。`);

    if (doc.checks.length) {
      const cs = wb.addWorksheet('校验');
      cs.columns = [
        { header: '校验项', width: 60 },
        { header: '级别', width: 8 },
        { header: '结果', width: 8 },
        { header: '算式', width: 60 },
      ];
      for (const c of doc.checks) cs.addRow([c.label, c.severity === 'error' ? '必须' : '提示', c.ok ? '通过' : '不通过', c.detail]);
      cs.getRow(1).font = { bold: true };
    }
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  /** Header rows (with merged column groups) and data rows of one section; returns the next free row. */
  private writeSection(ws: ExcelJS.Worksheet, s: SectionDoc, top: number): number {
    const { depth, cells } = headerLayout(s.columns);
    const first = 1 + (s.unitColumn ? 1 : 0) + 1;
    const header = (row: number, col: number, text: string) => {
      const cell = ws.getCell(row, col);
      cell.value = text;
      cell.font = { name: '宋体', bold: true };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      // CJK characters are about two width units: give wrapped headers room for their lines.
      const lines = Math.ceil((text.length * 2) / Math.max(1, (ws.getColumn(col).width ?? 10) - 1));
      if (lines > 1) ws.getRow(row).height = Math.max(ws.getRow(row).height ?? 15, 15 * Math.min(lines, 4));
    };
    header(top, 1, s.labelHeader);
    if (depth > 1) ws.mergeCells(top, 1, top + depth - 1, 1);
    if (s.unitColumn) {
      header(top, 2, '单位');
      if (depth > 1) ws.mergeCells(top, 2, top + depth - 1, 2);
    }
    // Group labels merged across their columns; a column's label fills down to the last header row.
    for (const h of cells) {
      header(top + h.row, first + h.col, h.text);
      if (h.rowSpan > 1 || h.colSpan > 1) ws.mergeCells(top + h.row, first + h.col, top + h.row + h.rowSpan - 1, first + h.col + h.colSpan - 1);
    }
    let r = top + depth;
    for (const row of s.rows) {
      const label = ws.getCell(r, 1);
      label.value = row.label;
      label.font = { name: '宋体', bold: row.heading && row.indent === 0 };
      label.alignment = { indent: row.indent, vertical: 'middle', wrapText: true };
      if (s.unitColumn) {
        const u = ws.getCell(r, 2);
        u.value = row.heading ? '——' : (row.unit ?? '');
        u.alignment = { horizontal: 'center', vertical: 'middle' };
      }
      row.cells.forEach((c, i) => {
        const cell = ws.getCell(r, first + i);
        if (c.source === 'info') cell.value = c.text ?? '';
        else if (c.value !== null) {
          cell.value = c.value;
          cell.numFmt = c.signed ? SIGNED_NUM_FMT : c.valueType === 'decimal' ? '0.00##' : '0';
        }
        cell.alignment = { horizontal: c.source === 'info' ? 'left' : 'right', vertical: 'middle' };
      });
      r++;
    }
    const width = sectionWidth(s);
    for (let rr = top; rr < r; rr++) for (let cc = 1; cc <= width; cc++) ws.getCell(rr, cc).border = BORDER;
    return r;
  }

  /** The figures: one line per cell. */
  figuresCsv(doc: ReportDoc): string {
    const rows: unknown[][] = [['单元格编号', '表', '统计指标', '单位', '统计数', '来源']];
    for (const t of doc.tables)
      for (const s of t.sections)
        for (const row of s.rows)
          for (const c of row.cells) {
            if (c.source === 'info') continue;
            const multi = row.cells.length > 1;
            const label = `${s.title ? s.title + ' ' : ''}${row.label}${multi && c.column ? ' / ' + c.column : ''}`;
            rows.push([c.id, t.title ?? doc.template.title, label, c.unit ?? row.unit ?? '', c.value, sourceLabel(c)]);
          }
    return toCsv(rows);
  }

  /**
   * A drill-down: one line per item, its publications in the period joined in one field each. A frozen
   * report's drill-down lists its frozen members (封存后移出 marks one no longer in the cell), then the
   * items that entered the cell after the freeze (封存后新增).
   */
  drillCsv(d: CellDrill): string {
    const rows: unknown[][] = [['事项ID', '标题', '索引号', '发布单位', '渠道', '发布时间（北京时间）', '链接', '撤回时间', '封存后新增', '封存后移出']];
    const yesNo = (v: boolean | undefined) => (v === undefined ? '' : v ? '是' : '否');
    for (const it of [...d.items, ...(d.sinceFreeze?.joined ?? [])]) {
      rows.push([
        it.itemId,
        it.title,
        it.indexNo,
        it.organisationName,
        it.channels.map((c) => this.catalogue.channelLabel(c)).join('；'),
        it.publications
          .map((p) => `${this.catalogue.channelLabel(p.channelType)}${p.accountName ? '（' + p.accountName + '）' : ''} ${p.publishedAtBeijing}`)
          .join('；'),
        it.links.join(' '),
        it.publications
          .filter((p) => p.withdrawnAt)
          .map((p) => p.withdrawnAt)
          .join('；'),
        yesNo(it.afterFreeze),
        yesNo(it.leftSinceFreeze),
      ]);
    }
    return toCsv(rows);
  }
}
