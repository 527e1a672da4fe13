import { AppError, type FieldProblem } from '@app/common/errors/app-error';
import type { ComplianceFinding } from '@app/domain/entities/compliance-finding.entity';
import type { Item } from '@app/domain/entities/item.entity';
import { disclosureProblems, PUBLIC_DISCLOSURE } from './item-refs';

/**
 * What the item itself lacks for a submission, before any channel is asked: a 公开属性 that may go to
 * a channel (only 主动公开: every channel is public), at least one channel, the policy an
 * interpretation explains.
 */
export function itemSubmitProblems(item: Pick<Item, 'disclosureAttr' | 'targetAccountIds' | 'kind' | 'policyItemId'>): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (item.disclosureAttr !== PUBLIC_DISCLOSURE) {
    const p = disclosureProblems(item.disclosureAttr, item.targetAccountIds);
    out.push(...(p.length ? p : [{ field: 'disclosureAttr', reason: `公开属性为「${item.disclosureAttr}」的信息只登记、不发布，不能提交发布审核` }]));
  } else if (!item.targetAccountIds.length) out.push({ field: 'targetAccountIds', reason: '请至少选择一个发布渠道' });
  if (item.kind === 'interpretation' && !item.policyItemId) out.push({ field: 'policyItemId', reason: '政策解读须关联所解读的政策文件' });
  return out;
}

/**
 * One refusal naming every problem of a submission at once (issue 15.3): the item's own, each
 * channel's and the compliance findings that block it (secrecy marks…), each with its field. The code
 * says the gravest kind: BLOCKING_FINDINGS when a finding blocks (that attempt is audited), else
 * NOT_DELIVERABLE. Null when there is nothing to refuse.
 */
export function submitRefusal(item: Pick<Item, 'disclosureAttr'>, problems: FieldProblem[], blocking: ComplianceFinding[]): AppError | null {
  const details: FieldProblem[] = [...problems, ...blocking.map((f) => ({ field: f.field, reason: f.message, start: f.start, end: f.end }) as FieldProblem)];
  if (!details.length) return null;
  const code = blocking.length ? 'BLOCKING_FINDINGS' : 'NOT_DELIVERABLE';
  const channel = problems.filter((p) => p.field.startsWith('channels.')).length;
  const own = problems.length - channel;
  let message: string;
  if (details.length === 1) {
    if (blocking.length) message = blocking[0].message;
    else if (channel) message = '信息不满足所选渠道的要求，请修改后再提交';
    else if (item.disclosureAttr !== PUBLIC_DISCLOSURE) message = `公开属性为「${item.disclosureAttr}」的信息只登记、不发布，不能提交发布审核`;
    else message = `${problems[0].reason}，请修改后再提交`;
  } else {
    const parts = [
      own ? `信息本身 ${own} 个` : '',
      channel ? `渠道要求 ${channel} 个` : '',
      blocking.length ? `合规检查（密级标志等）${blocking.length} 处` : '',
    ].filter(Boolean);
    message = `提交前还有 ${details.length} 个问题需要处理（${parts.join('，')}），请逐项修改后再提交`;
  }
  return AppError.unprocessable(code, message, details);
}
