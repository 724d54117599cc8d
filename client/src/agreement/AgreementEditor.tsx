import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { EditorContent, useEditor } from '@tiptap/react';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { AgreementDoc } from '@accord/shared';
import { CaretLabels } from './caretLabels';
import { agreementSchemaExtensions } from './extensions';

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
}) {
  const { t } = useTranslation();
  // Other people's caret names fade while they are still, so they do not hide the line above.
  const labels = useMemo(() => new CaretLabels(provider.awareness), [provider]);
  useEffect(() => labels.start(), [labels]);
  const editor = useEditor(
    {
      extensions: [
        // The shared agreement schema (undo history comes from Yjs, per user, not from ProseMirror).
        ...agreementSchemaExtensions(),
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
    <div className={`editor ${editable ? '' : 'readonly'}`}>
      {!editable && <span className="muted">{readOnlyHint ?? t('agreement.lockedHint')}</span>}
      <EditorContent editor={editor} />
    </div>
  );
}
