/// libFuzzer entry of target `websocket-messages`; the driver is `WebSocketMessageFuzzDriver` (Tests/WireCodecsTests/Fuzz/Drivers).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzEntry.run(data, size, WebSocketMessageFuzzDriver.run)
}
