import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";

describe("runtime config", () => {
  it("reads the deploy-time file", () => {
    expect(parseConfig({ apiUrl: "https://api.x.test/v1/", userPoolId: "p", clientId: "c" })).toEqual({
      apiUrl: "https://api.x.test/v1",
      userPoolId: "p",
      clientId: "c",
      practiceTimeZone: "America/New_York",
    });
  });
  it("refuses a config without a usable API URL", () => {
    expect(() => parseConfig({})).toThrow(/apiUrl/);
    expect(() => parseConfig({ apiUrl: "javascript:alert(1)" })).toThrow();
  });
});
