"""Runs Web/tests/client-tests.html (the unit tests of our Socket.IO client and the chat model) in
Chromium, from an origin other than the reference server's, which its last tests talk to.

usage: client_unit_tests.py REFERENCE_SERVER_BINARY
"""
import sys

from browser_support import Checks, StaticServer, WEB, browser, new_context, reference_server, require_browser


def main(binary):
    require_browser()
    checks = Checks("client-unit-tests")
    server = reference_server(binary)
    server_url = server.start()
    pages = StaticServer(WEB)
    try:
        with browser() as instance:
            context = new_context(instance)
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{pages.url}/tests/client-tests.html?server={server_url}")
            page.wait_for_function("window.testResults !== undefined", timeout=60_000)
            results = page.evaluate("window.testResults")
            for name in results["names"]:
                failure = next((item for item in results["failures"] if item["name"] == name), None)
                if failure:
                    checks.failed += 1
                    print(f"FAIL {name}\n{failure['message']}")
                else:
                    checks.passed += 1
                    print(f"PASS {name}")
            if errors:
                checks.failed += 1
                print(f"FAIL page errors: {errors}")
            if results["passed"] + results["failed"] < 15:
                checks.failed += 1
                print(f"FAIL expected at least 15 tests (the live ones included), ran {results['names']}")
            checks.screenshot(page, "client-unit-tests")
            context.close()
    finally:
        pages.close()
        server.stop()
    checks.finish()


if __name__ == "__main__":
    main(sys.argv[1])
