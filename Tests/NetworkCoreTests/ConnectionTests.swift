import Testing
import NetworkCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ConnectionTests {
    @Test func echoBetweenTwoLoops() async throws {
        try await withServerAndClientLoops { serverLoop, clientLoop in
            let serverLog = ConnectionLog()
            let clientLog = ConnectionLog()
            let port = try await startEchoServer(on: serverLoop, log: serverLog)
            let message = Array("hello, loop".utf8)
            let id = try await clientLoop.submit { context in
                context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: clientLog, onConnect: { $0.write(message) })).id
            }
            #expect(await eventually { clientLog.record(id).received.count >= message.count })
            let record = clientLog.record(id)
            #expect(record.received == message)
            #expect(record.connectCount == 1)
            #expect(record.closeErrors.isEmpty)
            #expect(record.callbacksOffLoopThread == 0)
            #expect(serverLog.all.values.allSatisfy { $0.connectCount == 1 && $0.callbacksOffLoopThread == 0 })
        }
    }

    @Test func echoOnOneLoopWithRemoteAddress() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let log = ConnectionLog()
        let addresses = SharedList<String>()
        let port = try await loop.submit { context throws(NetworkError) in
            try context.listen(host: "127.0.0.1", port: 0) { connection in
                addresses.append(connection.remoteAddress)
                return RecordingHandler(log: log, onRead: { connection, bytes in connection.write(bytes) })
            }.port
        }
        let id = try await loop.submit { context in
            let connection = context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: log))
            connection.write(Array("written before connect".utf8))
            return connection.id
        }
        #expect(await eventually { log.record(id).received.count >= 22 })
        #expect(log.record(id).received == Array("written before connect".utf8))
        #expect(addresses.values.count == 1)
        #expect(addresses.values.first?.hasPrefix("127.0.0.1:") == true)
    }

    @Test func twoHundredConcurrentConnectionsEchoCorrectly() async throws {
        try await withServerAndClientLoops { serverLoop, clientLoop in
            let serverLog = ConnectionLog()
            let clientLog = ConnectionLog()
            let port = try await startEchoServer(on: serverLoop, log: serverLog)
            let size = 3000
            let ids = try await clientLoop.submit { context in
                (0..<200).map { index in
                    let handler = RecordingHandler(log: clientLog, onConnect: { $0.write(payload(index: index, count: size)) })
                    return context.connect(host: "127.0.0.1", port: port, handler: handler).id
                }
            }
            #expect(await eventually { ids.allSatisfy { clientLog.record($0).received.count >= size } })
            for (index, id) in ids.enumerated() {
                let record = clientLog.record(id)
                #expect(record.received == payload(index: index, count: size), "connection \(index)")
                #expect(record.closeErrors.isEmpty)
            }
            #expect(serverLog.all.count == 200)
            #expect(try await serverLoop.submit { $0.connectionCount } == 200)
        }
    }

    @Test func peerCloseIsReportedExactlyOnceOnBothSides() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let serverLog = ConnectionLog()
        let clientLog = ConnectionLog()
        let port = try await startEchoServer(on: loop, log: serverLog)
        let id = try await loop.submit { context in
            context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: clientLog, onConnect: { connection in
                connection.close()
                connection.close()  // A second close is a no-op.
                connection.write([1, 2, 3])  // So is a write after close.
            })).id
        }
        #expect(await eventually { serverLog.closedCount == 1 && clientLog.closedCount == 1 })
        try await Task.sleep(for: .milliseconds(50))
        #expect(clientLog.record(id).closeErrors == [nil])
        #expect(serverLog.all.values.map(\.closeErrors) == [[nil]])
        #expect(try await loop.submit { $0.connectionCount } == 0)
    }

    @Test func closeNotificationIsNotReentrant() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let log = ConnectionLog()
        let port = try await startEchoServer(on: loop, log: log)
        let steps = SharedList<String>()
        _ = try await loop.submit { context in
            let handler = RecordingHandler(log: log, onConnect: { connection in
                steps.append("before close")
                connection.close()
                #expect(connection.isClosed)
                steps.append("after close")
            }, onClose: { _, _ in steps.append("did close") })
            return context.connect(host: "127.0.0.1", port: port, handler: handler).id
        }
        #expect(await eventually { steps.values.count == 3 })
        #expect(steps.values == ["before close", "after close", "did close"])
    }

    @Test func stalledReaderOverflowsOnlyItsOwnConnection() async throws {
        try await withServerAndClientLoops { serverLoop, clientLoop in
            let serverLog = ConnectionLog()
            let clientLog = ConnectionLog()
            let chunk = [UInt8](repeating: 0x61, count: 1 << 20)
            let writtenMegabytes = Atomic<Int>(0)
            let port = try await serverLoop.submit { context throws(NetworkError) in
                try context.listen(host: "127.0.0.1", port: 0) { _ in
                    RecordingHandler(log: serverLog, onRead: { connection, bytes in
                        if bytes.first == UInt8(ascii: "F") {
                            // Flood: 64 MiB to a peer that never reads.
                            for _ in 0..<64 where !connection.isClosed {
                                connection.write(chunk)
                                writtenMegabytes.add(1, ordering: .relaxed)
                            }
                        } else {
                            connection.write(bytes)
                        }
                    })
                }.port
            }
            let stalledID = try await clientLoop.submit { context in
                context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: clientLog, onConnect: { connection in
                    connection.pauseReading()
                    connection.write(Array("F".utf8))
                })).id
            }
            let limit = NetworkConfiguration().maxPendingWriteBytes
            #expect(await eventually {
                serverLog.all.values.contains { $0.closeErrors == [.outboundBufferOverflow(limit: limit)] }
            })
            let megabytes = writtenMegabytes.load(ordering: .relaxed)
            #expect(megabytes < 64)

            let echoID = try await clientLoop.submit { context in
                context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: clientLog, onConnect: { connection in
                    connection.write(Array("Echo me".utf8))
                })).id
            }
            #expect(await eventually { clientLog.record(echoID).received.count >= 7 })
            #expect(clientLog.record(echoID).received == Array("Echo me".utf8))
            let serverRecords = serverLog.all.values
            #expect(serverRecords.count == 2)
            #expect(serverRecords.filter { $0.closeErrors.isEmpty }.count == 1)
            #expect(clientLog.record(stalledID).received.isEmpty)
        }
    }

    @Test func writesBeyondTheSocketBufferAreQueuedAndDrained() async throws {
        try await withServerAndClientLoops { serverLoop, clientLoop in
            let serverLog = ConnectionLog()
            let clientLog = ConnectionLog()
            let size = 3 << 20
            let sent = payload(index: 9, count: size)
            let pendingAfterWrite = SharedList<Int>()
            let port = try await serverLoop.submit { context throws(NetworkError) in
                try context.listen(host: "127.0.0.1", port: 0) { _ in
                    RecordingHandler(log: serverLog, onConnect: { connection in
                        connection.write(sent[...])  // The `some Collection<UInt8>` overload.
                        pendingAfterWrite.append(connection.pendingWriteBytes)
                        connection.closeAfterFlush()
                    })
                }.port
            }
            let id = try await clientLoop.submit { context in
                context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: clientLog)).id
            }
            #expect(await eventually { clientLog.record(id).closeErrors.count == 1 })
            let record = clientLog.record(id)
            #expect(record.closeErrors == [nil])
            #expect(record.received.count == size)
            #expect(record.received == sent)
            #expect(await eventually { serverLog.closedCount == 1 })
            #expect(serverLog.all.values.map(\.closeErrors) == [[nil]])
            #expect(pendingAfterWrite.values.count == 1)
            #expect(pendingAfterWrite.values.allSatisfy { $0 <= size })
        }
    }

    @Test func writeDidDrainFollowsABufferedWrite() async throws {
        try await withServerAndClientLoops { serverLoop, clientLoop in
            let serverLog = ConnectionLog()
            let clientLog = ConnectionLog()
            let serverIDs = SharedList<ConnectionID>()
            let size = 32 << 20
            let port = try await serverLoop.submit { context throws(NetworkError) in
                try context.listen(host: "127.0.0.1", port: 0) { connection in
                    serverIDs.append(connection.id)
                    return RecordingHandler(log: serverLog, onConnect: { connection in
                        connection.maxPendingWriteBytes = size
                        connection.write([UInt8](repeating: 7, count: size))
                    })
                }.port
            }
            // The client does not read until the server has had to buffer.
            let id = try await clientLoop.submit { context in
                context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: clientLog, onConnect: { $0.pauseReading() })).id
            }
            #expect(await eventually { serverIDs.values.count == 1 && serverLog.closedCount == 0 })
            let serverID = try #require(serverIDs.values.first)
            let pending = try await serverLoop.submit { $0.connection(serverID)?.pendingWriteBytes ?? -1 }
            #expect(pending > 0)
            #expect(serverLog.record(serverID).drainCount == 0)
            try await clientLoop.submit { $0.connection(id)?.resumeReading() }
            #expect(await eventually { clientLog.record(id).received.count == size })
            #expect(await eventually { serverLog.record(serverID).drainCount == 1 })
            #expect(try await serverLoop.submit { $0.connection(serverID)?.pendingWriteBytes } == 0)
        }
    }

    @Test func pausedReadingDeliversNothingUntilResumed() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let serverLog = ConnectionLog()
        let serverIDs = SharedList<ConnectionID>()
        let port = try await loop.submit { context throws(NetworkError) in
            try context.listen(host: "127.0.0.1", port: 0) { connection in
                serverIDs.append(connection.id)
                connection.pauseReading()
                return RecordingHandler(log: serverLog)
            }.port
        }
        let clientLog = ConnectionLog()
        _ = try await loop.submit { context in
            context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: clientLog, onConnect: { $0.write(Array("ping".utf8)) })).id
        }
        #expect(await eventually { serverIDs.values.count == 1 })
        try await Task.sleep(for: .milliseconds(50))
        let serverID = try #require(serverIDs.values.first)
        #expect(serverLog.record(serverID).received.isEmpty)
        let isPaused = try await loop.submit { context in
            let connection = context.connection(serverID)
            let wasPaused = connection?.isReadingPaused ?? false
            connection?.resumeReading()
            return wasPaused
        }
        #expect(isPaused)
        #expect(await eventually { serverLog.record(serverID).received == Array("ping".utf8) })
    }

    @Test func replacedHandlerReceivesTheNextBytes() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let firstLog = ConnectionLog()
        let secondLog = ConnectionLog()
        let port = try await loop.submit { context throws(NetworkError) in
            try context.listen(host: "127.0.0.1", port: 0) { _ in
                RecordingHandler(log: firstLog, onRead: { connection, _ in
                    // Like an HTTP upgrade: the first read switches protocols.
                    connection.handler = RecordingHandler(log: secondLog)
                    connection.write(Array("upgraded".utf8))
                })
            }.port
        }
        let clientLog = ConnectionLog()
        let clientID = try await loop.submit { context in
            context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: clientLog, onConnect: { $0.write(Array("first".utf8)) }, onRead: { connection, _ in
                connection.write(Array("second".utf8))
            })).id
        }
        #expect(await eventually { secondLog.all.values.first?.received == Array("second".utf8) })
        #expect(firstLog.all.values.first?.received == Array("first".utf8))
        #expect(clientLog.record(clientID).received == Array("upgraded".utf8))
    }

    @Test func connectToAClosedPortReportsFailure() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let reserved = ReservedClosedPort()
        defer { withExtendedLifetime(reserved) {} }
        let closedPort = reserved.port
        let log = ConnectionLog()
        let id = try await loop.submit { context in
            context.connect(host: "127.0.0.1", port: closedPort, handler: RecordingHandler(log: log)).id
        }
        #expect(await eventually { log.record(id).closeErrors.count == 1 })
        #expect(log.record(id).closeErrors == [.connectFailed(errno: ECONNREFUSED)])
        #expect(log.record(id).connectCount == 0)
    }

    @Test func connectWithABadAddressReportsItThroughTheHandler() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let log = ConnectionLog()
        let ids = try await loop.submit { context in
            [
                context.connect(host: "127.0.0.1", port: 65536, handler: RecordingHandler(log: log)).id,
                context.connect(host: "no such host.invalid", port: 80, handler: RecordingHandler(log: log)).id,
            ]
        }
        #expect(await eventually { log.closedCount == 2 })
        #expect(log.record(ids[0]).closeErrors == [.invalidPort(65536)])
        guard case .addressResolution? = log.record(ids[1]).closeErrors.first ?? nil else {
            Issue.record("expected addressResolution, got \(log.record(ids[1]).closeErrors)")
            return
        }
    }

    @Test func writingToAVanishedPeerReportsAResetInsteadOfSIGPIPE() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let serverLog = ConnectionLog()
        let port = try await loop.submit { context throws(NetworkError) in
            try context.listen(host: "127.0.0.1", port: 0) { connection in
                // Not reading, so the peer's FIN goes unnoticed and the writes below hit a closed socket.
                connection.pauseReading()
                return RecordingHandler(log: serverLog, onConnect: { connection in
                    func writeAgain(_ context: LoopContext) {
                        guard !connection.isClosed else { return }
                        connection.write([1])
                        context.scheduleTimer(after: .milliseconds(5), writeAgain)
                    }
                    connection.context.scheduleTimer(after: .milliseconds(20), writeAgain)
                })
            }.port
        }
        let clientLog = ConnectionLog()
        _ = try await loop.submit { context in
            context.connect(host: "127.0.0.1", port: port, handler: RecordingHandler(log: clientLog, onConnect: { $0.close() })).id
        }
        #expect(await eventually { serverLog.closedCount == 1 })
        let errors = serverLog.all.values.flatMap(\.closeErrors)
        #expect(errors.count == 1)
        #expect(errors.first??.isConnectionReset == true, "\(errors)")
    }
}
