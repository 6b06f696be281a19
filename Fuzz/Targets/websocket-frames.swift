/// libFuzzer entry of target `websocket-frames`; the driver is `WebSocketFrameFuzzDriver` (Tests/WireCodecsTests/Fuzz/Drivers).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzEntry.run(data, size, WebSocketFrameFuzzDriver.run)
}
