import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking TCP connection owned by one loop (accepted by a `Listener` or made by
/// `LoopContext.connect`).
///
/// Loop-confined: use it only on its loop thread (from handler callbacks, timers, or
/// `eventLoop.execute`). Other threads refer to it by `id`.
///
/// Writes go out immediately when possible; the rest is buffered and sent when the socket becomes
/// writable. More than `maxPendingWriteBytes` buffered closes the connection with
/// `NetworkError.outboundBufferOverflow`.
public final class Connection {
    enum State {
        /// Outgoing connect in progress; writes are buffered.
        case connecting
        /// Established.
        case open
        /// `closeAfterFlush()` sent FIN; input is read and discarded until EOF or the linger timeout.
        case lingering
        /// Closed; every operation is a no-op.
        case closed
    }

    /// Process-wide unique identifier (also this connection's epoll token).
    public let id: ConnectionID
    /// The peer as "a.b.c.d:port" or "[v6]:port" (for outgoing connections, the requested host and port).
    public let remoteAddress: String
    /// The loop-confined context this connection lives in.
    public let context: LoopContext
    /// Receives this connection's events; replaceable at any time (e.g. HTTP upgraded to WebSocket).
    /// The next callback goes to the new handler.
    public var handler: ConnectionHandler
    /// Bytes that may wait unsent before the connection is closed with `.outboundBufferOverflow`.
    /// Starts at `NetworkConfiguration.maxPendingWriteBytes`.
    public var maxPendingWriteBytes: Int

    let descriptor: Int32
    private(set) var state: State
    private var isClosingAfterFlush = false
    /// Whether reading was paused by `pauseReading()`.
    public private(set) var isReadingPaused = false
    private var outbound: [UInt8] = []
    private var outboundStart = 0
    private var registeredEvents: UInt32 = 0
    private var lingerTimer: TimerID?
    /// Whether `outbound` holds coalesced writes that the context sends at the end of the iteration.
    private var isFlushScheduled = false

    init(descriptor: Int32, state: State, remoteAddress: String, context: LoopContext, handler: ConnectionHandler) {
        self.id = ConnectionID.next()
        self.descriptor = descriptor
        self.state = state
        self.remoteAddress = remoteAddress
        self.context = context
        self.handler = handler
        self.maxPendingWriteBytes = context.configuration.maxPendingWriteBytes
    }

    /// Whether the connection is established and not closing (writes are accepted and sent).
    public var isActive: Bool { state == .open && !isClosingAfterFlush }
    /// Whether the connection is closed (`connectionDidClose` has been or is about to be delivered).
    public var isClosed: Bool { state == .closed }
    /// Whether an outgoing connect is still in progress.
    public var isConnecting: Bool { state == .connecting }
    /// Bytes accepted by `write` but not yet handed to the kernel.
    public var pendingWriteBytes: Int { outbound.count - outboundStart }

    // MARK: Writing

    /// Sends `bytes` (copying what cannot be sent at once). Ignored once closed or closing.
    ///
    /// Small writes to a connection with nothing unsent are coalesced: they are sent together at the end
    /// of the current loop iteration (`NetworkConfiguration.coalescedWriteLimit`), in order. A `close()`
    /// in the same iteration still sends them first, as far as the socket takes them at once.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0, state == .open || state == .connecting, !isClosingAfterFlush else { return }
        if state == .open, pendingWriteBytes == 0 || isFlushScheduled,
           pendingWriteBytes + bytes.count <= context.configuration.coalescedWriteLimit {
            compactOutbound()
            outbound.append(contentsOf: bytes)
            if !isFlushScheduled {
                isFlushScheduled = true
                context.scheduleFlush(self)
            }
            return
        }
        if isFlushScheduled {
            // Keep the order: what waits for the end of the iteration goes first.
            sendCoalesced()
            guard state == .open else { return }
        }
        var offset = 0
        if state == .open, pendingWriteBytes == 0, let base = bytes.baseAddress {
            while offset < bytes.count {
                let sent = clinux_send(descriptor, base + offset, bytes.count - offset)
                if sent > 0 {
                    context.bytesSent &+= sent
                    offset += sent
                    continue
                }
                if sent == 0 { break }
                let code = clinux_errno()
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK { break }
                close(error: .system(call: "send", errno: code))
                return
            }
            if offset == bytes.count { return }
        }
        let remaining = bytes.count - offset
        guard remaining <= maxPendingWriteBytes - pendingWriteBytes else {
            close(error: .outboundBufferOverflow(limit: maxPendingWriteBytes))
            return
        }
        compactOutbound()
        outbound.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
        updateInterest()
    }

    /// Sends `bytes`.
    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    /// Sends any byte collection (contiguous ones, like `ArraySlice` or `String.UTF8View`, without a copy).
    public func write(_ bytes: some Collection<UInt8>) {
        let isWritten = bytes.withContiguousStorageIfAvailable { write(UnsafeRawBufferPointer($0)) } != nil
        if !isWritten { write(Array(bytes)) }
    }

    /// Sends the coalesced writes now (called by the context at the end of the iteration, and before
    /// anything that must follow them). Bytes the socket does not take wait for EPOLLOUT as usual.
    func sendCoalesced() {
        guard isFlushScheduled else { return }
        isFlushScheduled = false
        guard state == .open, pendingWriteBytes > 0 else { return }
        guard sendPending() else { return }
        if pendingWriteBytes == 0 {
            resetOutbound()
        } else {
            updateInterest()
        }
    }

    /// Sends buffered bytes until the socket takes no more (EAGAIN) or all are sent; false when a send
    /// failed and the connection was closed.
    private func sendPending() -> Bool {
        while pendingWriteBytes > 0 {
            let sent = outbound.withUnsafeBytes { buffer in
                clinux_send(descriptor, buffer.baseAddress! + outboundStart, buffer.count - outboundStart)
            }
            if sent > 0 {
                context.bytesSent &+= sent
                outboundStart += sent
                continue
            }
            if sent == 0 { break }
            let code = clinux_errno()
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { break }
            close(error: .system(call: "send", errno: code))
            return false
        }
        return true
    }

    private func flush() {
        guard pendingWriteBytes > 0 else {
            // A stale EPOLLOUT from the same batch: nothing was waiting, so no drain to report.
            updateInterest()
            return
        }
        guard sendPending() else { return }
        guard pendingWriteBytes == 0 else { return }
        resetOutbound()
        if isClosingAfterFlush {
            beginLinger()
        } else {
            updateInterest()
            handler.connectionWriteDidDrain(self)
        }
    }

    private func compactOutbound() {
        guard outboundStart > 0 else { return }
        if outboundStart == outbound.count {
            resetOutbound()
        } else if outboundStart >= 64 * 1024, outboundStart >= outbound.count / 2 {
            outbound.removeSubrange(0..<outboundStart)
            outboundStart = 0
        }
    }

    private func resetOutbound() {
        // Keep a small buffer for the next burst; give large ones back.
        if outbound.capacity > 64 * 1024 {
            outbound = []
        } else {
            outbound.removeAll(keepingCapacity: true)
        }
        outboundStart = 0
    }

    // MARK: Reading

    /// Stops delivering `connectionDidRead` (the kernel buffers input, then the peer's sends stall).
    public func pauseReading() {
        guard !isReadingPaused else { return }
        isReadingPaused = true
        updateInterest()
    }

    /// Resumes delivering `connectionDidRead`.
    public func resumeReading() {
        guard isReadingPaused else { return }
        isReadingPaused = false
        updateInterest()
    }

    private var isReading: Bool {
        switch state {
        case .open: !isReadingPaused && !isClosingAfterFlush
        case .lingering: true
        case .connecting, .closed: false
        }
    }

    // MARK: Closing

    /// Closes now, discarding unsent bytes; the handler's `connectionDidClose(error: nil)` follows after the
    /// current callback returns.
    public func close() {
        close(error: nil)
    }

    /// Stops reading, sends what is buffered, then sends FIN and closes once the peer closes too (or after
    /// `NetworkConfiguration.lingerTimeout`), so the peer receives everything written before.
    /// Writes after this call are ignored. Flushing itself has no deadline: a peer that never reads keeps
    /// the connection until the caller's own timer calls `close()`.
    public func closeAfterFlush() {
        guard !isClosingAfterFlush else { return }
        sendCoalesced()
        switch state {
        case .open:
            isClosingAfterFlush = true
            if pendingWriteBytes == 0 { beginLinger() } else { updateInterest() }
        case .connecting:
            isClosingAfterFlush = true
        case .lingering, .closed:
            break
        }
    }

    private func beginLinger() {
        guard context.configuration.lingerTimeout > .zero, clinux_shutdown_write(descriptor) == 0 else {
            close(error: nil)
            return
        }
        state = .lingering
        updateInterest()
        lingerTimer = context.scheduleTimer(after: context.configuration.lingerTimeout) { [weak self] _ in
            self?.lingerTimer = nil
            self?.close(error: nil)
        }
    }

    /// Closes with `error` reported to the handler (once; later calls are ignored).
    func close(error: NetworkError?) {
        guard state != .closed else { return }
        // Coalesced writes were due before this close: send what the socket takes at once.
        if isFlushScheduled, error == nil { sendCoalesced() }
        guard state != .closed else { return }
        isFlushScheduled = false
        state = .closed
        if let lingerTimer {
            context.cancelTimer(lingerTimer)
            self.lingerTimer = nil
        }
        context.unregister(token: id.rawValue)
        if descriptor >= 0 { Glibc.close(descriptor) }
        outbound = []
        outboundStart = 0
        context.enqueueCloseNotification(self, error: error)
    }

    // MARK: Events (called by the loop)

    private func updateInterest() {
        guard state != .closed, descriptor >= 0 else { return }
        var desired: UInt32 = 0
        if isReading { desired |= CLINUX_EPOLLIN }
        if state == .connecting || (state == .open && pendingWriteBytes > 0) { desired |= CLINUX_EPOLLOUT }
        guard desired != registeredEvents else { return }
        let code = context.modify(token: id.rawValue, descriptor: descriptor, events: desired)
        guard code == 0 else {
            close(error: .system(call: "epoll_ctl", errno: code))
            return
        }
        registeredEvents = desired
    }

    /// Registers a freshly created socket with the loop; returns 0 or errno.
    func register(events: UInt32) -> Int32 {
        registeredEvents = events
        return context.register(.connection(self), token: id.rawValue, descriptor: descriptor, events: events)
    }

    func handleEvents(_ events: UInt32) {
        let isFailure = events & (CLINUX_EPOLLERR | CLINUX_EPOLLHUP) != 0
        switch state {
        case .closed:
            return
        case .connecting:
            if events & CLINUX_EPOLLOUT != 0 || isFailure { finishConnect() }
            return
        case .open, .lingering:
            break
        }
        if isReading, events & CLINUX_EPOLLIN != 0 || isFailure {
            readAvailable()
        } else if isFailure {
            // Not reading (paused or flushing before close), so the error or hang-up would be reported
            // again and again by level-triggered epoll: close now.
            let code = clinux_socket_error(descriptor)
            close(error: code == 0 ? nil : .system(call: "socket", errno: code))
            return
        }
        if state == .open, events & CLINUX_EPOLLOUT != 0 { flush() }
    }

    private func readAvailable() {
        let buffer = context.readBuffer
        guard let base = buffer.baseAddress else { return }
        var reads = 0
        while isReading, reads < context.configuration.maxReadsPerWakeup {
            let received = clinux_recv(descriptor, base, buffer.count)
            if received > 0 {
                context.bytesReceived &+= received
                reads += 1
                if state == .lingering { continue }
                handler.connectionDidRead(self, UnsafeRawBufferPointer(start: base, count: received))
                if received < buffer.count { return }  // Most likely drained; epoll reports more if not.
            } else if received == 0 {
                close(error: nil)
                return
            } else {
                let code = clinux_errno()
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK { return }
                close(error: .system(call: "recv", errno: code))
                return
            }
        }
    }

    private func finishConnect() {
        let code = clinux_socket_error(descriptor)
        guard code == 0 else {
            close(error: .connectFailed(errno: code))
            return
        }
        state = .open
        if context.configuration.isNoDelayEnabled { _ = clinux_set_no_delay(descriptor, 1) }
        updateInterest()
        guard state == .open else { return }
        handler.connectionDidConnect(self)
        guard state == .open else { return }
        if pendingWriteBytes > 0 {
            flush()
        } else if isClosingAfterFlush {
            beginLinger()
        }
    }
}

@available(*, unavailable)
extension Connection: Sendable {}
