// A small Socket.IO v5 / Engine.IO v4 client: HTTP long-polling, WebSocket, the upgrade from one to
// the other, heartbeats and reconnection with backoff. Text packets only (the messenger sends no
// binary). Written from Spec/SPEC.md §1 and the Engine.IO v4 / Socket.IO v5 protocol documents; no
// dependency. Tested in a browser by Web/tests/client-tests.html.

/** Engine.IO v4 packet types (the digit that starts a packet). */
export const EngineIOPacketType = Object.freeze({
  open: "0", close: "1", ping: "2", pong: "3", message: "4", upgrade: "5", noop: "6",
});

/** Socket.IO v5 packet types. */
export const SocketIOPacketType = Object.freeze({
  connect: 0, disconnect: 1, event: 2, ack: 3, connectError: 4, binaryEvent: 5, binaryAck: 6,
});

/** The record separator between packets of a polling payload (Engine.IO v4). */
export const PAYLOAD_SEPARATOR = "\x1e";

/** Splits one Engine.IO text packet into {type, data}; throws on an unknown type. */
export function decodeEngineIOPacket(text) {
  if (typeof text !== "string" || text.length === 0) throw new Error("empty Engine.IO packet");
  const type = text[0];
  if (!Object.values(EngineIOPacketType).includes(type)) throw new Error(`unknown Engine.IO packet type ${JSON.stringify(type)}`);
  return { type, data: text.slice(1) };
}

export function encodeEngineIOPacket(type, data = "") {
  return type + data;
}

/** A polling body: packets joined by the record separator. */
export function encodePayload(packets) {
  return packets.join(PAYLOAD_SEPARATOR);
}

export function decodePayload(body) {
  if (body === "") return [];
  return body.split(PAYLOAD_SEPARATOR).map(decodeEngineIOPacket);
}

/** Encodes a Socket.IO packet for the main namespace "/" (or another): type, namespace, ack id, data. */
export function encodeSocketIOPacket({ type, namespace = "/", id, data }) {
  let text = String(type);
  if (namespace !== "/") text += namespace + ",";
  if (id !== undefined) text += String(id);
  if (data !== undefined) text += JSON.stringify(data);
  return text;
}

/** Decodes a Socket.IO text packet; throws on a malformed one. */
export function decodeSocketIOPacket(text) {
  let index = 0;
  const type = Number(text[index++]);
  if (!(type >= 0 && type <= 6) || text.length === 0) throw new Error(`unknown Socket.IO packet type in ${JSON.stringify(text)}`);
  if (type === SocketIOPacketType.binaryEvent || type === SocketIOPacketType.binaryAck) {
    throw new Error("binary Socket.IO packets are not supported");
  }
  let namespace = "/";
  if (text[index] === "/") {
    const comma = text.indexOf(",", index);
    namespace = comma === -1 ? text.slice(index) : text.slice(index, comma);
    index = comma === -1 ? text.length : comma + 1;
  }
  let id;
  const digits = /^[0-9]+/.exec(text.slice(index));
  if (digits) {
    id = Number(digits[0]);
    index += digits[0].length;
  }
  let data;
  if (index < text.length) data = JSON.parse(text.slice(index));
  if ((type === SocketIOPacketType.event || type === SocketIOPacketType.ack) && !Array.isArray(data)) {
    throw new Error(`Socket.IO ${type === 2 ? "event" : "ack"} without an array: ${JSON.stringify(text)}`);
  }
  if (type === SocketIOPacketType.event && (data.length === 0 || typeof data[0] !== "string")) {
    throw new Error(`Socket.IO event without a name: ${JSON.stringify(text)}`);
  }
  return { type, namespace, id, data };
}

/**
 * Exponential backoff with jitter: attempt n waits min × 2^n, moved by up to ±jitter of itself,
 * never more than max. `random` is injectable for tests.
 */
export class Backoff {
  constructor({ min = 500, max = 5000, jitter = 0.5, random = Math.random } = {}) {
    Object.assign(this, { min, max, jitter, random });
    this.attempts = 0;
  }

  next() {
    const base = Math.min(this.max, this.min * 2 ** this.attempts);
    this.attempts += 1;
    const deviation = base * this.jitter * (2 * this.random() - 1);
    return Math.max(0, Math.min(this.max, Math.round(base + deviation)));
  }

  reset() {
    this.attempts = 0;
  }
}

/** A tiny event emitter: on(name, handler) returns a function that removes the handler. */
class Emitter {
  constructor() {
    this.handlers = new Map();
  }

  on(name, handler) {
    if (!this.handlers.has(name)) this.handlers.set(name, new Set());
    this.handlers.get(name).add(handler);
    return () => this.handlers.get(name)?.delete(handler);
  }

