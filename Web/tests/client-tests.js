// Unit tests of Web/socketio-client.js and Web/conversations.js, run in a browser by
// Tests/Browser/client_unit_tests.py. The transport tests drive the client against a scripted
// Engine.IO server (fake fetch and WebSocket); with ?server=URL the last tests talk to a real one.
import {
  Backoff, EngineIOClient, SocketIOClient, decodeEngineIOPacket, decodePayload, decodeSocketIOPacket,
  encodePayload, encodeSocketIOPacket, engineIOURL,
} from "../socketio-client.js";
import { ConversationStore, messageKey } from "../conversations.js";
import { assert, assertEqual, assertThrows, run, test, waitFor } from "./test-harness.js";

// Codecs

test("Engine.IO packets: type and data", () => {
  assertEqual(decodeEngineIOPacket("4hello"), { type: "4", data: "hello" });
  assertEqual(decodeEngineIOPacket("2probe"), { type: "2", data: "probe" });
  assertEqual(decodeEngineIOPacket("6"), { type: "6", data: "" });
  assertThrows(() => decodeEngineIOPacket(""), "empty packet");
  assertThrows(() => decodeEngineIOPacket("9x"), "unknown type");
});

test("polling payloads are split on the record separator only", () => {
  const body = encodePayload(["42[\"a\",\"x,y\\u001e\"]", "2", "6"]);
  assertEqual(body, "42[\"a\",\"x,y\\u001e\"]\x1e2\x1e6");
  assertEqual(decodePayload(body).map((packet) => packet.type), ["4", "2", "6"]);
  assertEqual(decodePayload(""), []);
});

test("Socket.IO packets: connect with auth, events with ack ids, namespaces", () => {
  assertEqual(encodeSocketIOPacket({ type: 0 }), "0");
  assertEqual(encodeSocketIOPacket({ type: 0, data: { token: "t" } }), "0{\"token\":\"t\"}");
  assertEqual(encodeSocketIOPacket({ type: 2, id: 12, data: ["join", "alice"] }), "212[\"join\",\"alice\"]");
  assertEqual(encodeSocketIOPacket({ type: 2, namespace: "/admin", data: ["x"] }), "2/admin,[\"x\"]");
  assertEqual(decodeSocketIOPacket("0{\"sid\":\"abc\"}"), { type: 0, namespace: "/", id: undefined, data: { sid: "abc" } });
  assertEqual(decodeSocketIOPacket("37[{\"status\":\"success\"}]").id, 7);
  assertEqual(decodeSocketIOPacket("2/chat,5[\"e\",1]"), { type: 2, namespace: "/chat", id: 5, data: ["e", 1] });
  assertEqual(decodeSocketIOPacket("4{\"message\":\"no\"}").data.message, "no");
  assertEqual(decodeSocketIOPacket("1").type, 1);
  for (const bad of ["", "9", "2{\"a\":1}", "2[]", "2[1]", "3", "2[\"x\"", "51-[\"b\",{\"_placeholder\":true,\"num\":0}]"]) {
    assertThrows(() => decodeSocketIOPacket(bad), `malformed ${JSON.stringify(bad)} must throw`);
  }
});

test("Engine.IO URLs: polling over http, WebSocket over ws, query kept", () => {
  assertEqual(engineIOURL("http://h:1/", "/socket.io/", { EIO: "4", transport: "polling" }), "http://h:1/socket.io/?EIO=4&transport=polling");
  assertEqual(engineIOURL("https://h/", "/socket.io/", { sid: "a b" }, { webSocket: true }), "wss://h/socket.io/?sid=a+b");
});

// Backoff

test("backoff doubles from min to max, jitter within bounds, reset starts over", () => {
  const even = new Backoff({ min: 500, max: 5000, jitter: 0.5, random: () => 0.5 });
  assertEqual([1, 2, 3, 4, 5, 6].map(() => even.next()), [500, 1000, 2000, 4000, 5000, 5000]);
  even.reset();
  assertEqual(even.next(), 500);
  const low = new Backoff({ min: 500, max: 5000, jitter: 0.5, random: () => 0 });
  assertEqual([low.next(), low.next()], [250, 500]);
  const high = new Backoff({ min: 500, max: 5000, jitter: 0.5, random: () => 0.999999 });
  assertEqual([high.next(), high.next(), high.next(), high.next()], [750, 1500, 3000, 5000]);
  for (let index = 0; index < 50; index += 1) {
    const delay = new Backoff().next();
    assert(delay >= 250 && delay <= 750, `first delay ${delay} outside 250..750`);
  }
});

