/// libFuzzer entry of target `engineio-payload`; the driver is `EngineIOPayloadFuzzDriver` (Tests/WireCodecsTests/Fuzz/Drivers).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzEntry.run(data, size, EngineIOPayloadFuzzDriver.run)
}
