/// libFuzzer entry of target `engineio-packet`; the driver is `EngineIOPacketFuzzDriver` (Tests/WireCodecsTests/Fuzz/Drivers).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzEntry.run(data, size, EngineIOPacketFuzzDriver.run)
}
