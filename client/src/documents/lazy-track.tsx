import { lazy, Suspense } from 'react';
import type { DocumentRequestsPanelProps } from './panel-props';

/**
 * The tracking page's document requests as a chunk of their own, with their own words (the page's
 * budget, and its first part of the strings): nothing is shown while it loads.
 */
const Track = lazy(() => import('./TrackDocuments'));

export function TrackDocumentsLazy(props: DocumentRequestsPanelProps) {
  return (
    <Suspense fallback={null}>
      <Track {...props} />
    </Suspense>
  );
}
