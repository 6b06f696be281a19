/// libFuzzer entry of target `http-response`; the driver is `HTTPResponseFuzzDriver` (Tests/WireCodecsTests/Fuzz/Drivers).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzEntry.run(data, size, HTTPResponseFuzzDriver.run)
}
