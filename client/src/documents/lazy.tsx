import { lazy, Suspense, type ComponentProps } from 'react';
import type RoomDocuments from './RoomDocuments';
import type TrackDocuments from './TrackDocuments';

/**
 * The document requests as chunks of their own, for the pages with a budget (the tracking page, the
 * room): not needed at first paint, they arrive just after. Nothing is shown while they load.
 */
const Room = lazy(() => import('./RoomDocuments'));
const Track = lazy(() => import('./TrackDocuments'));

export function RoomDocumentsLazy(props: ComponentProps<typeof RoomDocuments>) {
  return (
    <Suspense fallback={null}>
      <Room {...props} />
    </Suspense>
  );
}

export function TrackDocumentsLazy(props: ComponentProps<typeof TrackDocuments>) {
  return (
    <Suspense fallback={null}>
      <Track {...props} />
    </Suspense>
  );
}
