import { z } from 'zod';
import { ErrorBody } from '../errors';

/** Every acknowledgement is either `{ ok: true, data }` or `{ ok: false, error }`. */
export function ackSchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: ErrorBody }),
  ]);
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** A client→server event: the payload the client sends and the data the ack carries. */
export interface ClientEventSpec<P extends z.ZodType, R extends z.ZodType> {
  payload: P;
  result: R;
}

export function clientEvent<P extends z.ZodType, R extends z.ZodType>(payload: P, result: R): ClientEventSpec<P, R> {
  return { payload, result };
}