  emitLocal(name, ...args) {
    for (const handler of [...(this.handlers.get(name) ?? [])]) {
      try {
        handler(...args);
      } catch (error) {
        console.error(`handler for ${name} failed`, error);
      }
    }
  }
}

/** The Engine.IO endpoint URL for this server URL and these query parameters. */
export function engineIOURL(serverURL, path, query, { webSocket = false } = {}) {
  const url = new URL(path, serverURL);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  if (webSocket) url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/**
 * One Engine.IO v4 session. Events: "open" (handshake), "message" (text), "upgrade" (transport
 * name), "close" (reason). Transports: ["polling", "websocket"] by default: a polling handshake,
 * then an upgrade to WebSocket when the server offers it; WebSocket blocked or failing leaves the
 * session on polling.
 */
export class EngineIOClient extends Emitter {
  constructor(serverURL, options = {}) {
    super();
    this.serverURL = serverURL;
    this.path = options.path ?? "/socket.io/";
    this.transports = options.transports ?? ["polling", "websocket"];
    this.upgrade = options.upgrade ?? true;
    this.upgradeTimeout = options.upgradeTimeout ?? 10000;
    this.WebSocketImpl = options.WebSocket ?? globalThis.WebSocket;
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.headers = options.headers ?? {};
    this.readyState = "closed";
    this.transport = null;
    this.sid = null;
    this.writeQueue = [];
    this.isPosting = false;
    this.isPolling = false;
    this.isPollingPaused = false;
    this.pingTimer = null;
    this.webSocket = null;
    this.probe = null;
  }

  open() {
    if (this.readyState !== "closed") return;
    this.readyState = "opening";
    if (this.transports[0] === "websocket") {
      this.openWebSocket();
    } else {
      this.openPolling();
    }
  }

  /** Queues a Socket.IO text for the server. */
  send(text) {
    this.sendPacket(EngineIOPacketType.message, text);
  }

  close() {
    if (this.readyState === "closed") return;
    if (this.readyState === "open") this.sendPacket(EngineIOPacketType.close);
    this.finish("forced close");
  }

  // Polling

  pollingURL() {
    const query = { EIO: "4", transport: "polling", t: Math.random().toString(36).slice(2, 10) };
    if (this.sid) query.sid = this.sid;
    return engineIOURL(this.serverURL, this.path, query);
  }

  async openPolling() {
    this.transport = "polling";
    try {
      const response = await this.fetchImpl(this.pollingURL(), { cache: "no-store", headers: this.headers });
      if (!response.ok) throw new Error(`handshake answered ${response.status}`);
      const packets = decodePayload(await response.text());
      if (this.readyState !== "opening") return;
      for (const packet of packets) this.handlePacket(packet);
      if (this.readyState !== "open") throw new Error("handshake without an open packet");
    } catch (error) {
      this.finish("transport error", error);
      return;
    }
    this.poll();
    this.maybeUpgrade();
  }

  async poll() {
    while (this.readyState === "open" && this.transport === "polling" && !this.isPollingPaused) {
      this.isPolling = true;
      let packets;
      try {
        const response = await this.fetchImpl(this.pollingURL(), { cache: "no-store", headers: this.headers });
        if (!response.ok) throw new Error(`poll answered ${response.status}`);
        packets = decodePayload(await response.text());
      } catch (error) {
        this.isPolling = false;
        this.finish("transport error", error);
        return;
      }
      this.isPolling = false;
      for (const packet of packets) this.handlePacket(packet);
      this.checkPaused();
    }
  }

  async flushPolling() {
    if (this.isPosting || this.writeQueue.length === 0 || this.readyState === "closed") return;
    const packets = this.writeQueue.splice(0);
    this.isPosting = true;
    try {
      const response = await this.fetchImpl(this.pollingURL(), {
        method: "POST", body: encodePayload(packets), cache: "no-store",
        headers: { "Content-Type": "text/plain;charset=UTF-8", ...this.headers },
      });
      if (!response.ok) throw new Error(`post answered ${response.status}`);
    } catch (error) {
      this.isPosting = false;
      this.finish("transport error", error);
      return;
    }
    this.isPosting = false;
    this.checkPaused();
    if (this.transport === "polling" && !this.isPollingPaused) this.flushPolling();
  }

  // WebSocket

  webSocketURL() {
    const query = { EIO: "4", transport: "websocket" };
    if (this.sid) query.sid = this.sid;
    return engineIOURL(this.serverURL, this.path, query, { webSocket: true });
  }

  /** A WebSocket-only session: the open packet arrives as the first frame. */
  openWebSocket() {
    this.transport = "websocket";
    let socket;
    try {
      socket = new this.WebSocketImpl(this.webSocketURL());
    } catch (error) {
      this.finish("transport error", error);
      return;
    }
    this.webSocket = socket;
    this.bindWebSocket(socket);
  }

  bindWebSocket(socket) {
    socket.onmessage = (event) => {
      if (socket !== this.webSocket) return;
      let packet;
      try {
        packet = decodeEngineIOPacket(String(event.data));
      } catch (error) {
        this.finish("parse error", error);
        return;
      }
      this.handlePacket(packet);
    };
    socket.onclose = () => {
      if (socket === this.webSocket) this.finish("transport close");
    };
    socket.onerror = () => {
      if (socket === this.webSocket) this.finish("transport error");
    };
  }

  /** Probes a WebSocket for the polling session; switches to it when the probe is answered. */
  maybeUpgrade() {
    if (!this.upgrade || !this.transports.includes("websocket") || !this.upgrades.includes("websocket")) return;
    let socket;
    try {
      socket = new this.WebSocketImpl(this.webSocketURL());
    } catch {
      return;  // WebSocket unavailable: stay on polling.
    }
    const probe = { socket, timer: null };
    this.probe = probe;
    const fail = () => {
      if (this.probe !== probe) return;
      this.probe = null;
      clearTimeout(probe.timer);
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try { socket.close(); } catch { /* already closed */ }
      this.isPollingPaused = false;
      if (this.readyState === "open" && this.transport === "polling") {
        if (!this.isPolling) this.poll();
        this.flushPolling();
      }
    };
    probe.timer = setTimeout(fail, this.upgradeTimeout);
    socket.onopen = () => socket.send(encodeEngineIOPacket(EngineIOPacketType.ping, "probe"));
    socket.onerror = fail;
    socket.onclose = fail;
    socket.onmessage = (event) => {
      if (String(event.data) !== "3probe" || this.readyState !== "open") {
        fail();
        return;
      }
      // Pause polling: wait for the held GET (the server ends it with a noop) and any POST.
      this.isPollingPaused = true;
      probe.isAnswered = true;
      this.checkPaused();
    };
  }

  /** Finishes the upgrade once polling is paused and nothing is in flight. */
  checkPaused() {
    const probe = this.probe;
    if (!probe?.isAnswered || this.isPolling || this.isPosting) return;
    this.probe = null;
    clearTimeout(probe.timer);
    this.webSocket = probe.socket;
    this.transport = "websocket";
    this.bindWebSocket(probe.socket);
    probe.socket.send(EngineIOPacketType.upgrade);
    const queued = this.writeQueue.splice(0);
    for (const packet of queued) probe.socket.send(packet);
    this.emitLocal("upgrade", "websocket");
  }

  // Packets

  sendPacket(type, data = "") {
    if (this.readyState === "closed") return;
    const packet = encodeEngineIOPacket(type, data);
    if (this.transport === "websocket" && this.webSocket?.readyState === 1) {
      this.webSocket.send(packet);
    } else {
      this.writeQueue.push(packet);
      if (this.transport === "polling" && !this.isPollingPaused && this.readyState === "open") this.flushPolling();
    }
  }

  handlePacket({ type, data }) {
    switch (type) {
      case EngineIOPacketType.open: {
        if (this.readyState !== "opening") return;
        const handshake = JSON.parse(data);
        this.sid = handshake.sid;
        this.upgrades = handshake.upgrades ?? [];
        this.pingInterval = handshake.pingInterval;
        this.pingTimeout = handshake.pingTimeout;
        this.readyState = "open";
        this.resetPingTimer();
        this.emitLocal("open", handshake);
        if (this.transport === "polling") this.flushPolling();
        break;
      }
      case EngineIOPacketType.ping:
        this.resetPingTimer();
        this.sendPacket(EngineIOPacketType.pong, data);
        break;
      case EngineIOPacketType.message:
        this.emitLocal("message", data);
        break;
      case EngineIOPacketType.close:
        this.finish("transport close");
        break;
      default:
        break;  // pong, noop, upgrade: nothing to do on the client side.
    }
  }

  /** The server pings every pingInterval; silence for pingInterval + pingTimeout means it is gone. */
  resetPingTimer() {
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => this.finish("ping timeout"), this.pingInterval + this.pingTimeout);
  }

  finish(reason, error) {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    clearTimeout(this.pingTimer);
    if (this.probe) {
      clearTimeout(this.probe.timer);
      try { this.probe.socket.close(); } catch { /* already closed */ }
      this.probe = null;
    }
    if (this.webSocket) {
      const socket = this.webSocket;
      this.webSocket = null;
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try { socket.close(); } catch { /* already closed */ }
    }
    this.writeQueue = [];
    this.emitLocal("close", reason, error);
  }
}

