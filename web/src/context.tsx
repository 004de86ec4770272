import { createContext, useContext } from "react";
import type { Api } from "./api/client";
import type { RuntimeConfig } from "./config";

export interface AppContextValue {
  api: Api;
  config: RuntimeConfig;
  signOut: (reason?: "expired" | "idle") => Promise<void>;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error("useApp outside AppContext");
  return value;
}
