// A minimal in-page test runner: test(name, fn) registers, run() executes in order and publishes
// window.testResults = {passed, failed, failures: [{name, message}]} for the browser test to read.
const tests = [];

export function test(name, body) {
  tests.push({ name, body });
}

export class AssertionError extends Error {}

export function assert(condition, message = "assertion failed") {
  if (!condition) throw new AssertionError(message);
}

export function assertEqual(actual, expected, message = "") {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new AssertionError(`${message ? message + ": " : ""}expected ${e}, got ${a}`);
}

export function assertThrows(body, message = "expected an exception") {
  try {
    body();
  } catch {
    return;
  }
  throw new AssertionError(message);
}

/** Resolves when `condition()` is true; fails after `timeout` ms. */
export async function waitFor(condition, timeout = 5000, what = "condition") {
  const deadline = performance.now() + timeout;
  while (!condition()) {
    if (performance.now() > deadline) throw new AssertionError(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function run() {
  const results = { passed: 0, failed: 0, failures: [], names: [] };
  const table = document.getElementById("results");
  for (const { name, body } of tests) {
    const row = document.createElement("li");
    let message = null;
    try {
      await body();
      results.passed += 1;
    } catch (error) {
      results.failed += 1;
      message = error?.stack ?? String(error);
      results.failures.push({ name, message });
    }
    results.names.push(name);
    row.textContent = `${message === null ? "PASS" : "FAIL"} ${name}${message === null ? "" : ": " + message}`;
    row.className = message === null ? "pass" : "fail";
    table?.append(row);
  }
  document.getElementById("summary").textContent = `${results.passed} passed, ${results.failed} failed`;
  window.testResults = results;
  return results;
}
