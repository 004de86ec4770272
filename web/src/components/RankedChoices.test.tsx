import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { I18nProvider, type Locale } from "../i18n";
import { RankedChoices } from "./RankedChoices";
import type { PollIdea } from "../feedback";

// Operated by keyboard alone: every action is a press (Enter or Space, which a browser turns into
// a click) on the element that has the focus, and the focus is only moved by the component itself
// or by Tab to a control named on screen.

const idea = (n: number, title: string): PollIdea => ({
  ideaId: `01IDEA${n}`,
  title,
  description: `What ${title} does`,
  benefit: `Who ${title} helps`,
  status: "proposed",
});
const IDEAS = [idea(1, "Pay bills online"), idea(2, "Prescription refills"), idea(3, "Reminders in Spanish"), idea(4, "Share your record")];

let last: string[] = [];
function Harness({ method = "rank", topK = 3, start = [], locale = "en" }: { method?: "rank" | "approval"; topK?: number; start?: string[]; locale?: Locale }) {
  const [value, setValue] = useState<string[]>(start);
  return (
    <I18nProvider timeZone="UTC" locale={locale}>
      <RankedChoices
        ideas={IDEAS}
        method={method}
        topK={topK}
        value={value}
        onChange={(next) => {
          last = next;
          setValue(next);
        }}
      />
    </I18nProvider>
  );
}

/** Tab to a control (it must take the focus), then press it. */
function tabToAndPress(control: HTMLElement) {
  control.focus();
  expect(document.activeElement).toBe(control);
  press();
}
/** Enter on whatever has the focus. */
function press() {
  const focused = document.activeElement as HTMLElement | null;
  if (!focused || focused === document.body) throw new Error("nothing has the focus");
  if ((focused as HTMLButtonElement).disabled) throw new Error(`${focused.textContent} is disabled`);
  fireEvent.click(focused);
}
const focusedName = () => (document.activeElement as HTMLElement).getAttribute("aria-label") ?? (document.activeElement as HTMLElement).textContent;
const ranking = () => within(screen.getByRole("list", { name: "Your ranking" })).getAllByRole("listitem").map((li) => li.querySelector("h3")!.textContent);
const said = () => screen.getByRole("status").textContent;

describe("ranking ideas by keyboard", () => {
  it("adds ideas in order, moves one up and down with the focus on it, and says each change", () => {
    render(<Harness />);
    expect(screen.getByText("0 of 3 chosen")).toBeTruthy();
    // Each idea shows its title, description and benefit.
    const pay = screen.getByRole("heading", { name: "Pay bills online" }).closest("li")!;
    expect(within(pay).getByText("What Pay bills online does")).toBeTruthy();
    expect(within(pay).getByText(/Who Pay bills online helps/)).toBeTruthy();

    tabToAndPress(screen.getByRole("button", { name: "Add to my ranking: Prescription refills" }));
    expect(said()).toBe("Prescription refills added at position 1");
    // The focus moves on to the next idea still to choose.
    expect(focusedName()).toBe("Add to my ranking: Reminders in Spanish");
    press();
    expect(said()).toBe("Reminders in Spanish added at position 2");
    tabToAndPress(screen.getByRole("button", { name: "Add to my ranking: Pay bills online" }));
    expect(ranking()).toEqual(["1. Prescription refills", "2. Reminders in Spanish", "3. Pay bills online"]);
    expect(screen.getByText("3 of 3 chosen")).toBeTruthy();
    // Full: the last idea cannot be added, and the page says why.
    expect(screen.getByRole("button", { name: "Add to my ranking: Share your record" })).toHaveProperty("disabled", true);
    expect(screen.getByText("Your ranking is full (3 ideas). Remove one to add another.")).toBeTruthy();
    // With the ranking full, the focus goes to the idea just added.
    expect(focusedName()).toBe("Move up: Pay bills online");

    press();
    expect(said()).toBe("Pay bills online moved to position 2");
    expect(ranking()).toEqual(["1. Prescription refills", "2. Pay bills online", "3. Reminders in Spanish"]);
    expect(focusedName()).toBe("Move up: Pay bills online");
    press();
    expect(said()).toBe("Pay bills online moved to position 1");
    // At the top "Move up" is disabled: the focus stays on the idea, on "Move down".
    expect(screen.getByRole("button", { name: "Move up: Pay bills online" })).toHaveProperty("disabled", true);
    expect(focusedName()).toBe("Move down: Pay bills online");
    press();
    expect(said()).toBe("Pay bills online moved to position 2");
    expect(focusedName()).toBe("Move down: Pay bills online");
    expect(last).toEqual(["01IDEA2", "01IDEA1", "01IDEA3"]);
  });

  it("removes an idea, says so, and puts the focus on adding it back", () => {
    render(<Harness start={["01IDEA1", "01IDEA2"]} />);
    tabToAndPress(screen.getByRole("button", { name: "Remove: Pay bills online" }));
    expect(said()).toBe("Pay bills online removed from your ranking");
    expect(ranking()).toEqual(["1. Prescription refills"]);
    expect(focusedName()).toBe("Add to my ranking: Pay bills online");
    expect(last).toEqual(["01IDEA2"]);
    tabToAndPress(screen.getByRole("button", { name: "Remove: Prescription refills" }));
    expect(screen.getByText("No idea chosen yet: add one from the list below.")).toBeTruthy();
    expect(last).toEqual([]);
  });

  it("is an ordered list, and ignores ids the poll does not list", () => {
    render(<Harness start={["01IDEA4", "01GONE", "01IDEA1"]} />);
    const list = screen.getByRole("list", { name: "Your ranking" });
    expect(list.tagName).toBe("OL");
    expect(ranking()).toEqual(["1. Share your record", "2. Pay bills online"]);
  });

  it("speaks Spanish", () => {
    render(<Harness locale="es" start={["01IDEA1", "01IDEA2"]} />);
    tabToAndPress(screen.getByRole("button", { name: "Bajar: Pay bills online" }));
    expect(screen.getByRole("status").textContent).toBe("Pay bills online pasa a la posición 2");
  });
});

describe("approving ideas", () => {
  it("is a checkbox per idea, each described by its description and benefit", () => {
    render(<Harness method="approval" />);
    const group = screen.getByRole("group", { name: "The ideas you would like" });
    const refills = within(group).getByRole("checkbox", { name: "Prescription refills" });
    expect(document.getElementById(refills.getAttribute("aria-describedby")!.split(" ")[0]!)?.textContent).toBe("What Prescription refills does");
    refills.focus();
    press();
    tabToAndPress(within(group).getByRole("checkbox", { name: "Share your record" }));
    expect(last).toEqual(["01IDEA2", "01IDEA4"]);
    tabToAndPress(refills);
    expect(last).toEqual(["01IDEA4"]);
    expect(screen.queryByRole("button", { name: /Move up/ })).toBeNull();
  });
});
