import { act, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

// The Spanish catalogue is a chunk of its own: these tests take a fresh copy of the module (the
// test setup has already fetched Spanish into the usual one) and hold or fail the fetch.

type I18nModule = typeof import("./index");

async function withSpanish(load: () => Promise<unknown>): Promise<I18nModule> {
  vi.resetModules();
  vi.doMock("./es", load);
  return import("./index");
}

function held() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const load = async () => {
    await gate;
    return vi.importActual("./es");
  };
  return { load, release: () => act(async () => release()) };
}

const offline = async () => {
  throw new Error("offline");
};

function renderApp(i18n: I18nModule, locale?: "en" | "es") {
  function Probe() {
    const { t, locale, chosen, setLocale } = i18n.useI18n();
    return (
      <>
        <h1>{t("app.name")}</h1>
        <p>{`shown ${locale}, chosen ${chosen}`}</p>
        <button type="button" onClick={() => setLocale("es")}>
          es
        </button>
        <button type="button" onClick={() => setLocale("en")}>
          en
        </button>
      </>
    );
  }
  return render(
    <i18n.I18nProvider timeZone="UTC" locale={locale}>
      <Probe />
    </i18n.I18nProvider>,
  );
}

afterEach(() => {
  vi.doUnmock("./es");
  vi.resetModules();
  document.documentElement.lang = "en";
});

describe("the Spanish catalogue, fetched when needed", () => {
  it("is in English until fetched, through translate", async () => {
    const spanish = held();
    const i18n = await withSpanish(spanish.load);
    expect(i18n.translate("es", "app.name")).toBe("Patient portal");
    const loading = i18n.loadCatalogue("es");
    await spanish.release();
    await loading;
    expect(i18n.translate("es", "app.name")).toBe("Portal del paciente");
    expect(i18n.loadedCatalogue("es")?.["app.name"]).toBe("Portal del paciente");
  });

  it("starting in Spanish: the loading state, then Spanish, never English first", async () => {
    const spanish = held();
    const i18n = await withSpanish(spanish.load);
    renderApp(i18n, "es");
    expect(screen.getByRole("status").textContent).toBe("Loading…");
    expect(screen.queryByRole("heading")).toBeNull();
    await spanish.release();
    expect(await screen.findByRole("heading", { name: "Portal del paciente" })).toBeTruthy();
    expect(screen.getByText("shown es, chosen es")).toBeTruthy();
    expect(document.documentElement.lang).toBe("es");
  });

  it("switching: the previous language stays until Spanish arrives, and the page's language changes with it", async () => {
    const spanish = held();
    const i18n = await withSpanish(spanish.load);
    renderApp(i18n);
    fireEvent.click(screen.getByRole("button", { name: "es" }));
    expect(screen.getByRole("heading", { name: "Patient portal" })).toBeTruthy();
    expect(screen.getByText("shown en, chosen es")).toBeTruthy();
    expect(document.documentElement.lang).toBe("en");
    await spanish.release();
    expect(await screen.findByRole("heading", { name: "Portal del paciente" })).toBeTruthy();
    expect(document.documentElement.lang).toBe("es");
    // Fetched once: back and forth at once.
    fireEvent.click(screen.getByRole("button", { name: "en" }));
    expect(screen.getByRole("heading", { name: "Patient portal" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "es" }));
    expect(screen.getByRole("heading", { name: "Portal del paciente" })).toBeTruthy();
  });

  it("changing one's mind before Spanish arrives keeps English", async () => {
    const spanish = held();
    const i18n = await withSpanish(spanish.load);
    renderApp(i18n);
    fireEvent.click(screen.getByRole("button", { name: "es" }));
    fireEvent.click(screen.getByRole("button", { name: "en" }));
    await spanish.release();
    await act(() => i18n.loadCatalogue("es"));
    expect(screen.getByRole("heading", { name: "Patient portal" })).toBeTruthy();
    expect(screen.getByText("shown en, chosen en")).toBeTruthy();
  });

  it("offline: starting in Spanish falls back to English", async () => {
    const i18n = await withSpanish(offline);
    renderApp(i18n, "es");
    expect(await screen.findByRole("heading", { name: "Patient portal" })).toBeTruthy();
    expect(screen.getByText("shown en, chosen en")).toBeTruthy();
    expect(document.documentElement.lang).toBe("en");
  });

  it("offline: switching keeps English, and the choice goes back to it", async () => {
    const i18n = await withSpanish(offline);
    renderApp(i18n);
    fireEvent.click(screen.getByRole("button", { name: "es" }));
    expect(await screen.findByText("shown en, chosen en")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Patient portal" })).toBeTruthy();
  });
});
