import { callOrReturn, getExtensionField, mergeAttributes, Node } from '@tiptap/core';
import type { Node as PmNode, Schema } from '@tiptap/pm/model';
import { TextSelection } from '@tiptap/pm/state';
import { addColumnAfter, addRowAfter, deleteColumn, deleteRow, deleteTable, goToNextCell, tableEditing, toggleHeader } from '@tiptap/pm/tables';
import { cellSpan } from '../../../../../libs/domain/src/body/body-layout';

/**
 * Table nodes for the body editor on prosemirror-tables (shipped inside @tiptap/pm). The official
 * @tiptap/extension-table pins its peer @tiptap/core to its own exact version and has no release for the
 * @tiptap version installed here, so the four nodes are declared here; names and commands follow it.
 * Cells hold paragraphs (content 'block+'), so a cell keeps the alignment of its lines. Column widths
 * and inline table styles are not kept: the public pages size tables themselves.
 */

declare module '@tiptap/core' {
  interface NodeConfig<Options, Storage> {
    /** The role prosemirror-tables reads from the node spec. */
    tableRole?: string | ((this: { name: string; options: Options; storage: Storage }) => string);
  }
  interface Commands<ReturnType> {
    bodyTable: {
      insertTable: (o?: { rows?: number; cols?: number; withHeaderRow?: boolean }) => ReturnType;
      addRowAfter: () => ReturnType;
      addColumnAfter: () => ReturnType;
      deleteRow: () => ReturnType;
      deleteColumn: () => ReturnType;
      deleteTable: () => ReturnType;
      toggleHeaderRow: () => ReturnType;
      goToNextCell: () => ReturnType;
      goToPreviousCell: () => ReturnType;
    };
  }
}

const spanAttr = (name: 'colspan' | 'rowspan') => ({
  default: 1,
  parseHTML: (el: HTMLElement) => Number(cellSpan(el.getAttribute(name)) ?? 1),
  renderHTML: (a: Record<string, unknown>) => (Number(a[name]) > 1 ? { [name]: String(a[name]) } : {}),
});

function cellNode(name: string, tag: 'td' | 'th', role: string) {
  return Node.create({
    name,
    content: 'block+',
    tableRole: role,
    isolating: true,
    addAttributes() {
      // colwidth is read by prosemirror-tables' commands; it is never written out
      return { colspan: spanAttr('colspan'), rowspan: spanAttr('rowspan'), colwidth: { default: null, parseHTML: () => null, renderHTML: () => ({}) } };
    },
    parseHTML() {
      return [{ tag }];
    },
    renderHTML({ HTMLAttributes }) {
      return [tag, mergeAttributes(HTMLAttributes), 0];
    },
  });
}

export const TableCell = cellNode('tableCell', 'td', 'cell');
export const TableHeader = cellNode('tableHeader', 'th', 'header_cell');

export const TableRow = Node.create({
  name: 'tableRow',
  content: '(tableCell | tableHeader)*',
  tableRole: 'row',
  parseHTML() {
    return [{ tag: 'tr' }];
  },
  renderHTML() {
    return ['tr', 0];
  },
});

function createTable(schema: Schema, rows: number, cols: number, withHeaderRow: boolean): PmNode {
  const { tableCell, tableHeader, tableRow, table } = schema.nodes;
  const row = (cell: typeof tableCell) =>
    tableRow.createChecked(
      null,
      Array.from({ length: cols }, () => cell.createAndFill()!),
    );
  return table.createChecked(
    null,
    Array.from({ length: rows }, (_x, i) => row(withHeaderRow && i === 0 ? tableHeader : tableCell)),
  );
}

export const Table = Node.create({
  name: 'table',
  content: 'tableRow+',
  tableRole: 'table',
  isolating: true,
  group: 'block',
  parseHTML() {
    return [{ tag: 'table' }];
  },
  renderHTML() {
    return ['table', ['tbody', 0]];
  },
  addCommands() {
    return {
      insertTable:
        ({ rows = 3, cols = 3, withHeaderRow = true } = {}) =>
        ({ tr, dispatch, editor }) => {
          if (dispatch) {
            const offset = tr.selection.from + 1;
            tr.replaceSelectionWith(createTable(editor.schema, rows, cols, withHeaderRow)).scrollIntoView();
            tr.setSelection(TextSelection.near(tr.doc.resolve(offset)));
          }
          return true;
        },
      addRowAfter:
        () =>
        ({ state, dispatch }) =>
          addRowAfter(state, dispatch),
      addColumnAfter:
        () =>
        ({ state, dispatch }) =>
          addColumnAfter(state, dispatch),
      deleteRow:
        () =>
        ({ state, dispatch }) =>
          deleteRow(state, dispatch),
      deleteColumn:
        () =>
        ({ state, dispatch }) =>
          deleteColumn(state, dispatch),
      deleteTable:
        () =>
        ({ state, dispatch }) =>
          deleteTable(state, dispatch),
      toggleHeaderRow:
        () =>
        ({ state, dispatch }) =>
          toggleHeader('row')(state, dispatch),
      goToNextCell:
        () =>
        ({ state, dispatch }) =>
          goToNextCell(1)(state, dispatch),
      goToPreviousCell:
        () =>
        ({ state, dispatch }) =>
          goToNextCell(-1)(state, dispatch),
    };
  },
  addKeyboardShortcuts() {
    return {
      // Tab moves between cells (a new row after the last one); outside a table Tab leaves the editor.
      Tab: () => this.editor.commands.goToNextCell() || (this.editor.can().addRowAfter() && this.editor.chain().addRowAfter().goToNextCell().run()),
      'Shift-Tab': () => this.editor.commands.goToPreviousCell(),
    };
  },
  addProseMirrorPlugins() {
    return [tableEditing()];
  },
  extendNodeSchema(extension) {
    const context = { name: extension.name, options: extension.options, storage: extension.storage };
    return { tableRole: callOrReturn(getExtensionField(extension, 'tableRole', context)) };
  },
});

export const TableExtensions = [Table, TableRow, TableHeader, TableCell];
