import Testing

@testable import WireCodecs

@Suite struct HTTPRequestParserTests {
    @Test func vectorsFileHasTheCasesTheSpecAsksFor() throws {
        let file = try HTTPVectorFile.loaded.get()
        #expect(file.requests.count >= 30)
        #expect(file.responses.count >= 8)
        #expect(Set(file.requests.map(\.name)).count == file.requests.count, "vector names are unique")
        // Every error case a request can raise is witnessed by at least one vector.
        let witnessed = Set(
            file.requests.flatMap(\.expectedOutcomes).compactMap { outcome -> String? in
                if case .error(let name, _) = outcome { name } else { nil }
            })
        let requestErrors: [HTTPParseError] = [
            .invalidRequestLine, .invalidMethod, .invalidTarget, .targetTooLong, .unsupportedVersion,
            .invalidHeader(name: nil), .whitespaceBeforeColon(name: ""), .obsoleteLineFolding, .invalidHost,
            .headTooLarge, .tooManyHeaders, .invalidContentLength, .conflictingContentLengths,
            .contentLengthWithTransferEncoding, .unsupportedTransferEncoding, .transferEncodingInHTTP10,
            .invalidChunkSize, .invalidChunkEnd, .invalidTrailer, .trailersTooLarge, .bodyTooLarge,
        ]
        for error in requestErrors { #expect(witnessed.contains(error.caseName), "no vector for \(error.caseName)") }
    }

    @Test(arguments: HTTPVectorFile.requestVectors)
    func parsesVectorWholeAndByteByByteAlike(vector: HTTPVector) {
        let expected = vector.expectedOutcomes
        for chunkSize in [0, 1, 3] {
            let (outcomes, unparsed) = HTTPVectorRunner.runRequests(vector, chunkSize: chunkSize)
            #expect(outcomes == expected, "chunk size \(chunkSize)")
            if let expectedUnparsed = vector.unparsed {
                #expect(unparsed == Array(expectedUnparsed.utf8), "chunk size \(chunkSize)")
            } else if case .error = expected.last {
            } else {
                #expect(unparsed.isEmpty, "chunk size \(chunkSize)")
            }
        }
    }

    @Test func staysFailedAfterAnError() {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/3.0\r\nHost: a\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.unsupportedVersion) { try parser.nextRequest() }
        #expect(parser.isFailed)
        parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.unsupportedVersion) { try parser.nextRequest() }
    }

    @Test func returnsNilUntilTheBodyIsComplete() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("POST /messages HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n01234".utf8))
        #expect(try parser.nextRequest() == nil)
        #expect(try parser.nextRequest() == nil)
        #expect(parser.pendingHead?.target == "/messages")
        parser.append(Array("56789GET".utf8))
        let request = try #require(try parser.nextRequest())
        #expect(request.body == Array("0123456789".utf8))
        #expect(try parser.nextRequest() == nil)
        #expect(parser.pendingHead == nil)
        #expect(parser.takeUnparsedBytes() == Array("GET".utf8))
        #expect(parser.isIdle)
    }

    @Test func takeUnparsedBytesHandsOverWhatFollowsAnUpgrade() throws {
        var parser = HTTPRequestParser()
        let frame: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        parser.append(
            Array(
                "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                    .utf8) + frame)
        let request = try #require(try parser.nextRequest())
        #expect(request.head.isUpgradeRequest)
        #expect(parser.takeUnparsedBytes() == frame)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func parsesManyPipelinedRequestsAcrossCompactions() throws {
        var parser = HTTPRequestParser()
        let one = Array("POST /messages HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello".utf8)
        let stream = Array([[UInt8]](repeating: one, count: 2_000).joined())
        var count = 0
        var offset = 0
        var step = 1
        while offset < stream.count {
            let end = min(stream.count, offset + step)
            parser.append(stream[offset..<end])
            offset = end
            step = step % 997 + 13  // Uneven pieces, so requests straddle appends.
            while let request = try parser.nextRequest() {
                #expect(request.body == Array("hello".utf8))
                count += 1
            }
        }
        #expect(count == 2_000)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func acceptsRawBufferAppends() throws {
        var parser = HTTPRequestParser()
        let bytes = Array("GET /raw HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        bytes.withUnsafeBytes { parser.append($0) }
        #expect(try parser.nextRequest()?.head.target == "/raw")
    }

    @Test func hostIsOptionalWhenNotRequired() throws {
        var parser = HTTPRequestParser(requiresHost: false)
        parser.append(Array("GET / HTTP/1.1\r\n\r\n".utf8))
        #expect(try parser.nextRequest()?.head.target == "/")
    }

    // MARK: Limits are enforced before the bytes they govern are all buffered.

    /// Appends `stream` in 4 KiB pieces, draining after each; returns the error and how much had
    /// been appended when it was thrown.
    private func feedUntilError(_ stream: [UInt8], limits: WireLimits = .standard) -> (
        HTTPParseError?, appended: Int, buffered: Int
    ) {
        var parser = HTTPRequestParser(limits: limits)
        var appended = 0
        while appended < stream.count {
            let end = min(stream.count, appended + 4096)
            parser.append(stream[appended..<end])
            appended = end
            do {
                while try parser.nextRequest() != nil {}
            } catch {
                return (error, appended, parser.bufferedByteCount)
            }
        }
        return (nil, appended, parser.bufferedByteCount)
    }

    @Test func oneMegabyteHeaderFloodFailsEarlyWith431() {
        let flood =
            Array("GET / HTTP/1.1\r\nHost: a\r\nX-Flood: ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        let (error, appended, buffered) = feedUntilError(flood)
        #expect(error == .headTooLarge)
        #expect(error?.status == 431)
        #expect(appended < flood.count)
        #expect(appended <= WireLimits.standard.httpMaxHeadSize + 4096)
        #expect(buffered <= WireLimits.standard.httpMaxHeadSize + 4096)
    }

    @Test func manySmallHeadersFailEarlyWith431() {
        let line = Array("X: a\r\n".utf8)
        let flood =
            Array("GET / HTTP/1.1\r\nHost: a\r\n".utf8) + Array([[UInt8]](repeating: line, count: 200_000).joined())
        let (error, appended, _) = feedUntilError(flood)
        #expect(error == .tooManyHeaders)
        #expect(error?.status == 431)
        #expect(appended < flood.count)
    }

    @Test func endlessRequestLineFailsEarlyWith414() {
        let flood = Array("GET /".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        let (error, appended, _) = feedUntilError(flood)
        #expect(error == .targetTooLong)
        #expect(error?.status == 414)
        #expect(appended < flood.count)
    }

    @Test func endlessEmptyLinesFailEarlyWith431() {
        let flood = Array([[UInt8]](repeating: [0x0D, 0x0A], count: 1 << 19).joined())
        let (error, appended, _) = feedUntilError(flood)
        #expect(error == .headTooLarge)
        #expect(appended < flood.count)
    }

    @Test func declaredBodyOverLimitFailsBeforeAnyBodyByte() {
        var parser = HTTPRequestParser()
        let length = WireLimits.standard.httpMaxBodySize + 1
        parser.append(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \(length)\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.bodyTooLarge) { try parser.nextRequest() }
    }

    @Test func hugeLimitsDoNotOverflow() throws {
        let limits = WireLimits(httpMaxHeadSize: .max, httpMaxHeaderCount: .max, httpMaxBodySize: .max)
        var parser = HTTPRequestParser(limits: limits)
        parser.append(Array("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        parser.append(Array("fffffffffffffffffffff\r\n".utf8))
        #expect(throws: HTTPParseError.bodyTooLarge) { try parser.nextRequest() }
        var lengthParser = HTTPRequestParser(limits: limits)
        lengthParser.append(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.bodyTooLarge) { try lengthParser.nextRequest() }
    }

    @Test func bodyAtTheLimitIsAccepted() throws {
        let limits = WireLimits(httpMaxBodySize: 10)
        var parser = HTTPRequestParser(limits: limits)
        parser.append(
            Array(
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n"
                    .utf8))
        #expect(try parser.nextRequest()?.body.count == 10)
    }

    @Test func streamedChunksOverLimitFailEarlyWith413() {
        var stream = Array("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let chunk = Array("1000\r\n".utf8) + [UInt8](repeating: 0x61, count: 4096) + [0x0D, 0x0A]
        for _ in 0..<1_000 { stream += chunk }
        let (error, appended, _) = feedUntilError(stream)
        #expect(error == .bodyTooLarge)
        #expect(error?.status == 413)
        #expect(appended < stream.count)
    }

    @Test func headExactlyAtTheLimitIsAccepted() throws {
        let head = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        var parser = HTTPRequestParser(limits: WireLimits(httpMaxHeadSize: head.count))
        parser.append(head)
        #expect(try parser.nextRequest() != nil)
        var tight = HTTPRequestParser(limits: WireLimits(httpMaxHeadSize: head.count - 1))
        tight.append(head)
        #expect(throws: HTTPParseError.headTooLarge) { try tight.nextRequest() }
    }
}
