// The messenger page: sign in, conversations from all_messages, live new_message, sending with
// POST /messages, several tabs of one user kept in step (BroadcastChannel), the connection's state
// shown, reconnection handled by the client (socketio-client.js) and the history merged without
// duplicates (conversations.js).
import { SocketIOClient } from "./socketio-client.js";
import { ConversationStore } from "./conversations.js";

const $ = (id) => document.getElementById(id);
const elements = {
  connection: $("connection"), whoami: $("whoami"), whoamiName: $("whoami-name"), signOut: $("sign-out"),
  signIn: $("sign-in"), signInForm: $("sign-in-form"), signInName: $("sign-in-name"), signInToken: $("sign-in-token"),
  signInError: $("sign-in-error"), chat: $("chat"), startForm: $("start-form"), startName: $("start-name"),
  announcer: $("announcer"), list: $("conversation-list"), noConversations: $("no-conversations"), title: $("conversation-title"),
  back: $("back"), messages: $("messages"), sendForm: $("send-form"), input: $("message-input"),
  sendError: $("send-error"),
};

/**
 * Options from the address: `#token=…` (authentication); `?transports=polling` and `?send=post`
 * (tests, diagnosis).
 */
const fragment = new URLSearchParams(location.hash.slice(1));
const query = new URLSearchParams(location.search);

let session = null;  // {user, token, store, socket, channel, current}

/** The `sub` (or `name`) claim of a JWT, read without verifying it: only to show and join as. */
function nameFromToken(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(decodeURIComponent(escape(atob(payload))));
    return typeof claims.sub === "string" ? claims.sub : typeof claims.name === "string" ? claims.name : "";
  } catch {
    return "";
  }
}

function readMarksKey(user) {
  return `messenger.read.${user}`;
}

function loadReadMarks(user) {
  try {
    return JSON.parse(localStorage.getItem(readMarksKey(user)) ?? "{}");
  } catch {
    return {};
  }
}

function signIn(user, token) {
  const store = new ConversationStore(user, loadReadMarks(user));
  const options = { auth: token ? { token } : undefined };
  const transports = query.get("transports");
  if (transports) options.transports = transports.split(",");
  const socket = new SocketIOClient(location.origin, options);
  const channel = "BroadcastChannel" in window ? new BroadcastChannel(`messenger:${user}`) : null;
  session = { user, token, store, socket, channel, current: null, reconnectAt: null, sendsOverSocket: undefined };
  elements.sendForm.dataset.via = "post";  // until the server says it offers send_message
  sessionStorage.setItem("messenger.user", user);
  if (token) sessionStorage.setItem("messenger.token", token);

  socket.on("connect", () => {
    socket.emit("join", user);
    probeSendMessage(socket);
  });
  socket.on("all_messages", (all) => {
    store.mergeAll(all);
    render();
  });
  socket.on("new_message", (message) => {
    if (!store.receive(message)) return;
    render();
    // The message list is re-rendered whole, so it is not a live region; this line is.
    elements.announcer.textContent = `New message from ${message.sender}: ${message.content}`;
  });
  socket.on("error", (error) => showSignInError(error?.message ?? "the server refused the sign-in"));
  socket.on("connect_error", (error) => {
    if (socket.state === "disconnected") showSignInError(error.message);
  });
  socket.on("state", renderConnection);
  socket.on("transport", renderConnection);
  socket.on("reconnect_scheduled", (delay) => {
    session.reconnectAt = Date.now() + delay;
    renderConnection();
  });
  if (channel) {
    channel.onmessage = ({ data }) => {
      if (data.kind === "sent" && store.sent(data.receiver, data.content, data.answer)) render();
      if (data.kind === "read") {
        store.readMarks[data.party] = data.mark;
        render();
      }
    };
  }
  socket.connect();

  elements.signIn.hidden = true;
  elements.chat.hidden = false;
  elements.whoami.hidden = false;
  elements.whoamiName.textContent = user;
  render();
  renderConnection();
  elements.startName.focus();
}

function signOut() {
  if (!session) return;
  session.socket.disconnect();
  session.channel?.close();
  session = null;
  sessionStorage.removeItem("messenger.user");
  sessionStorage.removeItem("messenger.token");
  elements.chat.hidden = true;
  elements.whoami.hidden = true;
  elements.signIn.hidden = false;
  elements.messages.replaceChildren();
  elements.list.replaceChildren();
  document.title = "Messenger";
  renderConnection();
  elements.signInName.focus();
}

