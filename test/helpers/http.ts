export type Res<T> = { status: number; body: T };

/**
 * A JSON (or multipart, for a FormData body) call against a test server,
 * answering the status and the parsed body (text when it is not JSON).
 */
export function httpClient(baseUrl: () => string) {
  return async <T>(method: string, path: string, token?: string, body?: unknown): Promise<Res<T>> => {
    const isForm = body instanceof FormData;
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: isForm ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed as T };
  };
}
