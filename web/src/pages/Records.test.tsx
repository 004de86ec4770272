import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { App, makeQueryClient } from "../App";
import { setSession } from "../auth/session";

const config = { apiUrl: "http://api.test", userPoolId: "p", clientId: "c", practiceTimeZone: "America/New_York" };

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const sources = {
  items: [
    {
      sourceId: "lakeside",
      name: "Lakeside Endocrinology Clinic",
      records: 12,
      perCategory: { labs: 8 },
      lastUpdated: "2026-02-01T10:00:00Z",
      careTeam: [
        { name: "Dr. Lin Chen", role: "Endocrinologist", place: "Lakeside Endocrinology Clinic" },
        { name: "Pat Rivera", place: "Lakeside Lab" },
        { name: "Sam Ode" },
      ],
    },
    { sourceId: "riverside", name: "Riverside Urgent Care", records: 3, perCategory: {}, lastUpdated: "2026-01-05T10:00:00Z", careTeam: [] },
  ],
};

beforeEach(() => {
  vi.stubGlobal("fetch", async (r: Request) =>
    r.url.endsWith("/patients/me/sources") ? json(200, sources) : json(200, { items: [], nextCursor: null, totalUnread: 0 }),
  );
  setSession({ idToken: "t", claims: { sub: "u1", groups: ["patients"], patientId: "01P", exp: 9e9 } });
  history.replaceState(null, "", "/p/me/records");
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

describe("the care team per source", () => {
  it("lists each source's clinicians with role and place, under the source's heading, in English and Spanish", async () => {
    render(<App config={config} queryClient={makeQueryClient()} />);
    const section = await screen.findByRole("region", { name: "Your care team, by source" });
    const lakeside = within(section).getByRole("list", { name: "Lakeside Endocrinology Clinic" });
    const items = within(lakeside).getAllByRole("listitem").map((li) => li.textContent);
    expect(items).toEqual(["Dr. Lin Chen · Endocrinologist, Lakeside Endocrinology Clinic", "Pat Rivera · Lakeside Lab", "Sam Ode"]);
    expect(within(section).getByRole("heading", { name: "Riverside Urgent Care", level: 3 })).toBeTruthy();
    expect(within(section).getByText("This source's records name no clinician.")).toBeTruthy();

    fireEvent.change(screen.getByLabelText("Language"), { target: { value: "es" } });
    const es = await screen.findByRole("region", { name: "Su equipo de atención, por origen" });
    expect(within(es).getByText("Los registros de este origen no nombran a ningún profesional.")).toBeTruthy();
  });
});
