#!/usr/bin/env python3
"""Opens the report pages in headless Chromium (Playwright) and checks what a person must see.

usage: test_reports.py run --report PAGE --hostile-report PAGE --hostile-text TEXT --screenshots DIR
                           --scenario ID --requirement ID --quote TEXT --passed N --total N [--chromium PATH]
       test_reports.py bench --report PAGE --single-report PAGE --workloads LIST --screenshots DIR [--chromium PATH]

Run by Tests/MutantTests/MutantHTMLReportTests.swift.

`run`: PAGE is `conform --html` of a real run of the catalogue against a broken server (HOSTILE the
same run with a hostile frame put where the server's bytes go). Checks: the outcome banner and
figures; the failing scenario open with its requirement quoted; its wire trace collapsed, then
expanded by a click, with time and direction; the verdict, area and search filters; the hostile text
shown as text and never run; no request leaving the page's own file; no script error; nothing wider
than a phone's screen. Screenshots: report-top.png, report-failure.png, report-filtered.png,
report-phone.png, report-hostile.png.

`bench`: PAGE is a `conform bench --compare … --html` page. Checks: a section per workload, each with
its table and its plots drawn (non-empty SVG boxes), the ratio plot, the ledgers; no outside request,
no script error, phone width. SINGLE is the page of one run (`conform bench --html`): one value
column, latency, throughput and ledger per sending workload. Screenshots: bench-top.png,
bench-<workload>.png, bench-phone.png, bench-run-top.png, bench-run-fanout.png.

Exit status 0 when every check held, 1 otherwise.
"""
import argparse
import os
import shutil
import sys

from playwright.sync_api import sync_playwright

failures = []


def check(name, condition, detail=""):
    print("%s %s%s" % ("PASS" if condition else "FAIL", name, "" if condition else ": " + str(detail)))
    if not condition:
        failures.append(name)


def chromium_path(given):
    for candidate in [given, shutil.which("chromium"), "/usr/bin/chromium", shutil.which("chromium-browser")]:
        if candidate and os.path.exists(candidate):
            return candidate
    sys.exit("Error: no Chromium (apt-get install chromium, or pass --chromium PATH)")


def watch(page, label):
    """Records every request that is not the page's own file, and every script error."""
    outside, errors = [], []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith("file://") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return outside, errors


def visible_verdicts(page):
    return page.eval_on_selector_all("#scenarios details.scenario:not([hidden])", "elements => elements.map(e => e.dataset.verdict)")


def check_phone(browser, url, shot):
    """Opens `url` at a phone's width: nothing may be wider than the screen."""
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2).new_page()
    phone.goto(url)
    width = phone.evaluate("document.documentElement.scrollWidth")
    check("nothing is wider than a phone's screen", width <= 391, width)
    phone.screenshot(path=shot)


