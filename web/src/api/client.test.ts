import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { makeApi, setRenewHandler, setUnauthorizedHandler, unwrap } from "./client";
import { setSession } from "../auth/session";

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": status < 300 ? "application/json" : "application/problem+json" } });
const unauthorized = () => json(401, { type: "x", title: "Sign-in required", status: 401 });

const session = (idToken: string) => ({ idToken, refreshToken: "r", claims: { sub: "s", groups: ["patients"], patientId: "01P", exp: 9e9 } });

let sent: { url: string; auth: string | null; body: string }[];
let answer: (request: Request) => Response;
const onUnauthorized = vi.fn();

async function fetchStub(request: Request): Promise<Response> {
  sent.push({ url: request.url, auth: request.headers.get("Authorization"), body: await request.text() });
  return answer(request);
}

beforeEach(() => {
  sent = [];
  onUnauthorized.mockReset();
  setUnauthorizedHandler(onUnauthorized);
  setSession(session("old"));
});

afterEach(() => {
  setRenewHandler(async () => false);
  setUnauthorizedHandler(() => {});
  setSession(null);
});

describe("a 401 from the API", () => {
  it("renews the ID token once and sends the call again with the new one", async () => {
    const renew = vi.fn(async () => {
      setSession(session("new"));
      return true;
    });
    setRenewHandler(renew);
    answer = (r) => (r.headers.get("Authorization") === "Bearer new" ? json(201, { conversationId: "c1" }) : unauthorized());
    const api = makeApi("http://api.test", fetchStub);
    const { data } = await unwrap(
      api.POST("/patients/{patientId}/conversations", {
        params: { path: { patientId: "me" } },
        body: { category: "medical-question", subject: "Hello", message: "A question" },
      }),
    );
    expect(data).toEqual({ conversationId: "c1" });
    expect(renew).toHaveBeenCalledTimes(1);
    expect(sent.map((s) => s.auth)).toEqual(["Bearer old", "Bearer new"]);
    expect(sent[1]!.body).toBe(sent[0]!.body); // the body goes again, whole
    expect(JSON.parse(sent[1]!.body)).toMatchObject({ subject: "Hello" });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it("signs out when renewal fails, without sending the call again", async () => {
    const renew = vi.fn(async () => false);
    setRenewHandler(renew);
    answer = unauthorized;
    const api = makeApi("http://api.test", fetchStub);
    await expect(unwrap(api.GET("/patients/{patientId}/summary", { params: { path: { patientId: "me" } } }))).rejects.toMatchObject({ status: 401 });
    expect(sent).toHaveLength(1);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it("signs out when the renewed token is refused too: one renewal, two sends, never a loop", async () => {
    const renew = vi.fn(async () => {
      setSession(session("new"));
      return true;
    });
    setRenewHandler(renew);
    answer = unauthorized;
    const api = makeApi("http://api.test", fetchStub);
    await expect(unwrap(api.GET("/patients/{patientId}/summary", { params: { path: { patientId: "me" } } }))).rejects.toMatchObject({ status: 401 });
    expect(renew).toHaveBeenCalledTimes(1);
    expect(sent).toHaveLength(2);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it("on a call that raced a renewal, sends again with the token already renewed", async () => {
    const renew = vi.fn(async () => true);
    setRenewHandler(renew);
    answer = (r) => {
      if (r.headers.get("Authorization") === "Bearer old") {
        setSession(session("new")); // another call renewed while this one was under way
        return unauthorized();
      }
      return json(200, { items: [], nextCursor: null, totalUnread: 0 });
    };
    const api = makeApi("http://api.test", fetchStub);
    await unwrap(api.GET("/patients/{patientId}/conversations", { params: { path: { patientId: "me" } } }));
    expect(renew).not.toHaveBeenCalled();
    expect(sent.map((s) => s.auth)).toEqual(["Bearer old", "Bearer new"]);
  });

  it("the refresh call carries no ID token and its 401 neither renews nor signs out by itself", async () => {
    const renew = vi.fn(async () => true);
    setRenewHandler(renew);
    answer = unauthorized;
    const api = makeApi("http://api.test", fetchStub);
    const { response } = await api.POST("/auth/refresh", { body: { refreshToken: "r" } });
    expect(response.status).toBe(401);
    expect(sent[0]!.auth).toBeNull();
    expect(renew).not.toHaveBeenCalled();
    expect(onUnauthorized).not.toHaveBeenCalled();
  });
});
