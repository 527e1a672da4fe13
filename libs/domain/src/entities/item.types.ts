import type { ItemKind, ItemStatus } from '../enums/domain-enums';

// Pure TypeScript (type imports of pure modules only): the console (apps/console) imports these
// shapes too. The entities (item.entity.ts, item-version.entity.ts) build on them.

export interface Attachment {
  name: string;
  url: string;
  mime: string;
  size: number;
}

/** Per-channel-type overrides written by the editor (WeChat title/digest/cover, Weibo text, LED text...). */
export type ChannelOverrides = Record<string, Record<string, any>>;

/** What an item says: written by the editor, frozen into every version, rendered by the adapters. */
export interface ItemContent {
  title: string;
  bodyHtml: string;
  summary: string;
  /** 索引号, generated on creation by the organisation's scheme. */
  indexNo: string;
  /** 文号 */
  docNo: string | null;
  /** 发布机构 */
  issuingBody: string;
  /** 成文日期 (YYYY-MM-DD) */
  writtenDate: string | null;
  /** 发布日期 (YYYY-MM-DD, Asia/Shanghai), set when first published */
  publishDate: string | null;
  /** 主题分类 */
  category: string;
  /** 公开属性 */
  disclosureAttr: string;
  /** 有效性 */
  validity: string;
  /** 废止日期 */
  repealedDate: string | null;
  kind: ItemKind;
  /** For 政策解读: the policy item it interprets. */
  policyItemId: string | null;
  attachments: Attachment[];
  channelOverrides: ChannelOverrides;
}

/** A row of `items` (the Item entity implements it; the API sends it as JSON). */
export interface ItemRecord extends ItemContent {
  id: string;
  organisationId: string;
  authorId: string;
  status: ItemStatus;
  /** Channel accounts the item targets. */
  targetAccountIds: string[];
  /** When set, deliveries become due at this time instead of at approval. */
  publishAt: Date | null;
  /** Highest review level approved in the current review round (0 = none). */
  reviewLevel: number;
  currentVersionNo: number;
  rejectionReason: string | null;
  /** When it was last submitted for review (read-only: set by the submission; the review queue's order). */
  submittedAt: Date | null;
  rowVersion: number;
  createdAt: Date;
  updatedAt: Date;
}