/**
 * A Socket.IO v5 client on the main namespace with reconnection. Events: "connect", "disconnect"
 * (reason), "connect_error" (error), "state" (state name), "reconnect_scheduled" (delay ms),
 * "transport" (name), and every event the server emits. States: "connecting", "connected",
 * "reconnecting", "disconnected".
 */
export class SocketIOClient extends Emitter {
  constructor(serverURL, options = {}) {
    super();
    this.serverURL = serverURL;
    this.options = options;
    this.auth = options.auth;
    this.reconnection = options.reconnection ?? true;
    this.backoff = new Backoff({
      min: options.reconnectionDelay ?? 500, max: options.reconnectionDelayMax ?? 5000,
      jitter: options.randomizationFactor ?? 0.5, random: options.random,
    });
    this.state = "disconnected";
    this.engine = null;
    this.id = null;
    this.nextAckID = 0;
    this.acks = new Map();
    this.reconnectTimer = null;
  }

  get connected() {
    return this.state === "connected";
  }

  /** The transport carrying the session now ("polling" or "websocket"), or null. */
  get transport() {
    return this.engine?.readyState === "open" ? this.engine.transport : null;
  }

  connect() {
    if (this.state === "connecting" || this.state === "connected") return this;
    clearTimeout(this.reconnectTimer);
    this.isClosedByUser = false;
    this.setState(this.state === "reconnecting" ? "reconnecting" : "connecting");
    const engine = new EngineIOClient(this.serverURL, this.options);
    this.engine = engine;
    engine.on("open", () => {
      const data = this.auth === undefined ? undefined : (typeof this.auth === "function" ? this.auth() : this.auth);
      engine.send(encodeSocketIOPacket({ type: SocketIOPacketType.connect, data }));
      this.emitLocal("transport", engine.transport);
    });
    engine.on("upgrade", (name) => this.emitLocal("transport", name));
    engine.on("message", (text) => this.handleText(text));
    engine.on("close", (reason) => {
      if (engine !== this.engine) return;
      this.handleEngineClose(reason);
    });
    engine.open();
    return this;
  }

