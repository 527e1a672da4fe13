/**
 * Chinese labels for the API's English values. The domain's own value lists and labels live in
 * libs/domain/src/enums/domain-enums.ts (pure data, bundled from there); here they are widened to
 * string keys because the console indexes them with whatever string the API sent.
 */
import {
  DELIVERY_STATE_LABELS as DOMAIN_DELIVERY_STATE_LABELS,
  DISCLOSURE_ATTRS as DOMAIN_DISCLOSURE_ATTRS,
  ITEM_FIELD_LABELS,
  ITEM_KIND_LABELS,
  ITEM_KINDS,
  ITEM_STATUS_LABELS,
  VALIDITIES as DOMAIN_VALIDITIES,
} from '../../../../libs/domain/src/enums/domain-enums';
import { ROLE_LABELS as DOMAIN_ROLE_LABELS, ROLES as DOMAIN_ROLES } from '../../../../libs/common/src/auth/roles';

export const KIND_LABELS: Readonly<Record<string, string>> = ITEM_KIND_LABELS;
export const KINDS: readonly string[] = ITEM_KINDS;

export const STATUS_LABELS: Readonly<Record<string, string>> = ITEM_STATUS_LABELS;

export const ROLE_LABELS: Readonly<Record<string, string>> = DOMAIN_ROLE_LABELS;
export const ROLES: readonly string[] = DOMAIN_ROLES;

export const DELIVERY_STATE_LABELS: Readonly<Record<string, string>> = DOMAIN_DELIVERY_STATE_LABELS;

export const DISCLOSURE_ATTRS: readonly string[] = DOMAIN_DISCLOSURE_ATTRS;
export const VALIDITIES: readonly string[] = DOMAIN_VALIDITIES;

/** 主题分类 as used by county 信息公开目录 (the API accepts any short text). */
export const CATEGORIES = [
  '综合政务',
  '国民经济管理',
  '财政、金融、审计',
  '国土资源、能源',
  '农业、林业、水利',
  '工业、交通',
  '商贸、海关、旅游',
  '市场监管、安全生产监管',
  '城乡建设、环境保护',
  '科技、教育',
  '文化、广电、新闻出版',
  '卫生、体育',
  '人口与计划生育、妇女儿童工作',
  '劳动、人事、监察',
  '公安、安全、司法',
  '民政、扶贫、救灾',
  '民族、宗教',
  '对外事务',
  '港澳台侨工作',
  '国防',
  '其他',
];
export const SECRECY_CONCLUSIONS = [
  '经保密审查，不涉及国家秘密，同意公开',
  '经保密审查，不涉及国家秘密、工作秘密，同意公开',
  '经保密审查，已删除敏感内容后同意公开',
];

export const FIELD_LABELS: Record<string, string> = {
  ...ITEM_FIELD_LABELS,
  status: '状态',
  reason: '理由',
  file: '文件',
  active: '账号状态',
};

export function label(map: Record<string, string>, v: string | null | undefined): string {
  return v ? (map[v] ?? v) : '';
}

export function fmtTime(s: string | null | undefined): string {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return d.toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour12: false,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} 字节`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
