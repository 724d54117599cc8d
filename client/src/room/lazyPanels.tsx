import { lazy, Suspense, type ComponentProps, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import type { AgreementEditor as Editor } from '../agreement/AgreementEditor';
import type { AssistantPanel as Assistant } from '../assistant/AssistantPanel';
import type { CallPanel as Call } from '../call/CallPanel';
import type { EvidencePanel as Evidence } from '../evidence/EvidencePanel';
import type { EvidenceViewer as Viewer } from '../evidence/EvidenceViewer';

/**
 * The room's heavy parts, each its own chunk, loaded where they are shown: the editor (ProseMirror and
 * Tiptap) with the agreement, the call's panel with the call, the assistant for the mediator. The room
 * opens (chat, people, the banner) and can be used without waiting for them; they arrive just after
 * (the room budget in test/integration/bundle-budget.test.ts).
 */
function Loading({ className }: { className: string }) {
  const { t } = useTranslation();
  return (
    <div className={className} role="status">
      {t('app.loading')}
    </div>
  );
}

function deferred<P extends object>(load: () => Promise<ComponentType<P>>, className: string) {
  const Component = lazy(() => load().then((c) => ({ default: c })));
  return function Deferred(props: P) {
    return (
      <Suspense fallback={<Loading className={className} />}>
        <Component {...props} />
      </Suspense>
    );
  };
}

export const AgreementEditor = deferred<ComponentProps<typeof Editor>>(
  () => import('../agreement/AgreementEditor').then((m) => m.AgreementEditor),
  'editor editor-loading',
);

export const CallPanel = deferred<ComponentProps<typeof Call>>(
  () => import('../call/CallPanel').then((m) => m.CallPanel),
  'page-message',
);

export const AssistantPanel = deferred<ComponentProps<typeof Assistant>>(
  () => import('../assistant/AssistantPanel').then((m) => m.AssistantPanel),
  'page-message',
);

/** The case's evidence (and, for a PDF opened in it, pdf.js in a chunk of its own). */
export const EvidencePanel = deferred<ComponentProps<typeof Evidence>>(
  () => import('../evidence/EvidencePanel').then((m) => m.EvidencePanel),
  'page-message',
);

/** One evidence item opened in the page, for citations in the chat or the agreement. */
export const EvidenceViewer = deferred<ComponentProps<typeof Viewer>>(
  () => import('../evidence/EvidenceViewer').then((m) => m.EvidenceViewer),
  'page-message',
);
