/**
 * The one way the console talks to the API (/api/v1). Errors come back in the API's shape
 * {statusCode, code, message, details:[{field, reason}]} and are thrown as ApiError so pages can show
 * the Chinese message and the field reasons next to the fields.
 */
import type { FieldProblem } from '../../../../libs/common/src/errors/field-problem.types';
import type { UploadedFileInfo, UploadPurpose } from '../../../api/src/uploads/uploaded-file.types';

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details: FieldProblem[],
  ) {
    super(message);
  }
  /** Reasons for one field (matches "field", "field.sub" and "channels.x.field"). */
  forField(field: string): string[] {
    return this.details.filter((d) => d.field === field || d.field.startsWith(field + '.') || d.field.endsWith('.' + field)).map((d) => d.reason);
  }
}

/**
 * The console never holds its token: sign-in sets it in an HttpOnly cookie scoped to /api that no
 * script can read (nor one on another page of this origin, such as the portal under /site/). Every
 * request says it comes from the console (CONSOLE_HEADER): the API refuses a change authenticated by
 * the cookie alone, which is what a forged cross-site request would be.
 */
const CONSOLE_HEADER = { 'X-Requested-With': 'gd-console' };
let onUnauthorized: (() => void) | null = null;

export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export const API = '/api/v1';

async function toError(res: Response): Promise<ApiError> {
  let body: any = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON: a proxy error page */
  }
  const details = Array.isArray(body?.details) ? body.details : [];
  return new ApiError(res.status, body?.code ?? `HTTP_${res.status}`, body?.message ?? `请求失败（${res.status}）`, details);
}

export async function request<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...CONSOLE_HEADER };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(API + path, { method, headers, body: payload, credentials: 'same-origin', ...init });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络后重试', []);
  }
  if (res.status === 401 && !path.startsWith('/auth/login')) onUnauthorized?.();
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? res.json() : res.text()) as Promise<T>;
}

export const api = {
  get: <T>(path: string, init?: RequestInit) => request<T>('GET', path, undefined, init),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};

/** Query string from an object, dropping empty values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Downloads an authenticated file (XLSX, CSV) through fetch (the session cookie goes along), then saves it. */
export async function download(path: string, fallbackName: string): Promise<string> {
  const res = await fetch(API + path, { headers: CONSOLE_HEADER, credentials: 'same-origin' });
  if (!res.ok) throw await toError(res);
  const blob = await res.blob();
  const cd = res.headers.get('content-disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)/i.exec(cd) ?? /filename="?([^";]+)"?/i.exec(cd);
  const name = m ? decodeURIComponent(m[1]) : fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/** Uploads one file to POST /uploads. */
export function upload(file: File, purpose: UploadPurpose): Promise<UploadedFileInfo> {
  const fd = new FormData();
  fd.set('purpose', purpose);
  fd.set('file', file, file.name);
  return request<UploadedFileInfo>('POST', '/uploads', fd);
}