// The conversation model

test("conversations keep each message once, whichever way it arrives", () => {
  const store = new ConversationStore("bob");
  const first = { sender: "alice", content: "hi", timestamp: "2026-01-01T00:00:00.000Z", id: 1 };
  const second = { sender: "bob", content: "hello", timestamp: "2026-01-01T00:00:01.000Z", id: 2 };
  assertEqual(store.mergeAll({ alice: [first] }), 1);
  assert(!store.receive({ ...first }), "new_message repeating all_messages is a duplicate");
  assert(store.sent("alice", "hello", { id: 2, timestamp: second.timestamp }));
  assertEqual(store.mergeAll({ alice: [first, second] }), 0, "a rejoin's all_messages adds nothing");
  assertEqual(store.conversation("alice").messages.map((message) => message.id), [1, 2]);
  // Without ids, sender + timestamp + content identify a message.
  const anonymous = { sender: "carol", content: "x", timestamp: "2026-01-01T00:00:02.000Z" };
  assert(store.receive(anonymous));
  assert(!store.receive({ ...anonymous }));
  assertEqual(messageKey(anonymous), "t:carol\u00002026-01-01T00:00:02.000Z\u0000x");
});

test("messages sort by id even when they arrive out of order", () => {
  const store = new ConversationStore("bob");
  for (const id of [3, 1, 2]) store.receive({ sender: "alice", content: `m${id}`, timestamp: `t${id}`, id });
  assertEqual(store.conversation("alice").messages.map((message) => message.content), ["m1", "m2", "m3"]);
});

test("conversation list: latest first, new empty ones on top; unread counts and read marks", () => {
  const store = new ConversationStore("bob");
  store.mergeAll({
    alice: [{ sender: "alice", content: "a1", timestamp: "t1", id: 1 }, { sender: "alice", content: "a2", timestamp: "t3", id: 3 }],
    carol: [{ sender: "carol", content: "c1", timestamp: "t2", id: 2 }],
    bob: [{ sender: "bob", content: "note", timestamp: "t0", id: 0 }],
  });
  assertEqual(store.ordered().map((conversation) => conversation.party), ["alice", "carol", "bob"]);
  store.receive({ sender: "carol", content: "c2", timestamp: "t4", id: 4 });
  assertEqual(store.ordered()[0].party, "carol");
  store.conversation("dave");
  assertEqual(store.ordered()[0].party, "dave");
  assertEqual([store.unreadCount("alice"), store.unreadCount("carol"), store.unreadCount("bob")], [2, 2, 0]);
  assertEqual(store.markRead("alice"), "id:3");
  assertEqual(store.unreadCount("alice"), 0);
  assertEqual(store.markRead("alice"), null, "nothing new to mark");
  store.sent("alice", "reply", { id: 5, timestamp: "t5" });
  assertEqual(store.unreadCount("alice"), 0, "my own messages are never unread");
  store.receive({ sender: "alice", content: "a3", timestamp: "t6", id: 6 });
  assertEqual(store.unreadCount("alice"), 1);
  const restored = new ConversationStore("bob", { ...store.readMarks });
  restored.mergeAll({ alice: store.conversation("alice").messages });
  assertEqual(restored.unreadCount("alice"), 1, "read marks survive a reload");
});

// A scripted Engine.IO server: fetch and WebSocket doubles.

class ScriptedServer {
  constructor({ upgrades = ["websocket"], pingInterval = 25000, pingTimeout = 20000 } = {}) {
    this.handshake = { sid: "S1", upgrades, pingInterval, pingTimeout, maxPayload: 1000000 };
    this.posts = [];
    this.requests = [];
    this.outbox = [];
    this.heldPoll = null;
    this.sockets = [];
    this.refuseHandshakes = 0;
    const server = this;
    this.fetch = (url, init = {}) => server.handle(new URL(url), init);
    this.WebSocket = class {
      constructor(url) {
        this.url = url;
        this.sent = [];
        this.readyState = 0;
        server.sockets.push(this);
      }
      send(text) { this.sent.push(text); }
      close() { this.readyState = 3; }
      open() { this.readyState = 1; this.onopen?.(); }
      receive(text) { this.onmessage?.({ data: text }); }
      drop() { this.readyState = 3; this.onclose?.({}); }
    };
  }

