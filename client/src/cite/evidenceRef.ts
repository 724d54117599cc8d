import { Node } from '@tiptap/core';

export interface EvidenceRefOptions {
  /** The chip's accessible name, in the reader's language. */
  label: (name: string) => string;
}

/**
 * A citation of an evidence item in the agreement (`evidenceRef` of shared/src/agreement-schema.ts):
 * an inline atom holding the item's id and name, drawn as a chip (a button) that opens the item. The server
 * takes it only for an item of the case shown to both parties, under its own name; the canonical
 * text reads it as "(see evidence: name)" in the case's language.
 */
export const EvidenceRef = Node.create<EvidenceRefOptions>({
  name: 'evidenceRef',
  group: 'inline',
  inline: true,
  atom: true,
  selectable: true,
  addOptions() {
    return { label: (name: string) => name };
  },
  addAttributes() {
    return {
      // Kept off the DOM's own `id` and `name`: data attributes, read back the same way when pasted.
      id: {
        default: null,
        parseHTML: (el: HTMLElement) => el.getAttribute('data-evidence-id'),
        renderHTML: (attrs: Record<string, unknown>) => ({ 'data-evidence-id': attrs.id }),
      },
      name: {
        default: null,
        parseHTML: (el: HTMLElement) => el.getAttribute('data-evidence-name'),
        renderHTML: (attrs: Record<string, unknown>) => ({ 'data-evidence-name': attrs.name }),
      },
    };
  },
  parseHTML() {
    return [{ tag: 'span[data-evidence-id]' }];
  },
  renderHTML({ node, HTMLAttributes }) {
    return ['span', { ...HTMLAttributes, class: 'cite-chip' }, String(node.attrs.name ?? '')];
  },
  addNodeView() {
    return ({ node }) => {
      const id = String(node.attrs.id ?? '');
      const name = String(node.attrs.name ?? '');
      const dom = document.createElement('button');
      dom.type = 'button';
      dom.className = 'cite-chip evidence-ref';
      dom.contentEditable = 'false';
      dom.textContent = name;
      dom.setAttribute('aria-label', this.options.label(name));
      dom.dataset.testid = 'evidence-ref';
      // Opened by the editor around it (AgreementEditor), which knows the viewer.
      dom.dataset.evidenceId = id;
      return { dom };
    };
  },
});
