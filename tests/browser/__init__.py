"""Real-browser tests: headless Chromium through Playwright, axe-core, screenshots."""