  static response(body, status = 200) {
    return { ok: status >= 200 && status < 300, status, text: async () => body };
  }

  async handle(url, init) {
    this.requests.push({ method: init.method ?? "GET", url: url.toString() });
    const sid = url.searchParams.get("sid");
    if ((init.method ?? "GET") === "POST") {
      this.posts.push(...decodePayload(init.body).map((packet) => packet.type + packet.data));
      if (this.holdPosts) return new Promise((resolve) => { this.heldPost = () => resolve(ScriptedServer.response("ok")); });
      return ScriptedServer.response("ok");
    }
    if (!sid) {
      if (this.refuseHandshakes > 0) {
        this.refuseHandshakes -= 1;
        throw new TypeError("Failed to fetch");
      }
      return ScriptedServer.response("0" + JSON.stringify(this.handshake));
    }
    if (this.outbox.length > 0) return ScriptedServer.response(encodePayload(this.outbox.splice(0)));
    return new Promise((resolve) => { this.heldPoll = resolve; });
  }

  /** Sends packets to the polling client: answers the held GET, or queues for the next. */
  push(...packets) {
    this.outbox.push(...packets);
    if (this.heldPoll) {
      const resolve = this.heldPoll;
      this.heldPoll = null;
      resolve(ScriptedServer.response(encodePayload(this.outbox.splice(0))));
    }
  }
}

test("polling: handshake, messages in, messages out in one POST", async () => {
  const server = new ScriptedServer({ upgrades: [] });
  const client = new EngineIOClient("http://fake.test/", { fetch: server.fetch, WebSocket: server.WebSocket });
  const received = [];
  client.on("message", (text) => received.push(text));
  client.open();
  await waitFor(() => client.readyState === "open" && server.heldPoll, 1000, "open and polling");
  assertEqual(client.sid, "S1");
  assertEqual(server.sockets.length, 0, "no upgrade offered, none tried");
  server.push("42[\"a\"]", "42[\"b\"]");
  await waitFor(() => received.length === 2, 1000, "two messages");
  assertEqual(received, ["2[\"a\"]", "2[\"b\"]"]);
  client.send("2[\"x\"]");
  client.send("2[\"y\"]");
  await waitFor(() => server.posts.length === 2, 1000, "posts");
  assertEqual(server.posts, ["42[\"x\"]", "42[\"y\"]"]);
  assert(server.requests.every((request) => !request.url.includes("transport=websocket")));
  client.close();
});

test("heartbeat: a ping is answered with a pong; silence past pingInterval + pingTimeout closes", async () => {
  const server = new ScriptedServer({ upgrades: [], pingInterval: 60, pingTimeout: 60 });
  const client = new EngineIOClient("http://fake.test/", { fetch: server.fetch });
  let closeReason = null;
  client.on("close", (reason) => { closeReason = reason; });
  client.open();
  await waitFor(() => server.heldPoll, 1000, "polling");
  server.push("2");
  await waitFor(() => server.posts.includes("3"), 1000, "pong");
  const started = performance.now();
  await waitFor(() => closeReason !== null, 1000, "ping timeout");
  assertEqual(closeReason, "ping timeout");
  assert(performance.now() - started >= 100, "closed only after pingInterval + pingTimeout");
});

test("upgrade: probe, pause polling until the held GET ends, then 5 and WebSocket", async () => {
  const server = new ScriptedServer();
  const client = new EngineIOClient("http://fake.test/", { fetch: server.fetch, WebSocket: server.WebSocket });
  const upgrades = [];
  const received = [];
  client.on("upgrade", (name) => upgrades.push(name));
  client.on("message", (text) => received.push(text));
  client.open();
  await waitFor(() => server.sockets.length === 1 && server.heldPoll, 1000, "probe socket");
  const socket = server.sockets[0];
  assert(socket.url.startsWith("ws://fake.test/socket.io/?EIO=4&transport=websocket&sid=S1"), socket.url);
  socket.open();
  assertEqual(socket.sent, ["2probe"]);
  socket.receive("3probe");
  client.send("2[\"queued\"]");  // while paused: must go over the WebSocket after the switch
  assertEqual(socket.sent, ["2probe"], "no switch while the GET is held");
  server.push("6");
  await waitFor(() => upgrades.length === 1, 1000, "upgrade");
  assertEqual(socket.sent, ["2probe", "5", "42[\"queued\"]"]);
  assertEqual(client.transport, "websocket");
  assertEqual(server.posts, [], "nothing went by POST");
  socket.receive("42[\"over ws\"]");
  socket.receive("2");
  assertEqual(received, ["2[\"over ws\"]"]);
  assertEqual(socket.sent[socket.sent.length - 1], "3", "pong over the WebSocket");
  const pollsBefore = server.requests.length;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assertEqual(server.requests.length, pollsBefore, "no more polling after the upgrade");
  client.close();
});

