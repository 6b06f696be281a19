"""The chat page served by the reference server at /, used by several people in Chromium: two users
exchange messages both ways, a second tab of one of them stays in step, a third user sees nothing of
theirs, a message to an offline user waits for them, the server restarts under the open pages, and
a browser whose WebSocket is blocked works over long-polling. A screenshot is kept after each step.

usage: chat_page.py REFERENCE_SERVER_BINARY
"""
import base64
import json
import re
import sys

from browser_support import Checks, browser, new_context, reference_server, require_browser


def sign_in(page, url, name, keyboard=False):
    page.goto(url)
    page.get_by_label("Your name").fill(name)
    if keyboard:
        page.get_by_label("Your name").press("Enter")
    else:
        page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#whoami-name")).to_have_text(name)
    expect(page.locator("#connection")).to_have_attribute("data-state", "connected")


def open_conversation(page, party):
    page.locator(f'.conversation-item[data-party="{party}"]').click()
    expect(page.locator("#conversation-title")).to_have_text(f"Conversation with {party}")


def start_conversation(page, party):
    page.get_by_label("Start a conversation with").fill(party)
    page.get_by_label("Start a conversation with").press("Enter")
    expect(page.locator("#conversation-title")).to_have_text(f"Conversation with {party}")


def send(page, text):
    box = page.get_by_label("Message", exact=True)
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("")
    expect(page.locator("#send-error")).to_have_text("")


def shown(page):
    """The texts of the open conversation, in the order shown."""
    return page.locator("#messages .message .content").all_text_contents()


def expect_shown(page, texts):
    expect(page.locator("#messages .message .content")).to_have_text(texts)


