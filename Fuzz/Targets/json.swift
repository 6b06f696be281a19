/// libFuzzer entry of target `json`; the driver is `JSONFuzzDriver` (Tests/WireCodecsTests/Fuzz/Drivers).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzEntry.run(data, size, JSONFuzzDriver.run)
}
