/**
 * POSTs JSON to a server over real HTTP (as `token`'s user, when given) and returns the answer's
 * JSON; any status from 300 up throws with the answer's text.
 */
export async function postJson<T>(base: string, path: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
