/// The fuzz targets by name: each drives one parser over arbitrary bytes and returns the invariants
/// it found broken (empty when none).
///
/// Shared by the libFuzzer entries under `Fuzz/Targets/` (built by `Fuzz/run`) and by
/// `FuzzRegressionTests`, which replays every saved input through the same driver.
enum FuzzDriver {
    static let all: [String: @Sendable ([UInt8]) -> [String]] = [
        "http-request": { HTTPRequestFuzzDriver.run($0) },
        "http-response": { HTTPResponseFuzzDriver.run($0) },
        "websocket-frames": { WebSocketFrameFuzzDriver.run($0) },
        "websocket-messages": { WebSocketMessageFuzzDriver.run($0) },
        "engineio-packet": { EngineIOPacketFuzzDriver.run($0) },
        "engineio-payload": { EngineIOPayloadFuzzDriver.run($0) },
        "socketio-packet": { SocketIOPacketFuzzDriver.run($0) },
        "json": { JSONFuzzDriver.run($0) },
        "jwt": { JSONWebTokenFuzzDriver.run($0) },
    ]
}
