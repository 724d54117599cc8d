import type { AnyExtension } from '@tiptap/core';
import StarterKit, { type StarterKitOptions } from '@tiptap/starter-kit';
import { AGREEMENT_MARKS, AGREEMENT_NODES, HEADING_LEVELS } from '@accord/shared';
import { EvidenceRef, type EvidenceRefOptions } from '../cite/evidenceRef';

/** StarterKit's option for each schema type it provides (ProseMirror's `doc` is its `document`). */
const OPTION_OF: Record<string, keyof StarterKitOptions> = { doc: 'document' };
const SCHEMA_OPTIONS: (keyof StarterKitOptions)[] = [
  'blockquote',
  'bold',
  'bulletList',
  'code',
  'codeBlock',
  'document',
  'hardBreak',
  'heading',
  'horizontalRule',
  'italic',
  'listItem',
  'link',
  'orderedList',
  'paragraph',
  'strike',
  'text',
  'underline',
];

/**
 * The editor's schema extensions, configured from the shared agreement schema
 * (`shared/src/agreement-schema.ts`): StarterKit with every node and mark it has that the schema
 * does not list turned off, and the evidence citation node. The server refuses anything else, so the
 * editor must never make it.
 */
export function agreementSchemaExtensions(evidence: Partial<EvidenceRefOptions> = {}): AnyExtension[] {
  const wanted = new Set(
    [...Object.keys(AGREEMENT_NODES), ...Object.keys(AGREEMENT_MARKS)].map((name) => OPTION_OF[name] ?? name),
  );
  const options: Partial<StarterKitOptions> = { undoRedo: false };
  const off = options as Record<string, unknown>;
  for (const name of SCHEMA_OPTIONS) if (!wanted.has(name)) off[name] = false;
  options.heading = { levels: [...HEADING_LEVELS] };
  // The schema's one node that is not StarterKit's: a citation of an evidence item.
  return [StarterKit.configure(options), EvidenceRef.configure(evidence)];
}
