import Image from '@tiptap/extension-image';
import { Extension, mergeAttributes } from '@tiptap/core';
import { type DOMOutputSpec, Slice } from '@tiptap/pm/model';
import { indentEm } from '../../../../../libs/domain/src/body/body-layout';

/**
 * Layout the body editor adds to TipTap's nodes: a first-line indent on paragraphs (there is no
 * official indent extension) and images with a caption. Both write only what the server's sanitiser
 * keeps: `text-indent: <1-4>em`, and <figure><img alt><figcaption>.
 */

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    textIndent: {
      /** 首行缩进 two characters on the paragraphs of the selection, or off when the first one has it. */
      toggleFirstLineIndent: () => ReturnType;
    };
    bodyImage: {
      setImageText: (attrs: { alt?: string | null; caption?: string | null }) => ReturnType;
    };
  }
}

export const TextIndent = Extension.create({
  name: 'textIndent',
  addGlobalAttributes() {
    return [
      {
        types: ['paragraph'],
        attributes: {
          textIndent: {
            default: null,
            parseHTML: (el: HTMLElement) => {
              const em = indentEm(el.style.textIndent);
              return em ? `${em}em` : null;
            },
            renderHTML: (a: Record<string, unknown>) => (a.textIndent ? { style: `text-indent: ${a.textIndent}` } : {}),
          },
        },
      },
    ];
  },
  addCommands() {
    return {
      toggleFirstLineIndent:
        () =>
        ({ editor, commands }) =>
          editor.getAttributes('paragraph').textIndent
            ? commands.resetAttributes('paragraph', 'textIndent')
            : commands.updateAttributes('paragraph', { textIndent: '2em' }),
    };
  },
});

/** The image node with a caption: <figure><img><figcaption>说明</figcaption></figure> when it has one. */
export const BodyImage = Image.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      caption: { default: null, parseHTML: () => null, renderHTML: () => ({}) },
    };
  },
  parseHTML() {
    return [
      {
        tag: 'figure',
        getAttrs: (el: HTMLElement) => {
          const img = el.querySelector('img');
          const src = img?.getAttribute('src');
          if (!img || !src || src.startsWith('data:')) return false;
          const caption = el.querySelector('figcaption')?.textContent?.replace(/\s+/g, ' ').trim();
          return { src, alt: img.getAttribute('alt'), title: img.getAttribute('title'), caption: caption || null };
        },
      },
      ...(this.parent?.() ?? []),
    ];
  },
  renderHTML({ node, HTMLAttributes }) {
    const img: DOMOutputSpec = ['img', mergeAttributes(this.options.HTMLAttributes, HTMLAttributes)];
    return node.attrs.caption ? ['figure', {}, img, ['figcaption', {}, String(node.attrs.caption)]] : img;
  },
  addCommands() {
    return {
      ...this.parent?.(),
      setImageText:
        (attrs) =>
        ({ commands }) =>
          commands.updateAttributes(this.name, attrs),
    };
  },
});

/**
 * A paste's first paragraph is normally merged into the line the cursor is on and takes that line's
 * layout: a centred title or an indented first paragraph pasted into the empty editor would lose it.
 * When the first pasted block has layout of its own, the paste keeps it as a whole block (pasted into
 * an empty line, it replaces the line).
 */
export function keepFirstBlockLayout(slice: Slice): Slice {
  const first = slice.content.firstChild;
  if (!slice.openStart || slice.content.childCount < 2 || !first?.isTextblock || (!first.attrs.textAlign && !first.attrs.textIndent)) return slice;
  return new Slice(slice.content, 0, slice.openEnd);
}