function showSignInError(text) {
  elements.signInError.textContent = text;
  if (session && session.socket.state === "disconnected") {
    elements.sendError.textContent = `Not connected: ${text}`;
  }
}

// Rendering

function renderConnection() {
  const element = elements.connection;
  if (!session) {
    element.dataset.state = "disconnected";
    element.textContent = "Not connected";
    return;
  }
  const { socket } = session;
  element.dataset.state = socket.state;
  element.dataset.transport = socket.transport ?? "";
  if (socket.state === "connected") {
    element.textContent = `Connected (${socket.transport === "websocket" ? "WebSocket" : "long-polling"})`;
  } else if (socket.state === "reconnecting") {
    const seconds = Math.max(0, ((session.reconnectAt ?? Date.now()) - Date.now()) / 1000);
    element.textContent = `Connection lost: reconnecting${seconds > 0.05 ? ` in ${seconds.toFixed(1)} s` : "…"}`;
  } else if (socket.state === "connecting") {
    element.textContent = "Connecting…";
  } else {
    element.textContent = "Disconnected";
  }
}

function formatTime(timestamp) {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? String(timestamp) : date.toLocaleString();
}

function render() {
  if (!session) return;
  const { store, user } = session;
  const isVisible = document.visibilityState === "visible";
  if (session.current && isVisible) {
    const mark = store.markRead(session.current);
    if (mark) {
      localStorage.setItem(readMarksKey(user), JSON.stringify(store.readMarks));
      session.channel?.postMessage({ kind: "read", party: session.current, mark });
    }
  }

  const items = store.ordered().map((conversation) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "conversation-item";
    button.dataset.party = conversation.party;
    if (conversation.party === session.current) button.setAttribute("aria-current", "true");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = conversation.party === user ? `${conversation.party} (you)` : conversation.party;
    button.append(name);
    const unread = store.unreadCount(conversation.party);
    let label = `Conversation with ${conversation.party}`;
    if (unread > 0) {
      const badge = document.createElement("span");
      badge.className = "unread";
      badge.textContent = String(unread);
      button.append(badge);
      label += `, ${unread} unread`;
    }
    const last = conversation.messages[conversation.messages.length - 1];
    const preview = document.createElement("span");
    preview.className = "preview";
    preview.textContent = last ? `${last.sender === user ? "You: " : ""}${last.content}` : "No messages yet";
    button.append(preview);
    button.setAttribute("aria-label", label);
    button.addEventListener("click", () => openConversation(conversation.party));
    item.append(button);
    return item;
  });
  const focusedParty = document.activeElement?.dataset?.party;
  elements.list.replaceChildren(...items);
  if (focusedParty !== undefined) elements.list.querySelector(`[data-party="${CSS.escape(focusedParty)}"]`)?.focus();
  elements.noConversations.hidden = items.length > 0;
  const unread = store.ordered().reduce((total, conversation) => total + store.unreadCount(conversation.party), 0);
  document.title = unread > 0 ? `(${unread}) Messenger` : "Messenger";
  renderConversation();
}

function renderConversation() {
  const { store, user, current } = session;
  elements.sendForm.hidden = current === null;
  elements.title.textContent = current === null ? "Pick a conversation" : `Conversation with ${current}`;
  const messages = current === null ? [] : store.conversation(current).messages;
  const list = elements.messages;
  const isAtBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...messages.map((message) => {
    const item = document.createElement("li");
    item.className = message.sender === user ? "message mine" : "message";
    if (message.id !== undefined) item.dataset.id = String(message.id);
    const content = document.createElement("span");
    content.className = "content";
    content.textContent = message.content;
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = `${message.sender === user ? "You" : message.sender} · ${formatTime(message.timestamp)}`;
    item.append(content, meta);
    return item;
  }));
  if (isAtBottom) list.scrollTop = list.scrollHeight;
}

function openConversation(party) {
  session.current = party;
  session.store.conversation(party);
  elements.chat.classList.add("showing-conversation");
  elements.sendError.textContent = "";
  render();
  const list = elements.messages;
  list.scrollTop = list.scrollHeight;
  elements.input.focus();
}

// Sending: `send_message` over the session when the server offers it (Spec EXT-1), else POST /messages.

