import { useState } from 'react';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { api, ApiError, download, request } from '../../lib/api';
import { useSubmit } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import type { PeopleImportResult, SetPasswordLink } from '../../../../api/src/imports/people/people-import.types';

/** One problem of the file: where (sheet, row, column) and why. */
interface Problem {
  sheet: string;
  row: string;
  column: string;
  reason: string;
}

/** `用户!C7` → 用户, 7, 第 3 列; `用户!1` → the header row; `用户` → the sheet; `file` → the file itself. */
function problemOf(d: { field: string; reason: string }): Problem {
  if (d.field === 'file') return { sheet: '（整个文件）', row: '', column: '', reason: d.reason };
  const m = /^([^!]+)!([A-Z]*)(\d+)$/.exec(d.field);
  if (!m) return { sheet: d.field, row: '', column: '', reason: d.reason };
  // Excel's column letters are Latin; the console counts the column instead (C → 第 3 列)
  const n = [...m[2]].reduce((acc, c) => acc * 26 + c.charCodeAt(0) - 64, 0);
  return { sheet: m[1], row: m[3] === '1' && !m[2] ? '表头' : m[3], column: n ? `第 ${n} 列` : '', reason: d.reason };
}

/** The links as a CSV the admin keeps and hands over (UTF-8 with BOM, so Excel reads the Chinese). */
function saveLinks(links: SetPasswordLink[]): void {
  // a cell starting with = + - @ would be a formula in Excel: written as text
  const q = (s: string) => `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
  const lines = [['用户名', '姓名', '所属机构代码', '设置密码链接', '有效期至'].join(',')];
  for (const l of links) lines.push([l.username, l.displayName, l.organisationCode, window.location.origin + l.path, fmtTime(l.expiresAt)].map(q).join(','));
  const url = URL.createObjectURL(new Blob(['\ufeff' + lines.join('\r\n')], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = '设置密码链接清单.csv';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * 批量导入: the organisation tree and the users with their roles from the XLSX template. 检查 runs the
 * import as a dry run (every problem of the file in one table); 导入 writes it (all or nothing) and
 * shows each new user's one-time set-password link, once.
 */
export function PeopleImportTab() {
  const [file, setFile] = useState<File | null>(null);
  const [checked, setChecked] = useState<PeopleImportResult | null>(null);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [done, setDone] = useState<PeopleImportResult | null>(null);

  const send = async (dryRun: boolean): Promise<PeopleImportResult | null> => {
    const fd = new FormData();
    fd.set('dryRun', String(dryRun));
    fd.set('file', file!, file!.name);
    try {
      const r = await request<PeopleImportResult>('POST', '/imports/people', fd);
      setProblems(null);
      return r;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'PEOPLE_IMPORT_INVALID') {
        setProblems(e.details.map(problemOf));
        setChecked(null);
        return null;
      }
      throw e;
    }
  };
  const template = useSubmit(() => download('/imports/people/template', '机构和用户导入模板.xlsx'));
  const check = useSubmit(async () => {
    setDone(null);
    setChecked(await send(true));
  });
  const run = useSubmit(async () => {
    const r = await send(false);
    setChecked(null);
    setDone(r);
  });
  const error = template.error ?? check.error ?? run.error;

  return (
    <div data-testid="people-import">
      <h2>批量导入机构和用户</h2>
      <p className="muted">
        先下载模板，在“机构”和“用户”两张表中填写（填写方法见模板的“说明”表），再上传检查。整份文件没有任何问题时才会导入，有问题时一次列出所有问题，不写入任何数据。文件中不填写密码：导入后每个用户得到一个一次性的设置密码链接。
      </p>
      <p>
        <button type="button" className="btn" onClick={() => void template.run()} disabled={template.busy}>
          下载导入模板
        </button>
      </p>
      <div className="field">
        <label htmlFor="people-file">导入文件（XLSX）</label>
        <input
          id="people-file"
          type="file"
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setChecked(null);
            setProblems(null);
            setDone(null);
          }}
        />
      </div>
      <p className="actions">
        <button type="button" className="btn" data-testid="people-check" onClick={() => void check.run()} disabled={!file || check.busy || run.busy}>
          {check.busy ? '正在检查…' : '检查文件'}
        </button>{' '}
        <button type="button" className="btn btn-primary" data-testid="people-run" onClick={() => void run.run()} disabled={!checked || run.busy}>
          {run.busy ? '正在导入…' : '导入'}
        </button>
      </p>
      <ErrorBanner error={error} />
      {checked ? (
        <p className="alert alert-ok" role="status" data-testid="people-checked">
          检查通过：将新建 {checked.organisations} 个机构、{checked.users} 个用户。确认无误后请点击“导入”。
        </p>
      ) : null}
      {problems ? (
        <>
          <p className="alert alert-error" role="alert">
            文件有 {problems.length} 处问题，未写入任何数据。请按下表修改后重新上传检查。
          </p>
          <table className="table" data-testid="people-problems">
            <caption>文件中的问题</caption>
            <thead>
              <tr>
                <th scope="col">工作表</th>
                <th scope="col">行</th>
                <th scope="col">列</th>
                <th scope="col">问题</th>
              </tr>
            </thead>
            <tbody>
              {problems.map((p, i) => (
                <tr key={i}>
                  <td>{p.sheet}</td>
                  <td>{p.row}</td>
                  <td>{p.column}</td>
                  <td>{p.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {done ? <ImportedLinks result={done} /> : null}
      <ReissueLink />
    </div>
  );
}

/** A new link for one user whose link expired or was lost (the old ones stop working). */
function ReissueLink() {
  const [username, setUsername] = useState('');
  const [link, setLink] = useState<SetPasswordLink | null>(null);
  const { error, busy, onSubmit } = useSubmit(async () => {
    setLink(null);
    setLink(await api.post<SetPasswordLink>('/imports/people/links', { username: username.trim() }));
  });
  return (
    <form onSubmit={onSubmit} data-testid="people-reissue" noValidate>
      <h3>重新生成设置密码链接</h3>
      <p className="muted">链接过期或遗失时，为该用户生成新链接；原有未使用的链接随即失效。</p>
      <ErrorBanner error={error} fieldsShown={['username']} />
      <div className="field">
        <label htmlFor="reissue-username">用户名</label>
        <input id="reissue-username" value={username} onChange={(e) => setUsername(e.target.value)} aria-describedby="reissue-username-err" />
        <FieldError error={error} field="username" id="reissue-username-err" />
      </div>
      <button type="submit" className="btn" disabled={busy || !username.trim()}>
        生成新链接
      </button>
      {link ? (
        <p role="status">
          {link.displayName}的新链接（有效期至 {fmtTime(link.expiresAt)}）：
          <input readOnly aria-label={`${link.displayName}的设置密码链接`} value={window.location.origin + link.path} onFocus={(e) => e.target.select()} />
        </p>
      ) : null}
    </form>
  );
}

function ImportedLinks({ result }: { result: PeopleImportResult }) {
  return (
    <section data-testid="people-done">
      <p className="alert alert-ok" role="status">
        导入完成：新建 {result.organisations} 个机构、{result.users} 个用户。
      </p>
      {result.links.length ? (
        <>
          <p className="alert alert-warn">设置密码链接只在此显示一次，请立即下载链接清单，并逐一转交本人；每个链接只能使用一次，过期后请联系管理员重新生成。</p>
          <p>
            <button type="button" className="btn btn-primary" onClick={() => saveLinks(result.links)}>
              下载链接清单
            </button>
          </p>
          <table className="table" data-testid="people-links">
            <caption>设置密码链接</caption>
            <thead>
              <tr>
                <th scope="col">用户名</th>
                <th scope="col">姓名</th>
                <th scope="col">所属机构代码</th>
                <th scope="col">设置密码链接</th>
                <th scope="col">有效期至</th>
              </tr>
            </thead>
            <tbody>
              {result.links.map((l) => (
                <tr key={l.username}>
                  <td>{l.username}</td>
                  <td>{l.displayName}</td>
                  <td>{l.organisationCode}</td>
                  <td>
                    <input readOnly aria-label={`${l.displayName}的设置密码链接`} value={window.location.origin + l.path} onFocus={(e) => e.target.select()} />
                  </td>
                  <td>{fmtTime(l.expiresAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
