import { ITEM_KINDS, ITEM_KIND_LABELS } from '@app/domain/enums/domain-enums';
import type { ChannelField } from '../channel-adapter.types';
import { FREQUENCY_LABELS, GAZETTE_FREQUENCIES } from './gazette-settings';
import { GAZETTE_PATH } from './gazette-site';

/**
 * The gazette account form and the editor's per-item field, as data (keys: gazette-settings.ts).
 * Nested settings (numbering, sections) are checked by parseGazetteSettings; the form shows them as JSON.
 */
export const GAZETTE_SETTINGS_SCHEMA: ChannelField[] = [
  { key: 'title', label: '公报名称', type: 'string', maxLength: 100, help: '不含书名号，如 示范县人民政府公报；留空则使用账号名称' },
  {
    key: 'frequency',
    label: '出版周期',
    type: 'select',
    options: GAZETTE_FREQUENCIES.map((f) => ({ value: f, label: FREQUENCY_LABELS[f] })),
    default: 'monthly',
  },
  {
    key: 'kinds',
    label: '刊登类别',
    type: 'multiselect',
    min: 1,
    options: ITEM_KINDS.map((k) => ({ value: k, label: ITEM_KIND_LABELS[k] })),
    help: '不选则按机构设置（默认：政府规章、行政规范性文件、人事任免）',
  },
  { key: 'autoPublish', label: '到期自动出版', type: 'boolean', help: '不勾选则由操作员编排后手动出版' },
  { key: 'publisher', label: '编辑出版单位', type: 'string', maxLength: 100 },
  {
    key: 'path',
    label: '公报目录',
    type: 'string',
    pattern: GAZETTE_PATH.source,
    patternHelp: '只能包含字母、数字、- 和 _，不超过 64 个字符',
    // the default folder name is Latin: in the input's placeholder (默认：gazette), not in the help a reader reads
    default: 'gazette',
    help: '公报在门户网站目录下的文件夹名，不填则使用默认文件夹名',
    advanced: true,
  },
];

export const GAZETTE_CREDENTIALS_SCHEMA: ChannelField[] = [];

export const GAZETTE_OVERRIDE_SCHEMA: ChannelField[] = [
  { key: 'section', label: '公报栏目', type: 'select', optionsFromSettings: 'sections.title', emptyLabel: '（自动）', help: '留空则按信息类别编入对应栏目' },
];
