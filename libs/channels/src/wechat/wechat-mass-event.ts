import { XMLParser } from 'fast-xml-parser';
import type { ConfirmResult } from '../channel-adapter';

/** The MASSSENDJOBFINISH event pushed to the account's server URL when a 群发 job ends. */
export interface MassEvent {
  msgId: string;
  /** "send success" | "send fail" | "err(n)" */
  status: string;
  totalCount: number | null;
  filterCount: number | null;
  sentCount: number | null;
  errorCount: number | null;
  urls: { idx: number; url: string }[];
}

/**
 * err(n) reasons (chanxuehong/wechat mp/message/mass/event.go, quoting the official doc). Undocumented
 * codes occur (err(20431), community report): any err(...) is a failure with its raw code.
 */
const ERR_REASONS: Record<string, string> = {
  '10001': '涉嫌广告',
  '20001': '涉嫌政治',
  '20002': '涉嫌色情',
  '20004': '涉嫌社会',
  '20006': '涉嫌违法犯罪',
  '20008': '涉嫌欺诈',
  '20013': '涉嫌版权',
  '21000': '涉嫌其他',
  '22000': '涉嫌互推（互相宣传）',
};

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, trimValues: true, processEntities: true });

/** Element lookup ignoring case: live XML says <MsgID>, SDK structs <MsgId> (PLATFORM.md §1.6). */
function field(doc: Record<string, any>, name: string): any {
  const k = Object.keys(doc).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : doc[k];
}

function num(v: unknown): number | null {
  const n = Number(v);
  return v === undefined || v === '' || !Number.isFinite(n) ? null : n;
}

/** Parses a (plaintext or already decrypted) event; null when it is not a MASSSENDJOBFINISH. */
export function parseMassEvent(xml: string): MassEvent | null {
  const doc = parser.parse(xml)?.xml;
  if (!doc || typeof doc !== 'object' || String(field(doc, 'Event') ?? '') !== 'MASSSENDJOBFINISH') return null;
  const msgId = String(field(doc, 'MsgID') ?? '').trim();
  if (!msgId) return null;
  const list = field(field(doc, 'ArticleUrlResult') ?? {}, 'ResultList');
  const raw = list && typeof list === 'object' ? field(list, 'item') : undefined;
  const items: any[] = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const urls = items
    .map((i) => ({ idx: Number(field(i ?? {}, 'ArticleIdx') ?? 1), url: String(field(i ?? {}, 'ArticleUrl') ?? '') }))
    .filter((i) => i.url)
    .sort((a, b) => a.idx - b.idx);
  return {
    msgId,
    status: String(field(doc, 'Status') ?? '').trim(),
    totalCount: num(field(doc, 'TotalCount')),
    filterCount: num(field(doc, 'FilterCount')),
    sentCount: num(field(doc, 'SentCount')),
    errorCount: num(field(doc, 'ErrorCount')),
    urls,
  };
}

/**
 * The delivery's outcome. "send success" may still have failed for some followers (ErrorCount): it is a
 * publication. Anything else ended without one. An empty ArticleUrlResult on success happens (2025
 * community report): the URL is then left empty, not guessed.
 */
export function massEventOutcome(e: MassEvent): ConfirmResult | { status: 'failed'; code: string; message: string } {
  if (e.status === 'send success') return { status: 'published', externalId: e.msgId, externalUrl: e.urls[0]?.url ?? null };
  const m = /^err\((\d+)\)$/.exec(e.status);
  if (m) {
    const reason = ERR_REASONS[m[1]] ?? '未公开的原因';
    return {
      status: 'failed',
      code: `WECHAT_MASS_ERR_${m[1]}`,
      message: `微信群发未通过审核：${reason}（${e.status}，msg_id ${e.msgId}），请修改内容后重新提交`,
    };
  }
  return {
    status: 'failed',
    code: 'WECHAT_MASS_SEND_FAIL',
    message: `微信群发失败（${e.status || '无状态'}，msg_id ${e.msgId}）；可能被判定为转载或群发保护未获管理员确认，请在微信公众平台“群发记录”中查看`,
  };
}
