import { lazy, Suspense, type ComponentProps } from 'react';
import type RoomDocuments from './RoomDocuments';

/**
 * The document requests in the room as a chunk of its own (the room's budget): not needed at first
 * paint, it arrives just after. Nothing is shown while it loads.
 */
const Room = lazy(() => import('./RoomDocuments'));

export function RoomDocumentsLazy(props: ComponentProps<typeof RoomDocuments>) {
  return (
    <Suspense fallback={null}>
      <Room {...props} />
    </Suspense>
  );
}
