// The chat's model, with no I/O: the signed-in user's conversations, merged from `all_messages`,
// `new_message` and the answers to our own POSTs, each message kept once (by its id, or by
// sender + timestamp + content when a server sends no id), and what has been read.

/** The key that identifies a message across all_messages, new_message and a 201 answer. */
export function messageKey(message) {
  if (message.id !== undefined && message.id !== null) return `id:${message.id}`;
  return `t:${message.sender}\u0000${message.timestamp}\u0000${message.content}`;
}

/** Orders messages: by id when both have one (acceptance order), else by timestamp. */
export function compareMessages(a, b) {
  if (typeof a.id === "number" && typeof b.id === "number") return a.id - b.id;
  return String(a.timestamp).localeCompare(String(b.timestamp));
}

export class ConversationStore {
  constructor(user, readMarks = {}) {
    this.user = user;
    /** party → {party, messages: [...], keys: Set, startedAt} */
    this.conversations = new Map();
    /** party → the key of the last message read there. */
    this.readMarks = { ...readMarks };
    this.startCounter = 0;
  }

  conversation(party) {
    let conversation = this.conversations.get(party);
    if (!conversation) {
      conversation = { party, messages: [], keys: new Set(), startedAt: ++this.startCounter };
      this.conversations.set(party, conversation);
    }
    return conversation;
  }

  /** Adds a message to the conversation with `party`; returns false when it was already there. */
  add(party, message) {
    const conversation = this.conversation(party);
    const key = messageKey(message);
    if (conversation.keys.has(key)) return false;
    conversation.keys.add(key);
    const messages = conversation.messages;
    let index = messages.length;
    while (index > 0 && compareMessages(messages[index - 1], message) > 0) index -= 1;
    messages.splice(index, 0, message);
    return true;
  }

  /** Merges an `all_messages` argument ({party: [message…]}); returns how many were new. */
  mergeAll(allMessages) {
    let added = 0;
    for (const [party, messages] of Object.entries(allMessages ?? {})) {
      this.conversation(party);
      for (const message of messages) if (this.add(party, message)) added += 1;
    }
    return added;
  }

  /** A `new_message` addressed to this user: the conversation is the sender's. */
  receive(message) {
    return this.add(message.sender, message);
  }

  /** A message this user sent to `receiver`, as a 201 answer described it. */
  sent(receiver, content, answer) {
    return this.add(receiver, { sender: this.user, content, timestamp: answer.timestamp, id: answer.id });
  }

  /** Conversations with the latest activity first; new empty ones (just started) on top. */
  ordered() {
    const latest = (conversation) => conversation.messages[conversation.messages.length - 1];
    return [...this.conversations.values()].sort((a, b) => {
      const lastA = latest(a);
      const lastB = latest(b);
      if (!lastA || !lastB) {
        if (lastA) return 1;
        if (lastB) return -1;
        return b.startedAt - a.startedAt;
      }
      return compareMessages(lastB, lastA);
    });
  }

  /** Messages from `party` after the last one read there. */
  unreadCount(party) {
    const conversation = this.conversations.get(party);
    if (!conversation || party === this.user) return 0;
    const mark = this.readMarks[party];
    let start = 0;
    if (mark !== undefined) {
      const index = conversation.messages.findIndex((message) => messageKey(message) === mark);
      start = index + 1;
    }
    return conversation.messages.slice(start).filter((message) => message.sender === party).length;
  }

  /** Marks everything in the conversation read; returns the mark, or null when nothing changed. */
  markRead(party) {
    const conversation = this.conversations.get(party);
    const last = conversation?.messages[conversation.messages.length - 1];
    if (!last) return null;
    const key = messageKey(last);
    if (this.readMarks[party] === key) return null;
    this.readMarks[party] = key;
    return key;
  }
}
