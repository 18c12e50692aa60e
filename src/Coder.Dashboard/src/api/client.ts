// The dashboard's only way to the API: openapi-fetch over the types openapi-typescript generated from the OpenAPI
// document (src/Coder.Dashboard/openapi.json, exported from GET /api/openapi.json; `npm run dashboard:api` regenerates
// schema.d.ts). The session cookie is HttpOnly, so no token is ever visible here; mutating calls carry the session's
// CSRF value, which lives only in memory.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Workspace = Schemas["WorkspaceResponse"];
export type Session = Schemas["SessionInfo"];

let csrfToken: string | null = null;
let onSignedOut: () => void = () => {};

export function rememberSession(session: Session | null) {
  csrfToken = session?.csrfToken ?? null;
}

export function whenSignedOut(handler: () => void) {
  onSignedOut = handler;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken && !["GET", "HEAD", "OPTIONS"].includes(request.method)) request.headers.set("X-Coder-Csrf", csrfToken);
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !new URL(request.url).pathname.endsWith("/api/session")) onSignedOut();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: "same-origin" });
api.use(csrf);

/** A refusal from the API: the problem+json detail is what the page shows. */
export class ApiError extends Error {
  constructor(public status: number, message: string, public errors?: Record<string, string[]>) {
    super(message);
  }
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful answer, or an ApiError carrying the problem's detail (or title). */
export async function call<T>(request: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await request;
  if (response.ok) return data as T;
  const problem = (error ?? {}) as { detail?: string; title?: string; errors?: Record<string, string[]> };
  throw new ApiError(response.status, problem.detail ?? problem.title ?? `${response.status} ${response.statusText}`, problem.errors);
}
