/** The editor's form state, and how it comes from an item and goes back to the API. */
import type { Attachment, ChannelOverrides, Item } from '../../lib/types';

export interface Form {
  organisationId: string;
  title: string;
  summary: string;
  bodyHtml: string;
  docNo: string;
  issuingBody: string;
  writtenDate: string;
  category: string;
  disclosureAttr: string;
  validity: string;
  repealedDate: string;
  kind: string;
  policyItemId: string;
  attachments: Attachment[];
  targetAccountIds: string[];
  channelOverrides: ChannelOverrides;
  publishAt: string;
}

export const EDITABLE = ['draft', 'rejected', 'published'];

/** The fields the editor shows a field error beside; a 400 banner lists only the others. */
export const FIELDS_SHOWN = [
  'title',
  'summary',
  'bodyHtml',
  'docNo',
  'issuingBody',
  'writtenDate',
  'category',
  'disclosureAttr',
  'validity',
  'repealedDate',
  'kind',
  'policyItemId',
  'targetAccountIds',
  'publishAt',
  'organisationId',
  'channelOverrides',
];

/** What the editor keeps of unsaved work (autosave, and across the end of a session): the form, whether it is scheduled, the item's updatedAt it started from. */
export interface Draft {
  form: Form;
  schedule: boolean;
  baseUpdatedAt: string | null;
}

/** Whether a draft holds anything worth offering back (a new item's empty form does not). */
export function draftHasContent(d: Draft | null | undefined): boolean {
  return (
    !!d?.form && (!!d.form.title.trim() || !!d.form.summary.trim() || /[^\s]/.test(d.form.bodyHtml.replace(/<[^>]*>/g, '')) || d.form.attachments.length > 0)
  );
}

export function fromItem(i: Item): Form {
  return {
    organisationId: i.organisationId,
    title: i.title,
    summary: i.summary ?? '',
    bodyHtml: i.bodyHtml ?? '',
    docNo: i.docNo ?? '',
    issuingBody: i.issuingBody ?? '',
    writtenDate: i.writtenDate ?? '',
    category: i.category ?? '其他',
    disclosureAttr: i.disclosureAttr,
    validity: i.validity,
    repealedDate: i.repealedDate ?? '',
    kind: i.kind,
    policyItemId: i.policyItemId ?? '',
    attachments: i.attachments ?? [],
    targetAccountIds: i.targetAccountIds ?? [],
    channelOverrides: i.channelOverrides ?? {},
    publishAt: i.publishAt ?? '',
  };
}

/** The request body: empty optional fields are sent as null (cleared) on update and left out on create. */
export function toBody(f: Form, creating: boolean) {
  const opt = (v: string) => (v.trim() ? v.trim() : creating ? undefined : null);
  return {
    ...(creating ? { organisationId: f.organisationId } : {}),
    title: f.title,
    summary: f.summary,
    bodyHtml: f.bodyHtml,
    docNo: opt(f.docNo),
    issuingBody: f.issuingBody.trim() || undefined,
    writtenDate: opt(f.writtenDate),
    category: f.category.trim() || '其他',
    disclosureAttr: f.disclosureAttr,
    validity: f.validity,
    repealedDate: opt(f.repealedDate),
    kind: f.kind,
    policyItemId: f.kind === 'interpretation' ? opt(f.policyItemId) : creating ? undefined : null,
    attachments: f.attachments,
    targetAccountIds: f.targetAccountIds,
    channelOverrides: f.channelOverrides,
    publishAt: f.publishAt ? f.publishAt : creating ? undefined : null,
  };
}

/** A new item in the editor's first organisation. */
export function blankForm(org: { id: string; name: string } | undefined): Form {
  return {
    organisationId: org?.id ?? '',
    title: '',
    summary: '',
    bodyHtml: '',
    docNo: '',
    issuingBody: org?.name ?? '',
    writtenDate: '',
    category: '其他',
    disclosureAttr: '主动公开',
    validity: '有效',
    repealedDate: '',
    kind: 'notice',
    policyItemId: '',
    attachments: [],
    targetAccountIds: [],
    channelOverrides: {},
    publishAt: '',
  };
}