def bench(args, browser, shot):
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    outside, errors = watch(page, "bench")
    url = "file://" + os.path.abspath(args.report)
    page.goto(url)
    check("the banner names the comparison", page.inner_text("h1").startswith("conform bench"), page.inner_text("h1"))
    ratio = page.locator("svg[aria-label^='Reference server against the peer']")
    check("the ratio plot is drawn", ratio.count() == 1 and ratio.bounding_box()["height"] > 100)
    page.screenshot(path=shot("bench-top.png"))
    for workload in args.workloads.split(","):
        section = page.locator("#workload-" + workload)
        check("%s: its section is there" % workload, section.count() == 1)
        if section.count() != 1:
            continue
        check("%s: its table has the reference, the peer and the ratio" % workload,
              section.locator("table.figures th").all_inner_texts() == ["figure", "reference", "peer", "ratio"],
              section.locator("table.figures th").all_inner_texts())
        charts = section.locator("svg.chart")
        boxes = [charts.nth(index).bounding_box() for index in range(charts.count())]
        check("%s: its plots are drawn" % workload, boxes and all(box and box["width"] > 200 and box["height"] > 100 for box in boxes), boxes)
        labels = [charts.nth(index).get_attribute("aria-label") for index in range(charts.count())]
        if workload in ("fanout", "latency", "socket"):
            check("%s: latency, throughput for both, ledgers for both" % workload,
                  labels[0].startswith("Latency distribution") and sum(l.startswith("Throughput") for l in labels) == 2
                  and sum(l.startswith("Ledger") for l in labels) == 2, labels)
            lost = section.locator("svg[aria-label^='Ledger'] text.value").all_text_contents()
            check("%s: the ledgers show nothing lost" % workload, lost.count("0 ✓") >= 2, lost)
        section.screenshot(path=shot("bench-%s.png" % workload))
    check("no request left the page", not outside, outside)
    check("no script error", not errors, errors)
    check_phone(browser, url, shot("bench-phone.png"))

    # One run's page (conform bench --html): one value column, throughput and ledger per sending workload.
    single = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    outside, errors = watch(single, "single")
    single.goto("file://" + os.path.abspath(args.single_report))
    check("one run: no ratio plot", single.locator("svg[aria-label^='Reference server against']").count() == 0)
    for workload in args.workloads.split(","):
        section = single.locator("#workload-" + workload)
        check("one run, %s: one value column" % workload,
              section.locator("table.figures th").all_inner_texts() == ["figure", "value"], section.locator("table.figures th").all_inner_texts())
        labels = section.locator("svg.chart").evaluate_all("elements => elements.map(e => e.getAttribute('aria-label'))")
        if workload in ("fanout", "latency", "socket"):
            check("one run, %s: latency, throughput and ledger" % workload,
                  labels[0].startswith("Latency distribution") and labels[1:] == ["Throughput per second", "Ledger"], labels)
        if workload == "fanout":
            section.screenshot(path=shot("bench-run-fanout.png"))
    single.screenshot(path=shot("bench-run-top.png"))
    check("one run: no request left the page", not outside, outside)
    check("one run: no script error", not errors, errors)


