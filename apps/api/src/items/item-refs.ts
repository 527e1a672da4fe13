import { EntityManager } from 'typeorm';
import type { FieldProblem } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import type { ChannelRegistry } from '@app/channels/channel-registry';
import { ChannelAccount } from '@app/domain/entities/channel-account.entity';
import type { Organisation } from '@app/domain/entities/organisation.entity';

/** The only 公开属性 whose items may go to a channel. */
export const PUBLIC_DISCLOSURE = '主动公开';

/**
 * Every channel of this product (portal, WeChat, Weibo, gazette, LED screens) is public: an item
 * that is 依申请公开 or 不予公开 may be kept and recorded, never aimed at one. Named on
 * `disclosureAttr`, the field the editor has to change (or clear the channels).
 */
export function disclosureProblems(disclosureAttr: string, targetAccountIds: string[]): FieldProblem[] {
  if (disclosureAttr === PUBLIC_DISCLOSURE || !targetAccountIds.length) return [];
  return [
    {
      field: 'disclosureAttr',
      reason: `公开属性为「${disclosureAttr}」的信息不能发布到公开渠道（门户网站、政务微信、微博、公报、LED屏都是公开渠道），只有「主动公开」的信息可以选择发布渠道：请改为主动公开，或清空发布渠道`,
    },
  ];
}

/**
 * Channel accounts an item of `org` may use: its own organisation's or an ancestor's (a department
 * publishes through the county portal). Anything else, an unknown id included, is refused with one
 * and the same reason (never the other organisation's account name, nor whether the id exists).
 */
export async function accountProblems(em: EntityManager, registry: ChannelRegistry, org: Organisation, ids: string[], field: string): Promise<FieldProblem[]> {
  const uniq = [...new Set(ids)];
  const chain = org.path.split('/').filter(Boolean);
  const valid = uniq.filter(isUuid);
  const rows = valid.length ? await em.getRepository(ChannelAccount).createQueryBuilder('a').where('a.id IN (:...ids)', { ids: valid }).getMany() : [];
  const problems: FieldProblem[] = [];
  for (const id of uniq) {
    const a = rows.find((r) => r.id === id);
    if (!a || !chain.includes(a.organisationId))
      problems.push({ field, reason: `channel account ${id} is not one of this organisation's or its parents' accounts` });
    else if (!registry.has(a.channelType)) problems.push({ field, reason: `channel type ${a.channelType} is not supported` });
  }
  return problems;
}

/**
 * The policy an interpretation points at must be an item of the same line of organisations: the
 * item's own, an ancestor's (a department interprets a county policy) or a descendant's. Refused
 * alike when it is another organisation's or does not exist (never its title).
 */
export async function policyProblems(em: EntityManager, org: Organisation, policyItemId: string, selfId?: string): Promise<FieldProblem[]> {
  if (policyItemId === selfId) return [{ field: 'policyItemId', reason: 'an item cannot interpret itself' }];
  const rows: unknown[] = await em.query(
    `SELECT 1 FROM items p JOIN organisations o ON o.id = p.organisation_id
      WHERE p.id = $1 AND ($2::text LIKE o.path || '%' OR o.path LIKE $2::text || '%')`,
    [policyItemId, org.path],
  );
  return rows.length
    ? []
    : [{ field: 'policyItemId', reason: 'unknown policy item (it must be an item of this organisation, its parents or its departments)' }];
}
