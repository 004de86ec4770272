/** Runtime configuration, written at deploy time (or by the local stack) as /config.json. */
export interface RuntimeConfig {
  apiUrl: string;
  userPoolId: string;
  clientId: string;
  practiceTimeZone: string;
}

export function parseConfig(value: unknown): RuntimeConfig {
  const v = (value ?? {}) as Record<string, unknown>;
  const text = (key: string, fallback?: string): string => {
    const found = v[key];
    if (typeof found === "string") return found;
    if (fallback !== undefined) return fallback;
    throw new Error(`config.json has no ${key}`);
  };
  const apiUrl = text("apiUrl").replace(/\/+$/, "");
  if (!/^https?:\/\//.test(apiUrl)) throw new Error("config.json: apiUrl must be an http(s) URL");
  return {
    apiUrl,
    userPoolId: text("userPoolId", ""),
    clientId: text("clientId", ""),
    practiceTimeZone: text("practiceTimeZone", "America/New_York"),
  };
}

export async function loadConfig(): Promise<RuntimeConfig> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  return parseConfig(await response.json());
}