def run(args, browser, shot):
    anchor = "#scenario-" + "".join(c if c.isascii() and c.isalnum() else "-" for c in args.scenario)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    page = context.new_page()
    outside, errors = watch(page, "report")
    page.goto("file://" + os.path.abspath(args.report))

    # At a glance: the outcome and the figures.
    check("the banner says the run failed", page.inner_text("h1") == "conform: FAIL", page.inner_text("h1"))
    closing = page.inner_text("#closing-line")
    check("the closing line gives the figures", closing.startswith("%s passed, " % args.passed), closing)
    check("the metadata names the Spec version and seed",
          "Spec version" in page.inner_text("#metadata") and "Seed" in page.inner_text("#metadata"))
    check("every scenario is listed", page.locator("#scenarios details.scenario").count() == int(args.total))
    check("the failure is linked under Needs attention", page.locator("#attention a[href='%s']" % anchor).count() == 1)
    page.screenshot(path=shot("report-top.png"))

    # The failing scenario: visible, open, its requirement quoted.
    failure = page.locator(anchor)
    page.click("#attention a[href='%s']" % anchor)
    check("the failing scenario is visible", failure.is_visible())
    check("it is open", failure.get_attribute("open") is not None)
    check("its verdict reads FAIL", failure.locator("summary .badge").inner_text() == "FAIL")
    quote = failure.locator("blockquote.requirement").filter(has_text=args.requirement)
    check("its requirement is quoted", quote.count() == 1 and quote.locator("q").inner_text().strip() == args.quote.strip(),
          quote.all_inner_texts())
    check("Expected and Actual are shown", failure.locator("dl.outcome dt").all_inner_texts() == ["Expected", "Actual"],
          failure.locator("dl.outcome dt").all_inner_texts())

    # The trace: collapsed, then expanded by a click, each frame with its time and direction.
    trace = failure.locator("details.trace")
    rows = trace.locator("table.wire tbody tr")
    check("the trace starts collapsed", trace.get_attribute("open") is None and not rows.first.is_visible())
    trace.locator("summary").click()
    check("a click expands the trace", rows.first.is_visible())
    first = rows.first.locator("td").all_inner_texts()
    check("a frame shows time, session, direction and text",
          len(first) == 4 and first[0].startswith("+") and first[0].endswith(" s") and first[2] in ("→ sent", "← received", "· note"), first)
    directions = set(trace.locator("td.direction").all_inner_texts())
    check("both directions appear", {"→ sent", "← received"} <= directions, directions)
    failure.screenshot(path=shot("report-failure.png"))

    # Filters: verdict, area, search.
    page.uncheck("#filters input[value=pass]")
    shown = visible_verdicts(page)
    check("unchecking PASS hides every pass", shown and "pass" not in shown, shown)
    check("the count follows", page.inner_text("#shown-count") == str(len(shown)))
    page.check("#filters input[value=pass]")
    page.select_option("#area-filter", "http")
    areas = page.eval_on_selector_all("#scenarios details.scenario:not([hidden])", "elements => elements.map(e => e.dataset.area)")
    check("the area filter shows that area only", areas and set(areas) == {"http"}, areas)
    page.uncheck("#filters input[value=pass]")
    check("filters combine (HTTP and not PASS: nothing)", visible_verdicts(page) == [] and page.inner_text("#shown-count") == "0")
    page.check("#filters input[value=pass]")
    check("other areas' headings hide", not page.locator(".area-group[data-area=join]").is_visible())
    page.select_option("#area-filter", "")
    page.fill("#search", args.requirement.lower())
    shown = page.eval_on_selector_all("#scenarios details.scenario:not([hidden])", "elements => elements.map(e => e.id)")
    check("search finds the scenario by requirement", anchor[1:] in shown, shown)
    page.fill("#search", "")
    page.uncheck("#filters input[value=pass]")
    page.click("#collapse-all")
    page.locator("#filters").scroll_into_view_if_needed()
    page.screenshot(path=shot("report-filtered.png"))
    check("no request left the page", not outside, outside)
    check("no script error", not errors, errors)

    # Phone width: readable, nothing wider than the screen.
    check_phone(browser, "file://" + os.path.abspath(args.report) + anchor, shot("report-phone.png"))

    # A hostile frame: shown as text, never run.
    hostile = context.new_page()
    outside_hostile, errors_hostile = watch(hostile, "hostile")
    hostile.goto("file://" + os.path.abspath(args.hostile_report))
    hostile_failure = hostile.locator(anchor)
    hostile_failure.locator("details.trace summary").click()
    check("the hostile text shows literally in Actual", hostile_failure.locator("dd.actual").inner_text() == args.hostile_text,
          hostile_failure.locator("dd.actual").inner_text())
    check("and in the trace", hostile_failure.locator("table.wire").inner_text().count(args.hostile_text) == 1)
    check("it created no element", hostile.locator("img, #scenarios script, #scenarios b").count() == 0)
    check("it ran nothing", hostile.evaluate("typeof window.pwned") == "undefined")
    check("the hostile page loaded nothing", not outside_hostile, outside_hostile)
    check("the hostile page has no script error", not errors_hostile, errors_hostile)
    hostile_failure.screenshot(path=shot("report-hostile.png"))


def main():
    parser = argparse.ArgumentParser()
    modes = parser.add_subparsers(dest="mode", required=True)
    run_mode = modes.add_parser("run")
    for name in ("report", "hostile-report", "hostile-text", "screenshots", "scenario", "requirement", "quote", "passed", "total"):
        run_mode.add_argument("--" + name, required=True)
    bench_mode = modes.add_parser("bench")
    for name in ("report", "single-report", "workloads", "screenshots"):
        bench_mode.add_argument("--" + name, required=True)
    for mode in (run_mode, bench_mode):
        mode.add_argument("--chromium")
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    shot = lambda name: os.path.join(args.screenshots, name)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(args.chromium), args=["--no-sandbox"])
        if args.mode == "bench":
            bench(args, browser, shot)
        else:
            run(args, browser, shot)
        browser.close()

    print("%d check(s) failed: %s" % (len(failures), ", ".join(failures)) if failures else "every check held")
    print("screenshots in %s" % os.path.abspath(args.screenshots))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
