import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import { ApiError } from "../api/client";
import { renderApp } from "../../test/render";
import { setSession } from "../auth/session";
import { I18nProvider } from "../i18n";
import { ErrorNotice, isNotFound } from "./ui";
import { isTrainingRequired, requiredModule } from "./TrainingRequired";

// The `training-required` problem: wherever staff work is refused for it, the shared problem
// renderer says which module to finish and links to it (and it is not taken for a 404).

const trainingRequired = (module: string | undefined) =>
  new ApiError(403, {
    type: "https://patient-portal.dev/problems/training-required",
    title: "Training required",
    status: 403,
    detail: "Finish the message inbox training module before doing this work.",
    ...(module ? { module: module as "message-inbox" } : {}),
  });

const renderNotice = (error: unknown, locale: "en" | "es" = "en") =>
  render(
    <I18nProvider timeZone="UTC" locale={locale}>
      <ErrorNotice error={error} retry={() => {}} />
    </I18nProvider>,
  );

describe("training-required", () => {
  it("is recognised by its type, and is not a not-found", () => {
    const error = trainingRequired("message-inbox");
    expect(isTrainingRequired(error)).toBe(true);
    expect(requiredModule(error)).toBe("message-inbox");
    expect(isNotFound(error)).toBe(false);
    const forbidden = new ApiError(403, { type: "https://patient-portal.dev/problems/forbidden", title: "Forbidden", status: 403 });
    expect(isTrainingRequired(forbidden)).toBe(false);
    expect(isNotFound(forbidden)).toBe(true);
  });

  it("names the module to finish and links to it, without a retry", () => {
    renderNotice(trainingRequired("message-inbox"));
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("Training required");
    expect(alert.textContent).toContain("Finish the Message inbox training to do this work.");
    expect(screen.getByRole("link", { name: "Open the Message inbox training" }).getAttribute("href")).toBe("/staff/training/message-inbox");
    expect(screen.queryByRole("button", { name: "Try again" })).toBeNull();
  });

  it("says it in Spanish", () => {
    renderNotice(trainingRequired("identity-review"), "es");
    expect(screen.getByRole("alert").textContent).toContain("Termine la formación Revisión de identidad para hacer este trabajo.");
  });

  it("without a module, keeps the API's words and links to the training list", () => {
    renderNotice(trainingRequired(undefined));
    expect(screen.getByRole("alert").textContent).toContain("Finish the message inbox training module before doing this work.");
    expect(screen.getByRole("link", { name: "My training" }).getAttribute("href")).toBe("/staff/training");
  });
});

describe("a refused page", () => {
  const json = (status: number, body: unknown, type = "application/json") =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
  const refused = () =>
    json(
      403,
      { type: "https://patient-portal.dev/problems/training-required", title: "Training required", status: 403, detail: "Finish it.", module: "message-inbox" },
      "application/problem+json",
    );

  beforeEach(() => {
    vi.stubGlobal("fetch", async (input: Request) => {
      const path = new URL(input.url).pathname;
      if (path === "/account/agreements") return json(200, { items: [] });
      if (path.startsWith("/staff/inbox") || path.startsWith("/staff/conversations") || /\/conversations\//.test(path)) return refused();
      return json(200, { items: [], nextCursor: null, totalUnread: 0 });
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    setSession(null);
  });

  it("the inbox says which training to finish, with the link", async () => {
    renderApp("/staff/inbox", { groups: ["clinicians"] });
    const link = await screen.findByRole("link", { name: "Open the Message inbox training" });
    expect(link.getAttribute("href")).toBe("/staff/training/message-inbox");
    expect(screen.getByText("Finish the Message inbox training to do this work.")).toBeTruthy();
  });

  it("a conversation is explained, not shown as not found", async () => {
    renderApp("/staff/inbox/01HZZZZZZZZZZZZZZZZZZZZZZA/01HCONVERSATION00000000000", { groups: ["clinicians"] });
    await screen.findByRole("link", { name: "Open the Message inbox training" });
    expect(screen.queryByRole("heading", { name: "Not found" })).toBeNull();
  });
});
