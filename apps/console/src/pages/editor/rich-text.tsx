import Link from '@tiptap/extension-link';
import TextAlign from '@tiptap/extension-text-align';
import { EditorContent, useEditor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useEffect, useRef, useState } from 'react';
import { ApiError, upload } from '../../lib/api';
import { BodyToolbar } from './body-toolbar';
import { FindingsHighlight, findingsKey, HighlightTerm } from './findings-highlight';
import { BodyImage, keepFirstBlockLayout, TextIndent } from './layout-extensions';
import './rich-text.css';
import { TableExtensions } from './table-extension';
import { cleanPastedHtml } from './word-paste';

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
 *
 * Official documents carry tables, right-aligned 落款 and 成文日期 and first-line indents: the editor
 * has them (toolbar, and pasted from Word through word-paste.ts), as the markup the sanitiser keeps.
 */
export function RichText({ value, onChange, terms, describedBy, onUploadError }: Props) {
  const fileRef = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(false);
  // alt texts of pictures a paste could not bring (Word's local files): the user uploads them
  const [dropped, setDropped] = useState<string[]>([]);
  const editor = useEditor({
    extensions: [
      StarterKit.configure({ link: false, heading: { levels: [2, 3, 4] } }),
      Link.configure({
        openOnClick: false,
        autolink: true,
        protocols: ['http', 'https', 'mailto'],
        HTMLAttributes: { rel: 'noopener noreferrer', target: null },
      }),
      BodyImage.configure({ inline: false, allowBase64: false }),
      TextAlign.configure({ types: ['heading', 'paragraph'] }),
      TextIndent,
      ...TableExtensions,
      FindingsHighlight,
    ],
    content: value,
    editorProps: {
      attributes: {
        class: 'prose',
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-label': '正文',
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        'data-testid': 'body-editor',
      },
      transformPastedHTML: (html) => {
        const r = cleanPastedHtml(html);
        setDropped(r.droppedImages);
        return r.html;
      },
      transformPasted: (slice) => keepFirstBlockLayout(slice),
      // Word also puts a picture of the copied text on the clipboard: the text (HTML) wins over it
      handlePaste: (_view, event) => (hasText(event.clipboardData?.getData('text/html')) ? false : insertFiles(event.clipboardData?.files)),
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
        editor
          .chain()
          .focus()
          .setImage({ src: r.url, alt: f.name.replace(/\.[^.]+$/, '') })
          .run();
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

  return (
    <div className="rich-text">
      <BodyToolbar editor={editor} uploading={uploading} onPickImage={() => fileRef.current?.click()} onLink={setLink} />
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
      {dropped.length ? (
        <div className="paste-notice" role="status" data-testid="paste-notice">
          <span>
            {`粘贴的内容中有 ${dropped.length} 张图片`}
            {dropped.some(Boolean)
              ? `（${dropped
                  .filter(Boolean)
                  .map((a) => `“${a}”`)
                  .join('、')}）`
              : ''}
            是本机文件，无法随粘贴带入：请用“插入图片”上传，并用“图片说明”补上图题。
          </span>
          <button type="button" className="tb-btn" onClick={() => setDropped([])}>
            知道了
          </button>
        </div>
      ) : null}
      <EditorContent editor={editor} />
    </div>
  );
}

/** Whether pasted HTML holds any text (not only pictures); Word's style block is not text. */
function hasText(html: string | undefined): boolean {
  if (!html) return false;
  const text = html
    .replace(/<(style|script|head)\b[\s\S]*?<\/\1>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;|\s/g, '');
  return text.length > 0;
}
