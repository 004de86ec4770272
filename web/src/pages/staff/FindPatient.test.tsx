import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { renderApp } from "../../../test/render";
import { setSession } from "../../auth/session";
import { checkCriteria } from "./FindPatient";

// The staff patient search against a stubbed API: the form's checks, the results, the empty
// state, the API's refusals next to the field, and who has it in the navigation.

const ANA = "01HZZZZZZZZZZZZZZZZZZZZZZA";
const SAM = "01HZZZZZZZZZZZZZZZZZZZZZZS";

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });

let searches: URLSearchParams[] = [];
let answer: () => Response = () => json(200, { items: [], truncated: false });

beforeEach(() => {
  searches = [];
  vi.stubGlobal("fetch", async (input: Request) => {
    const url = new URL(input.url);
    if (url.pathname === "/account/agreements") return json(200, { items: [] });
    if (url.pathname === "/public/status") return json(200, { generatedAt: "2026-12-01T12:00:00.000Z", incidents: [] });
    if (input.method === "GET" && url.pathname === "/staff/patients") {
      searches.push(url.searchParams);
      return answer();
    }
    return json(200, { items: [], nextCursor: null, totalUnread: 0 });
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
  answer = () => json(200, { items: [], truncated: false });
});

const signedIn = (groups: string[], at: string, sub = "u1") => renderApp(at, { groups, sub });

describe("the form's own checks", () => {
  it("asks for a name or a date, and two letters of the family name", () => {
    expect(checkCriteria({ q: " ", birthDate: "" })).toEqual({ q: "needOne", birthDate: "needOne" });
    expect(checkCriteria({ q: "l", birthDate: "" })).toEqual({ q: "tooShort" });
    expect(checkCriteria({ q: "é-", birthDate: "1984-03-12" })).toEqual({ q: "tooShort" });
    expect(checkCriteria({ q: ", Ana", birthDate: "" })).toEqual({ q: "tooShort" });
    expect(checkCriteria({ q: "Ló", birthDate: "" })).toEqual({});
    expect(checkCriteria({ q: "", birthDate: "1984-03-12" })).toEqual({});
  });
});

describe("finding a patient", () => {
  it("searches by name and date of birth and links each patient to their page", async () => {
    answer = () =>
      json(200, {
        items: [
          { patientId: ANA, name: { given: "Ana", family: "López" }, birthDate: "1984-03-12", portalStatus: "active" },
          { patientId: SAM, name: { given: "Sam", family: "Lopez" }, birthDate: "1984-03-12" },
        ],
        truncated: false,
      });
    signedIn(["front-desk"], "/staff/patients");
    await screen.findByRole("heading", { level: 1, name: "Find a patient" });
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: " lopez " } });
    fireEvent.change(screen.getByLabelText("Date of birth"), { target: { value: "1984-03-12" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));

    const table = await screen.findByRole("table");
    expect(searches).toHaveLength(1);
    expect(searches[0]!.get("q")).toBe("lopez");
    expect(searches[0]!.get("birthDate")).toBe("1984-03-12");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    const ana = within(rows[0]!).getByRole("link", { name: "López, Ana" });
    expect(ana.getAttribute("href")).toBe(`/staff/patients/${ANA}`);
    expect(within(rows[0]!).getByText("Active")).toBeTruthy();
    expect(within(rows[1]!).getByText("Not activated")).toBeTruthy();
    expect(screen.getByRole("status").textContent).toBe("2 patients found.");
    // The search stays out of the address (a name is PHI)...
    expect(location.pathname + location.search).toBe("/staff/patients");

    // ...but coming back to the page shows it again, for the same account only.
    document.body.innerHTML = "";
    signedIn(["front-desk"], "/staff/patients");
    expect(await screen.findByRole("link", { name: "López, Ana" })).toBeTruthy();
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("lopez");
    document.body.innerHTML = "";
    signedIn(["front-desk"], "/staff/patients", "someone-else");
    await screen.findByRole("heading", { level: 1, name: "Find a patient" });
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("");
    expect(screen.queryByRole("table")).toBeNull();
  });

  it("says when nobody matches, and offers the front desk to register", async () => {
    signedIn(["front-desk"], "/staff/patients");
    fireEvent.change(await screen.findByLabelText("Name"), { target: { value: "Nobody" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByText(/No patient matches/)).toBeTruthy();
    expect(screen.queryByRole("table")).toBeNull();
    const results = screen.getByRole("region", { name: "Patients found" });
    expect(within(results).getByRole("link", { name: /Register a patient/ }).getAttribute("href")).toBe("/staff/patients/new");
  });

  it("says when more match than are shown", async () => {
    answer = () =>
      json(200, {
        items: [{ patientId: ANA, name: { given: "Ana", family: "López" }, birthDate: "1984-03-12" }],
        truncated: true,
      });
    signedIn(["clinicians"], "/staff/patients");
    fireEvent.change(await screen.findByLabelText("Name"), { target: { value: "lo" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByText(/more patients match/)).toBeTruthy();
    const results = screen.getByRole("region", { name: "Patients found" });
    expect(within(results).queryByRole("link", { name: /Register a patient/ })).toBeNull();
  });

  it("checks the form before sending and puts every refusal next to its field", async () => {
    signedIn(["front-desk"], "/staff/patients", "u-new");
    fireEvent.click(await screen.findByRole("button", { name: "Search" }));
    const name = screen.getByLabelText("Name");
    expect(name.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(name.getAttribute("aria-describedby")!.split(" ").pop()!)?.textContent).toBe(
      "Enter a name or a date of birth.",
    );
    expect(searches).toHaveLength(0);

    fireEvent.change(name, { target: { value: "l" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByText("Enter at least 2 letters of the family name.")).toBeTruthy();
    expect(searches).toHaveLength(0);

    answer = () =>
      json(
        422,
        { type: "about:blank", title: "Some fields are missing or invalid", status: 422, errors: [{ field: "birthDate", message: "must not be in the future" }] },
        "application/problem+json",
      );
    fireEvent.change(name, { target: { value: "lopez" } });
    fireEvent.change(screen.getByLabelText("Date of birth"), { target: { value: "2999-01-01" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    await waitFor(() => expect(screen.getByLabelText("Date of birth").getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByText("Enter a real date of birth, not in the future.")).toBeTruthy();
    expect(name.getAttribute("aria-invalid")).toBeNull();
  });
});

describe("the navigation", () => {
  it("offers the search to the front desk and clinicians", async () => {
    const links = async (groups: string[]) => {
      signedIn(groups, "/staff/patients");
      const nav = await screen.findByRole("navigation", { name: "Main" });
      await waitFor(() => expect(within(nav).getAllByRole("link").length).toBeGreaterThan(1));
      const names = within(nav).getAllByRole("link").map((a) => a.textContent);
      document.body.innerHTML = "";
      return names;
    };
    expect(await links(["front-desk"])).toContain("Find a patient");
    expect(await links(["clinicians"])).toContain("Find a patient");
    expect(await links(["response-team"])).not.toContain("Find a patient");
  });
});
