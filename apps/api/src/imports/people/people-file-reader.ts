import ExcelJS from 'exceljs';
import type { FieldProblem } from '@app/common/errors/field-problem.types';
import { columnLetter, MAX_ROWS, ORG_COLUMNS, ORG_SHEET, USER_COLUMNS, USER_SHEET } from './people-sheets';

/** One data row of a sheet: its row number and its cells by header, trimmed, with each header's column letter. */
export interface SheetRow {
  row: number;
  cells: Record<string, string>;
}

export interface PeopleFile {
  orgs: SheetRow[];
  users: SheetRow[];
  /** Column letter of each header, per sheet (for `用户!C7`). */
  letters: Record<string, Record<string, string>>;
  /** Problems of the file itself (not XLSX, a sheet or a header missing, too many rows): nothing else is checked. */
  problems: FieldProblem[];
}

/** Reads the two sheets of an uploaded workbook by their header rows. Never throws on a bad file: it says so. */
export async function readPeopleFile(data: Buffer | undefined): Promise<PeopleFile> {
  const out: PeopleFile = { orgs: [], users: [], letters: {}, problems: [] };
  // an XLSX is a zip: "PK\x03\x04"
  if (!data?.length || data.subarray(0, 4).toString('binary') !== 'PK\x03\x04') {
    out.problems.push({ field: 'file', reason: '文件不是 XLSX 格式（请用模板填写后另存为 .xlsx）' });
    return out;
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ExcelJS.Buffer);
  } catch {
    out.problems.push({ field: 'file', reason: '无法读取该 XLSX 文件（文件已损坏或不是 Excel 工作簿）' });
    return out;
  }
  for (const [sheet, columns, key] of [
    [ORG_SHEET, ORG_COLUMNS, 'orgs'],
    [USER_SHEET, USER_COLUMNS, 'users'],
  ] as const) {
    const ws = wb.getWorksheet(sheet);
    if (!ws) {
      out.problems.push({ field: sheet, reason: `缺少工作表「${sheet}」（请使用下载的模板）` });
      continue;
    }
    const header = new Map<string, number>();
    ws.getRow(1).eachCell({ includeEmpty: false }, (cell, col) => {
      const h = cellText(cell);
      if (h && !header.has(h)) header.set(h, col);
    });
    // passwords never travel in the file: a column that looks like one refuses the whole file
    for (const [h, col] of header)
      if (/密码|口令|password/i.test(h))
        out.problems.push({
          field: `${sheet}!${columnLetter(col - 1)}1`,
          reason: `文件中不能包含密码列「${h}」：密码由用户本人通过设置密码链接设置，请删除该列`,
        });
    const letters: Record<string, string> = {};
    for (const c of columns) {
      const col = header.get(c);
      if (col === undefined) out.problems.push({ field: `${sheet}!1`, reason: `表头缺少列「${c}」` });
      else letters[c] = columnLetter(col - 1);
    }
    out.letters[sheet] = letters;
    if (Object.keys(letters).length < columns.length) continue;
    const rows: SheetRow[] = [];
    ws.eachRow({ includeEmpty: false }, (r, n) => {
      if (n === 1) return;
      const cells: Record<string, string> = {};
      for (const c of columns) cells[c] = cellText(r.getCell(header.get(c)!));
      if (Object.values(cells).some(Boolean)) rows.push({ row: n, cells });
    });
    if (rows.length > MAX_ROWS) out.problems.push({ field: sheet, reason: `数据行过多（${rows.length} 行），一次至多导入 ${MAX_ROWS} 行，请分批导入` });
    out[key] = rows;
  }
  return out;
}

/** What a cell shows, trimmed: numbers as written, formulas by their result, rich text and links as their text. */
function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  try {
    return (cell.text ?? '').trim();
  } catch {
    return '';
  }
}
