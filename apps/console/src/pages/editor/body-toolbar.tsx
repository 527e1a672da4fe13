import type { Editor } from '@tiptap/react';
import { useEditorState } from '@tiptap/react';
import type { ReactNode } from 'react';

interface Props {
  editor: Editor | null;
  uploading: boolean;
  onPickImage(): void;
  onLink(): void;
}

/** The table around the selection, or null. */
function tableAround(e: Editor) {
  const $from = e.state.selection.$from;
  for (let d = $from.depth; d > 0; d--) if ($from.node(d).type.name === 'table') return $from.node(d);
  return null;
}

/**
 * The body editor's toolbar: every command is a button (Tab reaches them, Enter or Space runs them),
 * toggles say whether they are on (aria-pressed), and buttons that cannot act where the cursor is are
 * disabled. Tables: Tab / Shift+Tab move between cells inside a table.
 */
export function BodyToolbar({ editor, uploading, onPickImage, onLink }: Props) {
  const s = useEditorState({
    editor,
    selector: ({ editor: e }) => {
      if (!e) return null;
      const table = tableAround(e);
      const align = (['center', 'right', 'justify'] as const).find((a) => e.isActive({ textAlign: a })) ?? 'left';
      return {
        bold: e.isActive('bold'),
        italic: e.isActive('italic'),
        h2: e.isActive('heading', { level: 2 }),
        h3: e.isActive('heading', { level: 3 }),
        bullet: e.isActive('bulletList'),
        ordered: e.isActive('orderedList'),
        quote: e.isActive('blockquote'),
        link: e.isActive('link'),
        align,
        indent: !!e.getAttributes('paragraph').textIndent,
        canIndent: e.can().toggleFirstLineIndent(),
        inTable: !!table,
        headerRow: table?.firstChild?.firstChild?.type.name === 'tableHeader',
        canDeleteRow: !!table && e.can().deleteRow(),
        canDeleteColumn: !!table && e.can().deleteColumn(),
        image: e.isActive('image'),
        canUndo: e.can().undo(),
        canRedo: e.can().redo(),
      };
    },
  });

  const run = (f: (c: ReturnType<Editor['chain']>) => ReturnType<Editor['chain']>) => () => {
    if (editor) f(editor.chain().focus()).run();
  };
  const btn = (label: string, pressed: boolean | undefined, onClick: () => void, o: { disabled?: boolean; key?: string; testId?: string } = {}) => (
    <button
      type="button"
      className="tb-btn"
      aria-pressed={pressed}
      onClick={onClick}
      disabled={o.disabled || !editor}
      title={o.key ? `${label}（${o.key}）` : label}
      data-testid={o.testId}
    >
      {label}
    </button>
  );
  const group = (label: string, children: ReactNode) => (
    <span className="tb-group" role="group" aria-label={label}>
      {children}
    </span>
  );

  const imageText = (field: 'alt' | 'caption') => {
    if (!editor) return;
    const prev = (editor.getAttributes('image')[field] as string | null) ?? '';
    const asked =
      field === 'alt'
        ? window.prompt('图片的替代文字：读屏软件朗读的内容，说明图片上有什么', prev)
        : window.prompt('图片说明：显示在图片下方（留空则不显示说明）', prev);
    if (asked === null) return;
    editor
      .chain()
      .focus()
      .setImageText({ [field]: asked.replace(/\s+/g, ' ').trim() || null })
      .run();
  };

  return (
    <div className="toolbar" role="toolbar" aria-label="正文格式">
      {group(
        '文字',
        <>
          {btn(
            '加粗',
            s?.bold,
            run((c) => c.toggleBold()),
            { key: 'Ctrl+B' },
          )}
          {btn(
            '倾斜',
            s?.italic,
            run((c) => c.toggleItalic()),
            { key: 'Ctrl+I' },
          )}
          {btn(
            '二级标题',
            s?.h2,
            run((c) => c.toggleHeading({ level: 2 })),
          )}
          {btn(
            '三级标题',
            s?.h3,
            run((c) => c.toggleHeading({ level: 3 })),
          )}
          {btn(
            '项目列表',
            s?.bullet,
            run((c) => c.toggleBulletList()),
          )}
          {btn(
            '编号列表',
            s?.ordered,
            run((c) => c.toggleOrderedList()),
          )}
          {btn(
            '引用',
            s?.quote,
            run((c) => c.toggleBlockquote()),
          )}
          {btn('链接', s?.link, onLink)}
        </>,
      )}
      {group(
        '段落',
        <>
          {btn(
            '左对齐',
            s?.align === 'left',
            run((c) => c.unsetTextAlign()),
            { key: 'Ctrl+Shift+L' },
          )}
          {btn(
            '居中',
            s?.align === 'center',
            run((c) => c.setTextAlign('center')),
            { key: 'Ctrl+Shift+E' },
          )}
          {btn(
            '右对齐',
            s?.align === 'right',
            run((c) => c.setTextAlign('right')),
            { key: 'Ctrl+Shift+R' },
          )}
          {btn(
            '首行缩进',
            s?.indent,
            run((c) => c.toggleFirstLineIndent()),
            { disabled: !s?.canIndent },
          )}
        </>,
      )}
      {group(
        '表格',
        <>
          {btn(
            '插入表格',
            undefined,
            run((c) => c.insertTable({ rows: 3, cols: 3, withHeaderRow: true })),
            { disabled: s?.inTable, testId: 'insert-table' },
          )}
          {btn(
            '添加行',
            undefined,
            run((c) => c.addRowAfter()),
            { disabled: !s?.inTable },
          )}
          {btn(
            '添加列',
            undefined,
            run((c) => c.addColumnAfter()),
            { disabled: !s?.inTable },
          )}
          {btn(
            '删除行',
            undefined,
            run((c) => c.deleteRow()),
            { disabled: !s?.canDeleteRow },
          )}
          {btn(
            '删除列',
            undefined,
            run((c) => c.deleteColumn()),
            { disabled: !s?.canDeleteColumn },
          )}
          {btn(
            '表头行',
            s?.inTable ? s.headerRow : undefined,
            run((c) => c.toggleHeaderRow()),
            { disabled: !s?.inTable },
          )}
          {btn(
            '删除表格',
            undefined,
            run((c) => c.deleteTable()),
            { disabled: !s?.inTable },
          )}
        </>,
      )}
      {group(
        '图片',
        <>
          <button type="button" className="tb-btn" onClick={onPickImage} disabled={!editor || uploading} data-testid="insert-image">
            {uploading ? '图片上传中…' : '插入图片'}
          </button>
          {btn('替代文字', undefined, () => imageText('alt'), { disabled: !s?.image, testId: 'image-alt' })}
          {btn('图片说明', undefined, () => imageText('caption'), { disabled: !s?.image, testId: 'image-caption' })}
        </>,
      )}
      {group(
        '撤销',
        <>
          {btn(
            '撤销',
            undefined,
            run((c) => c.undo()),
            { disabled: !s?.canUndo, key: 'Ctrl+Z' },
          )}
          {btn(
            '重做',
            undefined,
            run((c) => c.redo()),
            { disabled: !s?.canRedo, key: 'Ctrl+Shift+Z' },
          )}
        </>,
      )}
    </div>
  );
}
