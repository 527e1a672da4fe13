import type { AxiosInstance } from 'axios';
import ExcelJS from 'exceljs';

/** Rows of the two sheets, as written in a cell (header row added by `peopleWorkbook`). */
export interface PeopleRows {
  orgs: (string | number | null)[][];
  users: (string | number | null)[][];
}

/** An XLSX in the template's layout (sheets 机构 and 用户 with their header rows), written by exceljs as Excel would. */
export async function peopleWorkbook(rows: PeopleRows, o: { omitUserSheet?: boolean } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const orgs = wb.addWorksheet('机构');
  orgs.addRow(['机构代码', '机构名称', '上级机构代码', '层级']);
  for (const r of rows.orgs) orgs.addRow(r);
  if (!o.omitUserSheet) {
    const users = wb.addWorksheet('用户');
    users.addRow(['用户名', '姓名', '所属机构代码', '角色']);
    for (const r of rows.users) users.addRow(r);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** POST /imports/people as multipart (field file), with the caller's bearer token. */
export async function postPeople(
  baseUrl: string,
  client: AxiosInstance,
  data: Buffer,
  dryRun = false,
  name = '导入.xlsx',
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.set('dryRun', String(dryRun));
  form.set('file', new Blob([data], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), name);
  const auth = String(client.defaults.headers.Authorization ?? (client.defaults.headers.common as Record<string, unknown>)?.Authorization ?? '');
  const res = await fetch(`${baseUrl}/api/v1/imports/people`, { method: 'POST', headers: { Authorization: auth }, body: form });
  return { status: res.status, body: await res.json() };
}

/** The token of a set-password link path (`/set-password#token=…`). */
export function tokenOf(path: string): string {
  const m = /#token=([A-Za-z0-9_-]+)$/.exec(path);
  if (!m) throw new Error(`not a set-password link: ${path}`);
  return m[1];
}