def main(binary):
    require_browser()
    global expect
    from playwright.sync_api import expect
    checks = Checks("chat-page")
    server = reference_server(binary)
    url = server.start() + "/"
    try:
        with browser() as instance:
            alice_context = new_context(instance)
            bob_context = new_context(instance)
            alice = alice_context.new_page()
            bob = bob_context.new_page()

            def page_is_served():
                response = alice.goto(url)
                assert response.status == 200, response.status
                assert response.headers["content-type"] == "text/html; charset=utf-8"
                expect(alice.get_by_role("heading", name="Sign in")).to_be_visible()
                expect(alice.locator("#connection")).to_have_text("Not connected")
            checks.step("page served at /", page_is_served, alice)

            def both_sign_in():
                sign_in(alice, url, "alice", keyboard=True)
                sign_in(bob, url, "bob")
                expect(alice.locator("#connection")).to_have_text("Connected (WebSocket)")
                # The reference server offers send_message (Spec EXT-1): the page sends with it.
                for page in (alice, bob):
                    expect(page.locator("#send-form")).to_have_attribute("data-via", "send_message")
                expect(alice.locator("#no-conversations")).to_be_visible()
            checks.step("alice and bob sign in", both_sign_in, alice, bob)

            def alice_writes_to_bob():
                start_conversation(alice, "bob")
                send(alice, "Hi bob")
                expect_shown(alice, ["Hi bob"])
                item = bob.locator('.conversation-item[data-party="alice"]')
                expect(item.locator(".unread")).to_have_text("1")
                expect(item.locator(".preview")).to_have_text("Hi bob")
                expect(bob).to_have_title("(1) Messenger")
            checks.step("alice writes to bob: bob sees an unread conversation", alice_writes_to_bob, alice, bob)

            def bob_answers():
                open_conversation(bob, "alice")
                expect_shown(bob, ["Hi bob"])
                expect(bob.locator('.conversation-item[data-party="alice"] .unread')).to_have_count(0)
                expect(bob).to_have_title("Messenger")
                send(bob, "Hello alice")
                send(bob, "How are you?")
                expect_shown(alice, ["Hi bob", "Hello alice", "How are you?"])
                expect_shown(bob, ["Hi bob", "Hello alice", "How are you?"])
                expect(alice.locator("#announcer")).to_have_text("New message from bob: How are you?")
            checks.step("bob opens it and answers: alice sees it live", bob_answers, alice, bob)

            bob_second = bob_context.new_page()

            def second_tab():
                sign_in(bob_second, url, "bob")
                open_conversation(bob_second, "alice")
                expect_shown(bob_second, ["Hi bob", "Hello alice", "How are you?"])
                send(bob_second, "(from my other tab)")
                send(alice, "Fine, thanks")
                expected = ["Hi bob", "Hello alice", "How are you?", "(from my other tab)", "Fine, thanks"]
                for page in (alice, bob, bob_second):
                    expect_shown(page, expected)
            checks.step("bob's second tab: same messages, same order, in step", second_tab, bob, bob_second, alice)

            carol_context = new_context(instance)
            carol = carol_context.new_page()

            def third_user():
                sign_in(carol, url, "carol")
                send(alice, "Only for bob")
                expect_shown(bob, ["Hi bob", "Hello alice", "How are you?", "(from my other tab)", "Fine, thanks", "Only for bob"])
                carol.wait_for_timeout(300)
                expect(carol.locator(".conversation-item")).to_have_count(0)
                expect(carol.locator("#no-conversations")).to_be_visible()
                body = carol.locator("body").inner_text()
                for text in ("Hi bob", "Hello alice", "Only for bob"):
                    assert text not in body, f"carol sees {text!r}"
            checks.step("a third user sees nothing of theirs", third_user, carol)

            def offline_user():
                start_conversation(alice, "dave")
                send(alice, "Dave, read this when you are back")
                dave_context = new_context(instance)
                dave = dave_context.new_page()
                sign_in(dave, url, "dave")
                item = dave.locator('.conversation-item[data-party="alice"]')
                expect(item.locator(".unread")).to_have_text("1")
                open_conversation(dave, "alice")
                expect_shown(dave, ["Dave, read this when you are back"])
                checks.screenshot(dave, "offline-user-dave-signs-in")
                dave_context.close()
                # alice's list: the latest conversation first.
                expect(alice.locator(".conversation-item")).to_have_count(2)
                expect(alice.locator(".conversation-item").first).to_have_attribute("data-party", "dave")
            checks.step("a message to an offline user appears when they sign in", offline_user, alice)

            def restart():
                open_conversation(alice, "bob")
                before_alice = shown(alice)
                before_bob = shown(bob)
                assert server.stop() == 0, "server stopped cleanly"
                expect(alice.locator("#connection")).to_have_attribute("data-state", "reconnecting")
                expect(alice.locator("#connection")).to_contain_text("reconnecting")
                checks.screenshot(alice, "server-down-alice-reconnecting")
                server.start()
                for page in (alice, bob, bob_second):
                    expect(page.locator("#connection")).to_have_attribute("data-state", "connected", timeout=15_000)
                # all_messages after the rejoin adds nothing: no message twice.
                alice.wait_for_timeout(500)
                assert shown(alice) == before_alice, f"alice after restart: {shown(alice)}"
                assert shown(bob) == before_bob, f"bob after restart: {shown(bob)}"
                send(bob, "After the restart")
                expect_shown(alice, before_alice + ["After the restart"])
                expect_shown(bob_second, before_bob + ["After the restart"])
                ids = alice.locator("#messages .message").evaluate_all("items => items.map(item => item.dataset.id)")
                assert len(ids) == len(set(ids)), f"an id shown twice: {ids}"
            checks.step("server restarted under the open pages: reconnects, history intact, nothing twice", restart, alice, bob)

            blocked_context = new_context(instance)
            blocked_sockets = []

            def refuse(web_socket):
                blocked_sockets.append(web_socket.url)
                web_socket.close(code=1008, reason="blocked by the test")
            blocked_context.route_web_socket(re.compile(r".*"), refuse)
            erin = blocked_context.new_page()

            def polling_fallback():
                sign_in(erin, url, "erin")
                expect(erin.locator("#connection")).to_have_text("Connected (long-polling)")
                expect(erin.locator("#send-form")).to_have_attribute("data-via", "send_message")
                start_conversation(erin, "alice")
                send(erin, "Sent over long-polling")
                item = alice.locator('.conversation-item[data-party="erin"]')
                expect(item.locator(".unread")).to_have_text("1")
                open_conversation(alice, "erin")
                send(alice, "Received over long-polling")
                expect_shown(erin, ["Sent over long-polling", "Received over long-polling"])
                assert blocked_sockets, "the page never tried a WebSocket (nothing was blocked)"
                assert erin.locator("#connection").get_attribute("data-transport") == "polling"
            checks.step("WebSocket blocked: the page works over long-polling", polling_fallback, erin, alice)

            phone_context = new_context(instance, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            phone = phone_context.new_page()

            def phone_width():
                sign_in(phone, url, "bob")
                expect(phone.locator(".sidebar")).to_be_visible()
                expect(phone.locator("#conversation")).to_be_hidden()
                checks.screenshot(phone, "phone-conversation-list")
                open_conversation(phone, "alice")
                expect(phone.locator(".sidebar")).to_be_hidden()
                expect(phone.locator("#messages .message").last).to_be_in_viewport()
                width = phone.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, f"the page is {width} px wide at a 390 px viewport"
                checks.screenshot(phone, "phone-conversation")
                phone.get_by_role("button", name="Back to the conversations").click()
                expect(phone.locator(".sidebar")).to_be_visible()
            checks.step("readable at phone width: one pane at a time", phone_width, phone)

            def keyboard_only():
                # Tab from the name field reaches every control, each with a label.
                unlabelled = alice.evaluate("""() => [...document.querySelectorAll('input, textarea, button')]
                    .filter(element => element.offsetParent !== null)
                    .filter(element => !(element.labels?.length || element.getAttribute('aria-label') || element.textContent.trim()))
                    .map(element => element.outerHTML)""")
                assert unlabelled == [], f"controls without a label: {unlabelled}"
                alice.get_by_label("Start a conversation with").focus()
                alice.keyboard.press("Tab")
                alice.keyboard.press("Tab")
                focused = alice.evaluate("document.activeElement.dataset.party")
                assert focused in ("erin", "bob", "dave"), f"Tab did not reach the conversation list: {focused}"
                alice.keyboard.press("Enter")
                expect(alice.locator("#conversation-title")).to_have_text(f"Conversation with {focused}")
                expect(alice.get_by_label("Message", exact=True)).to_be_focused()
            checks.step("keyboard: labelled controls, Tab and Enter open a conversation", keyboard_only, alice)

            token_context = new_context(instance)
            frank = token_context.new_page()

            def token_from_fragment():
                # An unsigned JWT naming frank: the page reads it from the fragment and passes it on;
                # this server has no authentication, so it is accepted (and ignored) here.
                claims = base64.urlsafe_b64encode(json.dumps({"sub": "frank"}).encode()).decode().rstrip("=")
                token = f"eyJhbGciOiJub25lIn0.{claims}."
                frames = []
                posts = []
                frank.on("websocket", lambda socket: socket.on("framesent", lambda frame: frames.append(frame)))
                frank.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
                frank.goto(url + "?send=post#token=" + token)
                expect(frank.get_by_label("Token", exact=False)).to_have_value(token)
                assert "#" not in frank.url, f"the token stays in the address: {frank.url}"
                frank.get_by_role("button", name="Sign in").click()
                expect(frank.locator("#whoami-name")).to_have_text("frank")
                expect(frank.locator("#connection")).to_have_attribute("data-state", "connected")
                start_conversation(frank, "alice")
                send(frank, "Signed in with a token")
                # The CONNECT goes by WebSocket frame or polling POST, whichever carried the session then.
                polled = [packet for request in posts if "/socket.io/" in request.url
                          for packet in (request.post_data or "").split("\x1e")]
                connects = [packet for packet in frames + polled if isinstance(packet, str) and packet.startswith("40")]
                assert connects == [f'40{{"token":"{token}"}}'], f"CONNECT packets: {connects} (of {frames + polled})"
                sends = [request for request in posts if request.url.endswith("/messages")]
                assert sends and sends[-1].headers.get("authorization") == f"Bearer {token}", \
                    f"POST /messages headers: {sends[-1].headers if sends else None}"
                expect(alice.locator('.conversation-item[data-party="frank"]')).to_have_count(1)
            checks.step("a token from the address: CONNECT auth, and Authorization: Bearer on POST /messages", token_from_fragment, frank)

            silent_context = new_context(instance)
            dropped = []

            def drop_send_message(web_socket):
                # A server without EXT-1 as the page sees it: every frame passes both ways except the
                # page's send_message events, which never reach the server and so are never answered.
                server_side = web_socket.connect_to_server()

                def from_page(message):
                    if isinstance(message, str) and re.match(r'^42\d*\["send_message"', message):
                        dropped.append(message)
                    else:
                        server_side.send(message)
                web_socket.on_message(from_page)
            silent_context.route_web_socket(re.compile(r".*"), drop_send_message)
            grace = silent_context.new_page()

            def unanswered_send_message():
                posts = []
                grace.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
                sign_in(grace, url + "?transports=websocket", "grace")
                expect(grace.locator("#connection")).to_have_text("Connected (WebSocket)")
                # The probe went out and was swallowed; the page waits for it (PROBE_TIMEOUT_MS, 3 s).
                for _ in range(30):
                    if dropped:
                        break
                    grace.wait_for_timeout(100)
                assert len(dropped) == 1, f"send_message frames the page sent: {dropped}"
                grace.wait_for_timeout(3_500)
                expect(grace.locator("#send-form")).to_have_attribute("data-via", "post")
                start_conversation(grace, "alice")
                send(grace, "Sent by POST: send_message went unanswered")
                assert len(dropped) == 1, f"the page tried send_message again: {dropped}"
                assert any(post.endswith("/messages") for post in posts), f"no POST /messages: {posts}"
                expect(alice.locator('.conversation-item[data-party="grace"] .preview')).to_have_text(
                    "Sent by POST: send_message went unanswered")
            checks.step("send_message never answered: the page sends by POST /messages", unanswered_send_message, grace, alice)

            for context in (alice_context, bob_context, carol_context, blocked_context, phone_context, token_context, silent_context):
                context.close()
    finally:
        if server.process and server.process.poll() is None:
            server.stop()
    checks.finish()


if __name__ == "__main__":
    main(sys.argv[1])
