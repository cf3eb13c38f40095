import { firebase } from "./firebase";

/** An answer of the API outside 2xx, with the message the API gave (`{error: {code, message}}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

async function bearer(): Promise<string> {
  const user = firebase().auth.currentUser;
  if (!user) throw new ApiError(401, "unauthenticated", "You are signed out: sign in again.");
  return `Bearer ${await user.getIdToken()}`;
}

/** Throws the API's own error for a non-2xx answer. */
export async function failureOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as ErrorBody | null;
  return new ApiError(
    response.status,
    body?.error?.code ?? `http_${response.status}`,
    body?.error?.message ?? `The API answered ${response.status} ${response.statusText}`,
  );
}

/** Calls the API on this origin (Hosting rewrites its paths to the `api` function) as the signed-in admin. */
export async function request(method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(path, {
    method,
    headers: { Authorization: await bearer(), ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await failureOf(response);
  return response;
}

export const api = {
  get: async <T>(path: string): Promise<T> => (await request("GET", path)).json() as Promise<T>,
  post: async <T>(path: string, body: unknown = {}): Promise<T> =>
    (await request("POST", path, body)).json() as Promise<T>,
  put: async <T>(path: string, body: unknown): Promise<T> => (await request("PUT", path, body)).json() as Promise<T>,
  patch: async <T>(path: string, body: unknown): Promise<T> =>
    (await request("PATCH", path, body)).json() as Promise<T>,
  delete: async <T>(path: string): Promise<T> => (await request("DELETE", path)).json() as Promise<T>,
};

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
