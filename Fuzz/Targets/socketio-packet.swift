/// libFuzzer entry of target `socketio-packet`; the driver is `SocketIOPacketFuzzDriver` (Tests/WireCodecsTests/Fuzz/Drivers).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzEntry.run(data, size, SocketIOPacketFuzzDriver.run)
}