  /** Emits an event; a function as last argument receives the server's acknowledgement. */
  emit(event, ...args) {
    if (!this.connected) return false;
    let id;
    if (typeof args[args.length - 1] === "function") {
      id = this.nextAckID++;
      this.acks.set(id, args.pop());
    }
    this.engine.send(encodeSocketIOPacket({ type: SocketIOPacketType.event, id, data: [event, ...args] }));
    return true;
  }

  disconnect() {
    this.isClosedByUser = true;
    clearTimeout(this.reconnectTimer);
    if (this.engine) {
      if (this.connected) this.engine.send(encodeSocketIOPacket({ type: SocketIOPacketType.disconnect }));
      const engine = this.engine;
      this.engine = null;
      engine.close();
    }
    const wasConnected = this.connected;
    this.id = null;
    this.setState("disconnected");
    if (wasConnected) this.emitLocal("disconnect", "io client disconnect");
    return this;
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emitLocal("state", state);
  }

  handleText(text) {
    let packet;
    try {
      packet = decodeSocketIOPacket(text);
    } catch (error) {
      console.warn("ignored a malformed Socket.IO packet", error);
      return;
    }
    if (packet.namespace !== "/") return;
    switch (packet.type) {
      case SocketIOPacketType.connect:
        this.id = packet.data?.sid ?? null;
        this.backoff.reset();
        this.setState("connected");
        this.emitLocal("connect");
        break;
      case SocketIOPacketType.connectError: {
        const error = new Error(packet.data?.message ?? "connection refused");
        error.data = packet.data;
        // A refusal by the server (e.g. authentication) is not retried: a new token is needed.
        this.isClosedByUser = true;
        this.engine?.close();
        this.engine = null;
        this.setState("disconnected");
        this.emitLocal("connect_error", error);
        break;
      }
      case SocketIOPacketType.event:
        this.emitLocal(packet.data[0], ...packet.data.slice(1));
        break;
      case SocketIOPacketType.ack: {
        const callback = this.acks.get(packet.id);
        this.acks.delete(packet.id);
        callback?.(...packet.data);
        break;
      }
      case SocketIOPacketType.disconnect:
        // The server ended the session on purpose: not retried.
        this.isClosedByUser = true;
        this.engine?.close();
        this.engine = null;
        this.id = null;
        this.setState("disconnected");
        this.emitLocal("disconnect", "io server disconnect");
        break;
      default:
        break;
    }
  }

  handleEngineClose(reason) {
    const wasConnected = this.connected;
    this.engine = null;
    this.id = null;
    this.acks.clear();
    if (wasConnected) this.emitLocal("disconnect", reason);
    else this.emitLocal("connect_error", new Error(reason));
    if (!this.reconnection || this.isClosedByUser) {
      this.setState("disconnected");
      return;
    }
    const delay = this.backoff.next();
    this.setState("reconnecting");
    this.emitLocal("reconnect_scheduled", delay);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }
}