test("upgrade: a refused WebSocket leaves the session on polling", async () => {
  const server = new ScriptedServer();
  const client = new EngineIOClient("http://fake.test/", { fetch: server.fetch, WebSocket: server.WebSocket });
  const received = [];
  client.on("message", (text) => received.push(text));
  client.open();
  await waitFor(() => server.sockets.length === 1, 1000, "probe socket");
  server.sockets[0].drop();
  server.push("42[\"still polling\"]");
  await waitFor(() => received.length === 1, 1000, "message over polling");
  client.send("2[\"out\"]");
  await waitFor(() => server.posts.length === 1, 1000, "post");
  assertEqual(client.transport, "polling");
  assertEqual(client.readyState, "open");
  client.close();
});

test("upgrade: a probe failing after the pause resumes polling and the queued writes", async () => {
  const server = new ScriptedServer();
  const client = new EngineIOClient("http://fake.test/", { fetch: server.fetch, WebSocket: server.WebSocket });
  const received = [];
  client.on("message", (text) => received.push(text));
  client.open();
  await waitFor(() => server.sockets.length === 1 && server.heldPoll, 1000, "probe socket");
  server.holdPosts = true;
  client.send("2[\"in flight\"]");
  await waitFor(() => server.heldPost, 1000, "held POST");
  const socket = server.sockets[0];
  socket.open();
  socket.receive("3probe");
  server.push("6");  // the held GET ends; the POST still holds the switch back
  await new Promise((resolve) => setTimeout(resolve, 20));
  client.send("2[\"queued\"]");
  socket.drop();  // the probe fails while polling is paused
  server.holdPosts = false;
  server.heldPost();
  await waitFor(() => server.posts.includes("42[\"queued\"]"), 1000, "queued write sent by POST");
  server.push("42[\"polling again\"]");
  await waitFor(() => received.includes("2[\"polling again\"]"), 1000, "polling resumed");
  assertEqual(client.transport, "polling");
  assertEqual(socket.sent, ["2probe"], "no 5 on the failed probe");
  client.close();
});

test("WebSocket only: the open packet comes as the first frame", async () => {
  const server = new ScriptedServer();
  const client = new EngineIOClient("http://fake.test/", { transports: ["websocket"], fetch: server.fetch, WebSocket: server.WebSocket });
  let opened = false;
  client.on("open", () => { opened = true; });
  client.open();
  assertEqual(server.sockets.length, 1);
  assert(!server.sockets[0].url.includes("sid="), "a new session has no sid");
  assertEqual(server.requests, [], "no polling request");
  server.sockets[0].open();
  server.sockets[0].receive("0" + JSON.stringify({ ...server.handshake, upgrades: [] }));
  assert(opened);
  client.send("2[\"x\"]");
  assertEqual(server.sockets[0].sent, ["42[\"x\"]"]);
  client.close();
  assertEqual(server.sockets[0].sent[1], "1", "close packet sent");
});

