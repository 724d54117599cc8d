import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { EditorContent, useEditor } from '@tiptap/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { AgreementDoc } from '@accord/shared';
import { CaretLabels } from './caretLabels';
import { agreementSchemaExtensions } from './extensions';
import { EvidencePickerSlot } from '../cite/CiteChips';

export interface CaretUser {
  name: string;
  color: string;
}

/** Rich text bound to a Yjs document (the agreement, or private notes), with everyone's caret in their colour. */
export function AgreementEditor({
  doc,
  provider,
  user,
  editable,
  field = AgreementDoc.body,
  label,
  testId = 'agreement-editor',
  readOnlyHint,
  cite,
}: {
  doc: Y.Doc;
  provider: WebsocketProvider;
  user: CaretUser;
  editable: boolean;
  field?: string;
  label?: string;
  testId?: string;
  /** Why it cannot be changed now, when it cannot; "read only" by default. */
  readOnlyHint?: string;
  /**
   * Evidence citations (the agreement): the case and session to list its evidence with (the toolbar's
   * "cite evidence" button shows only with them), and what opens a cited item (the evidence viewer).
   */
  cite?: { caseId: string; token: string; onOpenEvidence?: (evidenceId: string) => void };
}) {
  const { t } = useTranslation();
  const [picking, setPicking] = useState(false);
  // A citation chip is a button of the editor's own DOM: its clicks are taken here, so a new handler
  // needs no new editor.
  const box = useRef<HTMLDivElement>(null);
  const onOpenEvidence = cite?.onOpenEvidence;
  useEffect(() => {
    const el = box.current;
    if (!el || !onOpenEvidence) return;
    const onClick = (e: MouseEvent) => {
      const chip = e.target instanceof Element ? e.target.closest('button[data-evidence-id]') : null;
      const id = chip?.getAttribute('data-evidence-id');
      if (id) onOpenEvidence(id);
    };
    el.addEventListener('click', onClick);
    return () => el.removeEventListener('click', onClick);
  }, [onOpenEvidence]);
  // Other people's caret names fade while they are still, so they do not hide the line above.
  const labels = useMemo(() => new CaretLabels(provider.awareness), [provider]);
  useEffect(() => labels.start(), [labels]);
  const editor = useEditor(
    {
      extensions: [
        // The shared agreement schema (undo history comes from Yjs, per user, not from ProseMirror).
        ...agreementSchemaExtensions({ label: (name) => t('cite.open', { name }) }),
        Collaboration.configure({ document: doc, field }),
        CollaborationCaret.configure({ provider, user, render: labels.render }),
      ],
      editable,
      editorProps: {
        attributes: {
          class: 'editor-content',
          role: 'textbox',
          'aria-multiline': 'true',
          'aria-label': label ?? t('agreement.editor'),
          'data-testid': testId,
        },
      },
    },
    [doc, provider],
  );

  useEffect(() => {
    editor?.setEditable(editable);
  }, [editor, editable]);

  useEffect(() => {
    if (editor && !editor.isDestroyed) editor.commands.updateUser(user);
  }, [editor, user]);

  return (
    <div className={`editor ${editable ? '' : 'readonly'}`} ref={box}>
      {!editable && <span className="muted">{readOnlyHint ?? t('agreement.lockedHint')}</span>}
      {editable && cite && editor && (
        <div className="editor-toolbar" role="toolbar" aria-label={t('cite.button')}>
          <button
            type="button"
            className="link cite-button"
            aria-expanded={picking}
            data-testid="agreement-cite-button"
            onClick={() => setPicking((p) => !p)}
          >
            {t('cite.button')}
          </button>
          {picking && (
            <EvidencePickerSlot
              caseId={cite.caseId}
              token={cite.token}
              // The agreement is read by both parties: only what both are shown.
              allowed={(item) => item.shownTo === 'both'}
              exclude={[]}
              onPick={(c) => {
                editor
                  .chain()
                  .focus()
                  .insertContent({ type: 'evidenceRef', attrs: { id: c.id, name: c.name } })
                  .run();
                setPicking(false);
              }}
              onClose={() => setPicking(false)}
            />
          )}
        </div>
      )}
      <EditorContent editor={editor} />
    </div>
  );
}