/** How long an acknowledgement may take before the page says it is unconfirmed. */
const ACK_TIMEOUT_MS = 10000;
/** A server that offers EXT-1 answers an invalid send_message with an error within this time. */
const PROBE_TIMEOUT_MS = 3000;

/** Asks, with an argument the server must refuse (Spec EXT-3: nothing stored), whether it offers send_message. */
function probeSendMessage(socket) {
  if (query.get("send") === "post" || session.sendsOverSocket !== undefined) return;
  const timer = setTimeout(() => {
    // Unanswered on a live session: no EXT-1. (A session lost meanwhile asks again on the next.)
    if (session?.socket === socket && socket.connected) session.sendsOverSocket = false;
  }, PROBE_TIMEOUT_MS);
  socket.emit("send_message", { receiver: "", content: "" }, (answer) => {
    clearTimeout(timer);
    if (session?.socket !== socket) return;
    session.sendsOverSocket = typeof answer?.error === "string";
    elements.sendForm.dataset.via = session.sendsOverSocket ? "send_message" : "post";
  });
}

async function postMessage(user, token, receiver, content) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch("/messages", {
    method: "POST", headers, body: JSON.stringify({ sender: user, receiver, content }),
  });
  let body = {};
  try {
    body = await response.json();
  } catch { /* no JSON body */ }
  if (response.status !== 201) throw new Error(body.error ?? `the server answered ${response.status}`);
  return body;
}

function emitSendMessage(socket, receiver, content) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not confirm it (it may still arrive)")), ACK_TIMEOUT_MS);
    const isSent = socket.emit("send_message", { receiver, content }, (answer) => {
      clearTimeout(timer);
      if (answer?.status === "success") resolve(answer);
      else reject(new Error(answer?.error ?? "refused by the server"));
    });
    if (!isSent) {
      clearTimeout(timer);
      resolve(null);  // not connected: the caller posts instead
    }
  });
}

async function send(content) {
  const { user, token, socket, current: receiver } = session;
  let answer = session.sendsOverSocket ? await emitSendMessage(socket, receiver, content) : null;
  if (answer === null) answer = await postMessage(user, token, receiver, content);
  if (session?.user !== user) return;
  if (answer.timestamp !== undefined) {
    session.store.sent(receiver, content, answer);
    session.channel?.postMessage({ kind: "sent", receiver, content, answer: { id: answer.id, timestamp: answer.timestamp } });
  }
  render();
}

elements.sendForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const content = elements.input.value;
  if (content.trim() === "" || !session?.current) return;
  const button = elements.sendForm.querySelector("button");
  button.disabled = true;
  elements.sendError.textContent = "";
  try {
    await send(content);
    elements.input.value = "";
  } catch (error) {
    elements.sendError.textContent = `Not sent: ${error.message}. Your text is kept; try again.`;
  } finally {
    button.disabled = false;
    elements.input.focus();
  }
});

elements.input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    elements.sendForm.requestSubmit();
  }
});

elements.signInForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const token = elements.signInToken.value.trim();
  const name = elements.signInName.value.trim() || (token ? nameFromToken(token) : "");
  if (!name) {
    elements.signInError.textContent = "Enter your name (or a token that names you).";
    elements.signInName.focus();
    return;
  }
  elements.signInError.textContent = "";
  signIn(name, token);
});

elements.startForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const party = elements.startName.value.trim();
  if (!party) return;
  elements.startName.value = "";
  openConversation(party);
});

elements.back.addEventListener("click", () => {
  elements.chat.classList.remove("showing-conversation");
  session.current = null;
  render();
  elements.startName.focus();
});
elements.signOut.addEventListener("click", signOut);
document.addEventListener("visibilitychange", () => render());
// The reconnection countdown.
setInterval(() => {
  if (session?.socket.state === "reconnecting") renderConnection();
}, 250);
window.addEventListener("storage", (event) => {
  if (session && event.key === readMarksKey(session.user)) {
    Object.assign(session.store.readMarks, JSON.parse(event.newValue ?? "{}"));
    render();
  }
});

// A token in the fragment pre-fills the form and leaves the address (it is a credential).
const fragmentToken = fragment.get("token");
if (fragmentToken) {
  elements.signInToken.value = fragmentToken;
  history.replaceState(null, "", location.pathname + location.search);
}
const rememberedUser = sessionStorage.getItem("messenger.user");
if (rememberedUser) signIn(rememberedUser, sessionStorage.getItem("messenger.token") ?? fragmentToken ?? "");