test("Socket.IO: CONNECT with auth, events and acks, reconnection with backoff after a drop", async () => {
  const server = new ScriptedServer({ upgrades: [] });
  const client = new SocketIOClient("http://fake.test/", {
    fetch: server.fetch, auth: { token: "T" }, reconnectionDelay: 20, reconnectionDelayMax: 40, random: () => 0.5,
  });
  const events = [];
  const delays = [];
  client.on("connect", () => events.push("connect"));
  client.on("disconnect", (reason) => events.push(`disconnect:${reason}`));
  client.on("reconnect_scheduled", (delay) => delays.push(delay));
  client.on("all_messages", (all) => events.push(`all:${Object.keys(all).join()}`));
  client.connect();
  await waitFor(() => server.posts.length === 1, 1000, "CONNECT");
  assertEqual(server.posts, ["40{\"token\":\"T\"}"]);
  server.push("40{\"sid\":\"X\"}");
  await waitFor(() => client.connected, 1000, "connected");
  let acked = null;
  client.emit("send_message", { receiver: "b", content: "c" }, (answer) => { acked = answer; });
  await waitFor(() => server.posts.length === 2, 1000, "event");
  assertEqual(server.posts[1], "420[\"send_message\",{\"receiver\":\"b\",\"content\":\"c\"}]");
  server.push("430[{\"status\":\"success\"}]", "42[\"all_messages\",{\"alice\":[]}]");
  await waitFor(() => acked !== null && events.includes("all:alice"), 1000, "ack and event");
  assertEqual(acked, { status: "success" });

  // The server goes away: the held poll fails, two handshakes are refused, the third works.
  server.refuseHandshakes = 2;
  const resolve = server.heldPoll;
  server.heldPoll = null;
  resolve(ScriptedServer.response("{\"code\":1,\"message\":\"Session ID unknown\"}", 400));
  await waitFor(() => server.posts.length === 3, 2000, "CONNECT after reconnection");
  assertEqual(delays, [20, 40, 40], "backoff: 20, 40, then capped at 40");
  assertEqual(client.state, "reconnecting", "still reconnecting until the CONNECT is answered");
  server.push("40{\"sid\":\"Y\"}");
  await waitFor(() => client.connected, 1000, "reconnected");
  assertEqual(events.filter((event) => event === "connect").length, 2);
  assert(events.some((event) => event.startsWith("disconnect:transport error")), events.join());
  // A new drop starts the backoff from its minimum again.
  server.refuseHandshakes = 1;
  server.heldPoll(ScriptedServer.response("", 400));
  server.heldPoll = null;
  await waitFor(() => delays.length === 5, 2000, "two more delays");
  assertEqual(delays.slice(3), [20, 40]);
  client.disconnect();
  assertEqual(client.state, "disconnected");
});

test("Socket.IO: a CONNECT refused by the server (4) is reported and not retried", async () => {
  const server = new ScriptedServer({ upgrades: [] });
  const client = new SocketIOClient("http://fake.test/", { fetch: server.fetch, reconnectionDelay: 10 });
  let refusal = null;
  client.on("connect_error", (error) => { refusal = error; });
  client.connect();
  await waitFor(() => server.posts.length === 1, 1000, "CONNECT");
  server.push("44{\"message\":\"invalid token\"}");
  await waitFor(() => refusal !== null, 1000, "connect_error");
  assertEqual(refusal.message, "invalid token");
  await new Promise((resolve) => setTimeout(resolve, 60));
  assertEqual(client.state, "disconnected");
  assertEqual(server.requests.filter((request) => !request.url.includes("sid=")).length, 1, "no new handshake");
});

// Against a real server (?server=URL): the reference server, from this page's other origin.

const serverURL = new URLSearchParams(location.search).get("server");

async function liveCheck(transports, upgrade = true) {
  const user = `live-${transports.join("-")}-${Math.random().toString(36).slice(2, 8)}`;
  const client = new SocketIOClient(serverURL, { transports, upgrade, reconnection: false });
  const live = [];
  let history = null;
  client.on("connect", () => client.emit("join", user));
  client.on("all_messages", (all) => { history = all; });
  client.on("new_message", (message) => live.push(message));
  client.connect();
  await waitFor(() => history !== null, 5000, `all_messages over ${transports}`);
  assertEqual(history, {});
  if (transports.length === 2 && upgrade) await waitFor(() => client.transport === "websocket", 5000, "upgrade to WebSocket");
  const response = await fetch(new URL("/messages", serverURL), {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sender: "tester", receiver: user, content: "hello ✓" }),
  });
  assertEqual(response.status, 201);
  const answer = await response.json();
  await waitFor(() => live.length === 1, 5000, "new_message");
  assertEqual(live[0], { sender: "tester", content: "hello ✓", timestamp: answer.timestamp, id: answer.id });
  const transport = client.transport;
  client.disconnect();
  return transport;
}

if (serverURL) {
  test("live server: polling then upgrade to WebSocket; join, all_messages, new_message", async () => {
    assertEqual(await liveCheck(["polling", "websocket"]), "websocket");
  });
  test("live server: WebSocket only", async () => {
    assertEqual(await liveCheck(["websocket"]), "websocket");
  });
  test("live server: polling only", async () => {
    assertEqual(await liveCheck(["polling"]), "polling");
  });
}

run();
