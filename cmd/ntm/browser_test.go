package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ntmsuite/ntm/platform/dbtest"
)

// chromiumPath is Debian's chromium, which scripts/services.sh installs.
const chromiumPath = "/usr/bin/chromium"

// screenshotDir keeps the browser tests' screenshots for review
// (git-ignored, beside the built tools).
var screenshotDir = filepath.Join("..", "..", ".bin", "screenshots")

// newBrowser starts a headless Chromium with a fresh profile for t, sized
// like a laptop's window, and returns a tab. It skips t without Chromium,
// or fails it under NTM_TEST_REQUIRE_SERVICES=1 (make test).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath
	if _, err := os.Stat(path); err != nil {
		if path, err = exec.LookPath("chromium"); err != nil {
			dbtest.Unavailable(t, "chromium is not installed (scripts/services.sh installs it)")
		}
	}
	// Without the background-networking flags Chromium waits on services
	// a closed network never answers.
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// The browser starts with the first action, which must run in the tab's
	// own context: the browser lives as long as the context that started it.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// do runs actions in the tab, failing t after 45 s (a loaded CI machine runs every package at once).
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	if err := chromedp.Do(c, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// textOf waits until the element css selects has text, and returns it.
func textOf(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	sel, err := json.Marshal(css)
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(c, chromedp.Poll[string]("document.querySelector("+string(sel)+")?.textContent.trim()", chromedp.WithPollingTimeout(40*time.Second)))
	if err != nil {
		t.Fatalf("waiting for the text of %s: %v", css, err)
	}
	return text
}

// screenshot keeps the whole page as name.png under screenshotDir.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	// Let the page settle (fonts, the charts' layout).
	if err := chromedp.Do(c, chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
