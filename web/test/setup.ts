import { afterEach, beforeAll, beforeEach } from "vitest";
import { cleanup } from "@testing-library/react";
import { setTourEnabled } from "../src/components/tour";
import { loadCatalogue } from "../src/i18n";

afterEach(() => cleanup());

// The first-sign-in tour stays out of the other screens' tests (its own tests turn it on).
beforeEach(() => setTourEnabled(false));

// jsdom does not lay out pages.
window.scrollTo = () => {};

// The Spanish catalogue is its own chunk, fetched when first needed (src/i18n/index.tsx): the
// screens' tests start with it at hand; src/i18n/provider.test.tsx covers the wait for it.
beforeAll(() => loadCatalogue("es"));
