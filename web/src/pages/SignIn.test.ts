import { describe, expect, it } from "vitest";
import { safeNext } from "./SignIn";

describe("the page to return to after sign-in", () => {
  it("is a path of this app", () => {
    expect(safeNext("/p/me/records?category=labs")).toBe("/p/me/records?category=labs");
  });
  it("never another origin or the sign-in page itself", () => {
    for (const next of ["https://evil.test/", "//evil.test/x", "javascript:alert(1)", "/sign-in?next=/x", null, ""]) {
      expect(safeNext(next)).toBe("/");
    }
  });
});
