import { Extension } from '@tiptap/react';
import type { Node as PMNode } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';

export interface HighlightTerm {
  text: string;
  severity: string;
  message: string;
}

export const findingsKey = new PluginKey<{ terms: HighlightTerm[]; deco: DecorationSet }>('findingsHighlight');

/**
 * Marks the text of compliance findings inside the editor. The server reports findings as offsets into
 * the stored HTML; the editor's document has different positions, so the finding's own text is looked
 * up in the document instead (every occurrence is marked: the same ID number twice is two problems).
 */
export const FindingsHighlight = Extension.create({
  name: 'findingsHighlight',
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: findingsKey,
        state: {
          init: () => ({ terms: [] as HighlightTerm[], deco: DecorationSet.empty }),
          apply(tr, prev) {
            const next = tr.getMeta(findingsKey) as HighlightTerm[] | undefined;
            const terms = next ?? prev.terms;
            if (!tr.docChanged && !next) return prev;
            return { terms, deco: build(tr.doc, terms) };
          },
        },
        props: {
          decorations(state) {
            return findingsKey.getState(state)?.deco;
          },
        },
      }),
    ];
  },
});

function build(doc: PMNode, terms: HighlightTerm[]): DecorationSet {
  if (!terms.length) return DecorationSet.empty;
  const decos: Decoration[] = [];
  doc.descendants((node, pos) => {
    if (!node.isText || !node.text) return;
    for (const t of terms) {
      if (!t.text) continue;
      let i = node.text.indexOf(t.text);
      while (i >= 0) {
        decos.push(Decoration.inline(pos + i, pos + i + t.text.length, { class: `finding-mark finding-${t.severity}`, title: t.message }));
        i = node.text.indexOf(t.text, i + t.text.length);
      }
    }
  });
  return DecorationSet.create(doc, decos);
}
