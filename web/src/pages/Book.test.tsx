import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { App, makeQueryClient } from "../App";
import { setSession } from "../auth/session";

const config = { apiUrl: "http://api.test", userPoolId: "p", clientId: "c", practiceTimeZone: "America/New_York" };
const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });

let slotCalls: URL[] = [];

beforeEach(() => {
  slotCalls = [];
  vi.stubGlobal("fetch", async (r: Request) => {
    const url = new URL(r.url);
    if (url.pathname === "/providers") {
      return json({ items: [{ providerId: "pr1", name: "Dr. Luis Ortega", specialty: "cardiology", acceptingNewPatients: false, visitTypes: ["follow-up"] }], nextCursor: null });
    }
    if (url.pathname === "/visit-types") return json({ items: [{ id: "follow-up", name: "Follow-up", minutes: 20, selfBookable: true }] });
    if (url.pathname === "/providers/pr1/slots") {
      slotCalls.push(url);
      return json({ items: [{ start: "2030-03-04T14:00:00Z", end: "2030-03-04T14:20:00Z" }], timeZone: "America/New_York" });
    }
    return json({ items: [], nextCursor: null, totalUnread: 0 });
  });
  setSession({ idToken: "t", claims: { sub: "u1", groups: ["patients"], patientId: "01P", exp: 9e9 } });
  history.replaceState(null, "", "/p/me/appointments/book");
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

describe("booking a visit", () => {
  it("lists open times from now, or from the start of the day the patient picks in the practice's time zone", async () => {
    render(<App config={config} queryClient={makeQueryClient()} />);
    fireEvent.click(await screen.findByRole("radio", { name: /Dr\. Luis Ortega/ }));
    fireEvent.change(screen.getByLabelText("Type of visit"), { target: { value: "follow-up" } });
    await screen.findByRole("radio", { name: /2030/ });
    expect(slotCalls[0]!.searchParams.get("from")).toBeNull();

    fireEvent.change(screen.getByLabelText("Show open times from"), { target: { value: "2030-03-04" } });
    await waitFor(() => expect(slotCalls.at(-1)!.searchParams.get("from")).toBe("2030-03-04T05:00:00Z"));
    expect(slotCalls.at(-1)!.searchParams.get("visitType")).toBe("follow-up");
  });
});
