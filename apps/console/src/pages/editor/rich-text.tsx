import Image from '@tiptap/extension-image';
import Link from '@tiptap/extension-link';
import { EditorContent, useEditor, useEditorState } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useEffect, useRef, useState } from 'react';
import { ApiError, upload } from '../../lib/api';
import { FindingsHighlight, findingsKey, HighlightTerm } from './findings-highlight';

interface Props {
  value: string;
  onChange(html: string): void;
  terms: HighlightTerm[];
  describedBy?: string;
  onUploadError(e: ApiError | undefined): void;
}

/**
 * The body editor (TipTap). Produces the subset of HTML the server's sanitiser keeps; images are
 * uploaded to the server first and inserted by their private URL (/api/v1/uploads/…, never as data:
 * URLs), which the browser loads with the session cookie; the portal publishes a public copy when the
 * item is published, and the other channels' workers read the file from the private store.
 */
export function RichText({ value, onChange, terms, describedBy, onUploadError }: Props) {
  const fileRef = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(false);
  const editor = useEditor({
    extensions: [
      StarterKit.configure({ link: false, heading: { levels: [2, 3, 4] } }),
      Link.configure({ openOnClick: false, autolink: true, protocols: ['http', 'https', 'mailto'], HTMLAttributes: { rel: 'noopener noreferrer', target: null } }),
      Image.configure({ inline: false, allowBase64: false }),
      FindingsHighlight,
    ],
    content: value,
    editorProps: {
      attributes: { class: 'prose', role: 'textbox', 'aria-multiline': 'true', 'aria-label': '正文', ...(describedBy ? { 'aria-describedby': describedBy } : {}), 'data-testid': 'body-editor' },
      handlePaste: (_view, event) => insertFiles(event.clipboardData?.files),
      handleDrop: (_view, event) => insertFiles((event as DragEvent).dataTransfer?.files),
    },
    onUpdate: ({ editor }) => onChange(editor.isEmpty ? '' : editor.getHTML()),
  });

  // Content replaced from outside (item loaded, redaction applied on the server).
  useEffect(() => {
    if (editor && value !== editor.getHTML() && !(value === '' && editor.isEmpty)) editor.commands.setContent(value, { emitUpdate: false });
  }, [editor, value]);

  useEffect(() => {
    if (editor) editor.view.dispatch(editor.state.tr.setMeta(findingsKey, terms));
  }, [editor, terms]);

  const state = useEditorState({
    editor,
    selector: ({ editor: e }) =>
      e
        ? {
            bold: e.isActive('bold'),
            italic: e.isActive('italic'),
            h2: e.isActive('heading', { level: 2 }),
            h3: e.isActive('heading', { level: 3 }),
            bullet: e.isActive('bulletList'),
            ordered: e.isActive('orderedList'),
            quote: e.isActive('blockquote'),
            link: e.isActive('link'),
            canUndo: e.can().undo(),
            canRedo: e.can().redo(),
          }
        : null,
  });

  function insertFiles(files: FileList | null | undefined): boolean {
    const images = [...(files ?? [])].filter((f) => f.type.startsWith('image/'));
    if (!images.length) return false;
    void uploadImages(images);
    return true;
  }

  async function uploadImages(files: File[]) {
    if (!editor) return;
    setUploading(true);
    onUploadError(undefined);
    try {
      for (const f of files) {
        const r = await upload(f, 'image');
        editor.chain().focus().setImage({ src: r.url, alt: f.name.replace(/\.[^.]+$/, '') }).run();
      }
    } catch (e) {
      onUploadError(e as ApiError);
    } finally {
      setUploading(false);
    }
  }

  const setLink = () => {
    if (!editor) return;
    const prev = editor.getAttributes('link').href as string | undefined;
    const url = window.prompt('链接地址（http:// 或 https:// 开头，留空则取消链接）', prev ?? 'https://');
    if (url === null) return;
    if (!url.trim() || url.trim() === 'https://') editor.chain().focus().extendMarkRange('link').unsetLink().run();
    else editor.chain().focus().extendMarkRange('link').setLink({ href: url.trim() }).run();
  };

  const btn = (label: string, active: boolean | undefined, run: () => void, disabled = false, key?: string) => (
    <button type="button" className="tb-btn" aria-pressed={active === undefined ? undefined : active} onClick={run} disabled={disabled || !editor} title={key ? `${label}（${key}）` : label}>
      {label}
    </button>
  );

  return (
    <div className="rich-text">
      <div className="toolbar" role="toolbar" aria-label="正文格式">
        {btn('加粗', state?.bold, () => editor?.chain().focus().toggleBold().run(), false, 'Ctrl+B')}
        {btn('倾斜', state?.italic, () => editor?.chain().focus().toggleItalic().run(), false, 'Ctrl+I')}
        {btn('二级标题', state?.h2, () => editor?.chain().focus().toggleHeading({ level: 2 }).run())}
        {btn('三级标题', state?.h3, () => editor?.chain().focus().toggleHeading({ level: 3 }).run())}
        {btn('项目列表', state?.bullet, () => editor?.chain().focus().toggleBulletList().run())}
        {btn('编号列表', state?.ordered, () => editor?.chain().focus().toggleOrderedList().run())}
        {btn('引用', state?.quote, () => editor?.chain().focus().toggleBlockquote().run())}
        {btn('链接', state?.link, setLink)}
        <button type="button" className="tb-btn" onClick={() => fileRef.current?.click()} disabled={!editor || uploading} data-testid="insert-image">
          {uploading ? '图片上传中…' : '插入图片'}
        </button>
        <input
          ref={fileRef}
          type="file"
          accept="image/jpeg,image/png,image/gif,image/webp"
          multiple
          hidden
          data-testid="image-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length) void uploadImages(files);
          }}
        />
        {btn('撤销', undefined, () => editor?.chain().focus().undo().run(), !state?.canUndo, 'Ctrl+Z')}
        {btn('重做', undefined, () => editor?.chain().focus().redo().run(), !state?.canRedo, 'Ctrl+Shift+Z')}
      </div>
      <EditorContent editor={editor} />
    </div>
  );
}
